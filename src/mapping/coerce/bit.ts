/** BIT(n): an unsigned integer of n bits (driver bytes read big-endian), canonical in decimal. */
import type { ColumnType } from '../../model/column-type.js';
import { toBigInt } from './integer.js';
import { fail, ok, type Coerced } from './shared.js';

export function coerceBit(raw: unknown, type: ColumnType): Coerced {
  const value = toBigInt(raw, 'a bit value (an integer)', true, true);
  if (typeof value !== 'bigint') return value;
  const max = (1n << BigInt(type.length ?? 1)) - 1n;
  if (value < 0n || value > max) return fail(`${value} is out of range for ${type.sql} (0..${max})`);
  return ok(value.toString());
}
