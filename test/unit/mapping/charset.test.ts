/** Characters a column's character set lacks (sweep finding F5); the latin1 table is checked against the server in test/integration/charset.test.ts. */
import { describe, expect, it } from 'vitest';
import { charsetCheck, charsetOfCollation } from '../../../src/mapping/charset.js';

describe('charsetCheck', () => {
  it('latin1 is Windows-1252: accents, € and curly quotes fit; Ω, emoji and C1 controls cp1252 reuses do not', () => {
    const check = charsetCheck('latin1_swedish_ci')!;
    expect(check('Åsa café € “quoted” – Œuvre')).toBeUndefined();
    expect(check('Ωmega')).toBe("'Ω' (U+03A9) cannot be stored in latin1, the column's character set (collation latin1_swedish_ci)");
    expect(check('smile 😀')).toMatch(/^'😀' \(U\+1F600\)/);
    expect(check('\u0080')).toMatch(/U\+0080/);
    expect(check('\u0081')).toBeUndefined();
  });

  it('utf8mb3 (and MySQL 5.7 `utf8`) and ucs2 hold the Basic Multilingual Plane only; ascii holds ASCII', () => {
    expect(charsetCheck('utf8mb3_general_ci')!('Ωmega 中文')).toBeUndefined();
    expect(charsetCheck('utf8mb3_general_ci')!('x😀')).toMatch(/cannot be stored in utf8mb3/);
    expect(charsetCheck('utf8_unicode_ci')!('x😀')).toMatch(/cannot be stored in utf8mb3/);
    expect(charsetCheck('ucs2_bin')!('😀')).toMatch(/ucs2/);
    expect(charsetCheck('ascii_general_ci')!('é')).toMatch(/'é' \(U\+00E9\) cannot be stored in ascii/);
  });

  it('no check for sets that hold every character, sets left to the server, or no collation', () => {
    for (const collation of ['utf8mb4_0900_ai_ci', 'utf8mb4_general_ci', 'utf16_bin', 'binary', 'latin2_general_ci']) expect(charsetCheck(collation), collation).toBeUndefined();
    expect(charsetCheck(undefined)).toBeUndefined();
    expect(charsetOfCollation('latin1_bin')).toBe('latin1');
    expect(charsetOfCollation('binary')).toBe('binary');
  });
});
