import { describe, expect, it } from 'vitest';
import { collationKey } from '../../../src/mapping/collation.js';

type Pair = readonly [a: string, b: string, collation: string | undefined];

/** Pairs the database treats as the same key (checked on MariaDB 10.11 where it has the collation). */
const same: readonly Pair[] = [
  ['abc', 'abc', undefined],
  ['abc', 'ABC', 'utf8mb4_general_ci'],
  ['abc', 'ABC', 'utf8mb4_0900_ai_ci'],
  ['abc', 'ABC', 'utf8mb4_unicode_ci'],
  ['abc', 'ABC', 'latin1_swedish_ci'],
  ['a', 'A ', 'utf8mb4_general_ci'], // PAD SPACE
  ['a', 'a   ', 'utf8mb4_bin'], // _bin is still PAD SPACE
  ['a', 'a ', 'utf8mb4_unicode_ci'],
  ['a', 'a ', 'utf8mb4_uca1400_ai_ci'],
  ['é', 'e', 'utf8mb4_general_ci'],
  ['É', 'e', 'utf8mb4_0900_ai_ci'],
  ['Crème Brûlée', 'creme brulee', 'utf8mb4_unicode_ci'],
  ['e\u0301', 'é', 'utf8mb4_0900_ai_ci'], // decomposed and composed
  ['e\u0301', 'É', 'utf8mb4_0900_as_ci'], // canonically equivalent, case-insensitive
  ['É', 'é', 'utf8mb4_uca1400_as_ci'],
  ['ß', 'ss', 'utf8mb4_unicode_ci'],
  ['ß', 'ss', 'utf8mb4_uca1400_ai_ci'],
  ['ß', 's', 'utf8mb4_general_ci'],
  ['Ａ', 'a', 'utf8mb4_uca1400_ai_ci'], // full-width A
  ['ﬁ', 'fi', 'utf8mb4_unicode_ci'],
  ['σ', 'ς', 'utf8mb4_general_ci'],
  ['İ', 'i', 'utf8mb4_unicode_ci'],
  ['é', 'e', 'utf8mb4_uca1400_ai_cs'], // accent-insensitive, case-sensitive
  ['ABC', 'abc', 'UTF8MB4_GENERAL_CI'],
  ['', '   ', 'utf8mb4_general_ci'],
];

const different: readonly Pair[] = [
  ['abc', 'ABC', undefined],
  ['a', 'a ', undefined],
  ['abc', 'ABC', 'binary'],
  ['a', 'a ', 'binary'],
  ['abc', 'ABC', 'utf8mb4_bin'],
  ['é', 'e', 'utf8mb4_bin'],
  ['a', 'a ', 'utf8mb4_0900_ai_ci'], // NO PAD
  ['a', 'a ', 'utf8mb4_0900_bin'],
  ['a', 'a ', 'utf8mb4_nopad_bin'],
  ['a', 'a ', 'utf8mb4_general_nopad_ci'],
  ['a', 'a ', 'utf8mb4_uca1400_nopad_ai_ci'],
  ['a', 'a\t', 'utf8mb4_general_ci'], // only spaces pad
  ['é', 'e', 'utf8mb4_0900_as_ci'],
  ['é', 'e', 'utf8mb4_uca1400_as_ci'],
  ['É', 'e', 'utf8mb4_uca1400_ai_cs'],
  ['E', 'e', 'utf8mb4_0900_as_cs'],
  ['ß', 'ss', 'utf8mb4_general_ci'],
  ['Ａ', 'a', 'utf8mb4_general_ci'],
  [' a', 'a', 'utf8mb4_general_ci'], // leading spaces count
];

describe('collationKey', () => {
  it.each(same.map(([a, b, collation]) => ({ a, b, collation })))('$a ≡ $b under $collation', ({ a, b, collation }) => {
    expect(collationKey(a, collation)).toBe(collationKey(b, collation));
  });

  it.each(different.map(([a, b, collation]) => ({ a, b, collation })))('$a ≢ $b under $collation', ({ a, b, collation }) => {
    expect(collationKey(a, collation)).not.toBe(collationKey(b, collation));
  });

  it('keeps NULL distinct from every string, including the empty one', () => {
    expect(collationKey(null, 'utf8mb4_general_ci')).toBeNull();
    expect(collationKey(null, undefined)).toBeNull();
    expect(collationKey('', 'utf8mb4_general_ci')).toBe('');
  });

  it('returns exact values unchanged', () => {
    expect(collationKey('Ab ', undefined)).toBe('Ab ');
    expect(collationKey('Ab ', 'binary')).toBe('Ab ');
    expect(collationKey('Ab ', 'utf8mb4_0900_bin')).toBe('Ab ');
    expect(collationKey('Ab ', 'utf8mb4_bin')).toBe('Ab');
  });

  it('treats an unknown collation name as exact (with PAD SPACE)', () => {
    expect(collationKey('Ab ', 'utf8mb4_thai_520_w2')).toBe('Ab');
  });
});
