/** Integers: exact (BigInt beyond the fast path), range-checked against the column type; never rounded. */
import { integerRange, isBooleanType, type ColumnType } from '../../model/column-type.js';
import { parseDecimal } from './decimal.js';
import { fail, notA, ok, PLAIN_INTEGER, show, type Coerced } from './shared.js';

/**
 * An integer as a BigInt, or the reason it is not one. Accepts integer strings, integer-valued
 * decimals ('42.0', '4.2e1'), integral JS numbers, bigint and booleans (1/0); never rounds.
 */
export function toBigInt(raw: unknown, what: string, booleanWords: boolean, bytes: boolean): bigint | Coerced {
  switch (typeof raw) {
    case 'bigint':
      return raw;
    case 'boolean':
      return raw ? 1n : 0n;
    case 'number':
      if (Number.isInteger(raw)) return BigInt(raw);
      return notA(raw, what);
    case 'string': {
      const text = raw.trim();
      if (PLAIN_INTEGER.test(text)) return BigInt(text);
      if (booleanWords) {
        const word = text.toLowerCase();
        if (word === 'true') return 1n;
        if (word === 'false') return 0n;
      }
      const parts = parseDecimal(text);
      if (parts === undefined || parts.exp < 0) return notA(raw, what);
      // Guard before building the digits: nothing with 40+ digits fits any integer column.
      if (parts.digits.length + parts.exp > 40) return fail(`${show(raw)} is out of range for ${what}`);
      const value = BigInt(parts.digits === '' ? '0' : parts.digits + '0'.repeat(parts.exp));
      return parts.negative ? -value : value;
    }
    default:
      if (bytes && raw instanceof Uint8Array) {
        // BIT values read through a driver arrive as big-endian bytes.
        let value = 0n;
        for (const byte of raw) value = (value << 8n) | BigInt(byte);
        return value;
      }
      return notA(raw, what);
  }
}

/** Canonical integers short enough to range-check as JS numbers (the fast path). */
const SHORT_CANONICAL_INTEGER = /^(?:-?[1-9]\d{0,14}|0)$/;

interface IntegerRange {
  readonly min: bigint;
  readonly max: bigint;
  /** As numbers; exact for every value the fast path checks (at most 15 digits). */
  readonly minNumber: number;
  readonly maxNumber: number;
}

const rangeCache = new WeakMap<ColumnType, IntegerRange>();

function rangeOf(type: ColumnType): IntegerRange {
  let range = rangeCache.get(type);
  if (range === undefined) {
    const { min, max } = integerRange(type);
    range = { min, max, minNumber: Number(min), maxNumber: Number(max) };
    rangeCache.set(type, range);
  }
  return range;
}

export function coerceInteger(raw: unknown, type: ColumnType): Coerced {
  const range = rangeOf(type);
  if (typeof raw === 'string' ? SHORT_CANONICAL_INTEGER.test(raw) : Number.isSafeInteger(raw)) {
    const number = Number(raw);
    if (number >= range.minNumber && number <= range.maxNumber) {
      return ok(typeof raw === 'string' ? raw : String(number));
    }
  }
  const value = toBigInt(raw, 'an integer', isBooleanType(type), false);
  if (typeof value !== 'bigint') return value;
  const { min, max } = range;
  if (value < min || value > max) return fail(`${value} is out of range for ${type.sql} (${min}..${max})`);
  return ok(value.toString());
}
