/**
 * DOUBLE fast path (issue 7): text taken as canonical without converting must be exactly what
 * converting gives, String(Number(text)); checked against random decimal texts of every shape.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../helpers/random.js';
import { coerceValue } from '../../../src/mapping/coerce.js';
import { parseColumnType } from '../../../src/model/column-type.js';

const DOUBLE = parseColumnType('double')!;

function digits(random: () => number, count: number): string {
  let text = '';
  for (let index = 0; index < count; index += 1) text += String(Math.floor(random() * 10));
  return text;
}

describe('coerceValue: DOUBLE text', () => {
  it('canonical text is exactly the shortest round-trip form, for random decimal texts', () => {
    const random = rng(42);
    for (let round = 0; round < 50_000; round += 1) {
      const sign = random() < 0.3 ? '-' : '';
      const whole = random() < 0.3 ? '0' : digits(random, 1 + Math.floor(random() * 22));
      const fraction = random() < 0.4 ? '' : `.${'0'.repeat(random() < 0.3 ? Math.floor(random() * 9) : 0)}${digits(random, Math.floor(random() * 19))}`;
      const text = `${sign}${whole}${fraction}`;
      const number = Number(text);
      const expected = Number.isFinite(number) ? String(number) : undefined;
      const result = coerceValue(text, DOUBLE);
      if (expected === undefined) continue;
      expect(result, text).toEqual({ ok: true, value: expected });
    }
  });

  it('keeps the edges: -0, 1e21, 1e-7, 15 and 16 significant digits', () => {
    for (const [text, value] of [
      ['-0', '0'],
      ['0', '0'],
      ['100000000000000000000', '100000000000000000000'],
      ['1000000000000000000000', '1e+21'],
      ['0.000001', '0.000001'],
      ['0.0000001', '1e-7'],
      ['0.123456789012345', '0.123456789012345'],
      ['0.1234567890123456', '0.1234567890123456'],
      ['9007199254740993', '9007199254740992'],
      ['1.50', '1.5'],
      ['01', '1'],
    ] as const) {
      expect(coerceValue(text, DOUBLE), text).toEqual({ ok: true, value });
    }
  });
});
