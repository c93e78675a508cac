/** Desired keys in the server's key order (issue 13: segments are cut where the server cuts). */
import { describe, expect, it } from 'vitest';
import { compareCodePoints, compareNumericText, KeyOrder } from '../../../src/plan/key-order.js';
import { makeKeyOf } from '../../../src/mapping/row-key.js';
import { column } from '../../helpers/plan-builders.js';

describe('key order', () => {
  it('numbers as numbers: sign, digits, fractions at the same scale, TIME', () => {
    const sorted = ['10', '-3', '2', '-20', '0', '100000000000000000001', '99'].sort(compareNumericText);
    expect(sorted).toEqual(['-20', '-3', '0', '2', '10', '99', '100000000000000000001']);
    expect(['1.50', '-1.50', '10.00', '-0.50'].sort(compareNumericText)).toEqual(['-1.50', '-0.50', '1.50', '10.00']);
    expect(['100:00:00', '09:00:00', '-01:00:00', '838:59:59'].sort(compareNumericText)).toEqual(['-01:00:00', '09:00:00', '100:00:00', '838:59:59']);
  });

  it('_bin text by code point, PAD SPACE counting the shorter text as padded', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFD', false)).toBeGreaterThan(0); // UTF-16 units would say less
    expect(compareCodePoints('a', 'a\t', true)).toBeGreaterThan(0); // 'a ' > 'a\t'
    expect(compareCodePoints('a', 'a\t', false)).toBeLessThan(0);
    expect(compareCodePoints('a', 'a  ', true)).toBe(0);
    expect(compareCodePoints('a', 'ab', true)).toBeLessThan(0);
  });

  it('sorts composite keys part by part, ENUM by member position', () => {
    const columns = [column('tier', "enum('gold','silver','bronze')", { key: true }), column('id', 'int', { key: true })];
    const rows = [['bronze', '1'], ['gold', '10'], ['gold', '9'], ['silver', '-1']];
    const keyOf = makeKeyOf(columns);
    const order = new KeyOrder(columns);
    const sorted = order.sort(Uint32Array.from(rows.keys()), (index) => order.of(keyOf(rows[index]!), JSON.stringify(rows[index])));
    expect([...sorted].map((index) => rows[index])).toEqual([['gold', '9'], ['gold', '10'], ['silver', '-1'], ['bronze', '1']]);
    expect(order.rank([order.of(keyOf(['gold', '10']), '["gold","10"]'), order.of(keyOf(['bronze', '1']), '["bronze","1"]')], order.of(keyOf(['silver', '5']), '["silver","5"]'))).toBe(1);
  });

  it('one integer key: by its number', () => {
    const columns = [column('id', 'bigint', { key: true })];
    const texts = ['5', '-7', '123456789012345678901', '40'];
    const keyOf = makeKeyOf(columns);
    const order = new KeyOrder(columns);
    const sorted = order.sort(Uint32Array.from(texts.keys()), (index) => order.of(keyOf([texts[index]!]), texts[index]!));
    expect([...sorted].map((index) => texts[index])).toEqual(['-7', '5', '40', '123456789012345678901']);
  });
});
