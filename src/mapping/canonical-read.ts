/** A value read from the destination, in the canonical form of the sync's values (pure). */
import { isBinaryFamily } from '../model/column-type.js';
import type { Value } from '../model/row.js';
import { coerceValue } from './coerce.js';
import type { TargetColumn } from './target-columns.js';

export function canonicalRead(value: Value, column: TargetColumn): Value {
  if (value === null) return null;
  // Bytes are read as byte strings, already canonical (BINARY(n) read back padded): coercing them
  // as text would encode each byte >= 0x80 as two.
  if (isBinaryFamily(column.type.family)) return value;
  const coerced = coerceValue(value, column.type);
  return coerced.ok ? coerced.value : value;
}
