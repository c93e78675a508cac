/**
 * Values → the one canonical text form per destination column type.
 *
 * The same function canonicalises source values (CSV strings; JSON numbers, booleans, objects;
 * bigint; Date) and values read back from the database (text protocol), so desired and actual
 * compare equal exactly when the database would store the same thing. The canonical text is
 * also what pssync writes (as a string literal the server converts to the column type), so it
 * is already rounded/padded the way the column stores it: what we write is what we read back,
 * whichever server rounds or truncates (MySQL 8 rounds fractional seconds, MariaDB truncates).
 *
 * Each family lives in coerce/<family>.ts; this is the dispatcher.
 * Hot path: runs per value for millions of rows. One switch on the family, module-level regexes,
 * no exceptions for ordinary input (only JSON.parse needs a try).
 */
import type { ColumnType } from '../model/column-type.js';
import { ExactNumber } from '../source/exact-number.js';
import { coerceBit } from './coerce/bit.js';
import { coerceDecimal } from './coerce/decimal.js';
import { coerceEnum, coerceSet } from './coerce/enum-set.js';
import { coerceFloat } from './coerce/float.js';
import { coerceInteger } from './coerce/integer.js';
import { coerceJson } from './coerce/json.js';
import { fail, type Coerced } from './coerce/shared.js';
import { coerceBytes } from './coerce/bytes.js';
import { coerceString } from './coerce/string.js';
import { coerceDate, coerceDateTime, coerceTime, coerceYear } from './coerce/temporal.js';

export type { Coerced } from './coerce/shared.js';

const NULL_VALUE: Coerced = { ok: true, value: null };

export function coerceValue(raw: unknown, type: ColumnType): Coerced {
  if (raw === null || raw === undefined) return NULL_VALUE;
  // An exact number (Parquet DECIMAL, a long JSON literal) is its text, except inside JSON.
  if (raw instanceof ExactNumber && type.family !== 'json') return coerceValue(raw.text, type);
  switch (type.family) {
    case 'integer':
      return coerceInteger(raw, type);
    case 'decimal':
      return coerceDecimal(raw, type);
    case 'float':
    case 'double':
      return coerceFloat(raw, type);
    case 'bit':
      return coerceBit(raw, type);
    case 'char':
    case 'varchar':
    case 'text':
      return coerceString(raw, type);
    case 'binary':
    case 'blob':
      return coerceBytes(raw, type);
    case 'date':
      return coerceDate(raw);
    case 'datetime':
    case 'timestamp':
      return coerceDateTime(raw, type);
    case 'time':
      return coerceTime(raw, type);
    case 'year':
      return coerceYear(raw);
    case 'json':
      return coerceJson(raw, type);
    case 'enum':
      return coerceEnum(raw, type);
    case 'set':
      return coerceSet(raw, type);
    default: {
      const unknownFamily: never = type.family;
      return fail(`unsupported column type ${String(unknownFamily)}`);
    }
  }
}
