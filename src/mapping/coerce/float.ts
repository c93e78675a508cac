/** FLOAT and DOUBLE: the shortest text that reads back as the same float32 or double. */
import type { ColumnType } from '../../model/column-type.js';
import { fail, isDigit, notA, ok, show, type Coerced } from './shared.js';

/** Decimal syntax only: Number() alone would also take '', '0x1F', 'Infinity' and '1_0'. */
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function coerceFloat(raw: unknown, type: ColumnType): Coerced {
  // Fast paths (issue 7): text that is already the shortest form of a finite double — what the
  // server returns, and most sources write — is canonical as it stands.
  if (typeof raw === 'string' && type.family === 'double' && !(type.unsigned && raw.charCodeAt(0) === 45)) {
    if (isShortestDoubleText(raw)) return ok(raw);
    const number = Number(raw);
    if (Number.isFinite(number) && String(number) === raw) return ok(raw);
  }
  let value: number;
  switch (typeof raw) {
    case 'number':
      value = raw;
      break;
    case 'bigint':
      value = Number(raw);
      break;
    case 'boolean':
      value = raw ? 1 : 0;
      break;
    case 'string': {
      const text = raw.trim();
      if (!FLOAT_TEXT.test(text)) return notA(raw, 'a number');
      value = Number(text);
      break;
    }
    default:
      return notA(raw, 'a number');
  }
  if (Number.isNaN(value)) return notA(raw, 'a number');
  if (type.family === 'float') {
    // The server parses a double and refuses anything beyond FLT_MAX (no rounding down to it).
    if (!(Math.abs(value) <= FLT_MAX)) return fail(`${show(raw)} is out of range for ${type.sql}`);
    const single = Math.fround(value);
    if (type.unsigned && single < 0) return fail(`${show(raw)} is out of range for ${type.sql} (negative)`);
    return ok(shortestFloat32(single));
  }
  if (!Number.isFinite(value)) return fail(`${show(raw)} is out of range for ${type.sql}`);
  if (type.unsigned && value < 0) return fail(`${show(raw)} is out of range for ${type.sql} (negative)`);
  return ok(String(value)); // shortest round-trip; String(-0) is '0'
}

const FLT_MAX = 3.4028234663852886e38;

/**
 * Whether `String(Number(text)) === text`, decided without converting (cheap, and exact): plain
 * decimal notation as JavaScript prints it — no leading zeros, no trailing fraction zeros, no
 * `-0`, below 1e21 and not below 1e-6 — with at most 15 significant digits. Any decimal of at most
 * 15 significant digits names a different double than every other such decimal (DBL_DIG), so no
 * shorter text reads back as the same double, and the shortest form is `text` itself. Longer
 * texts answer false here and are checked by converting.
 */
function isShortestDoubleText(text: string): boolean {
  const length = text.length;
  const negative = text.charCodeAt(0) === 45;
  let index = negative ? 1 : 0;
  const start = index;
  while (index < length && isDigit(text.charCodeAt(index))) index++;
  const wholeDigits = index - start;
  if (wholeDigits === 0) return false;
  const zeroWhole = text.charCodeAt(start) === 48;
  if (zeroWhole && wholeDigits > 1) return false;
  if (index === length) return wholeDigits <= 15 && !(negative && zeroWhole);
  if (text.charCodeAt(index) !== 46) return false;
  index++;
  const fractionStart = index;
  while (index < length && isDigit(text.charCodeAt(index))) index++;
  const fractionDigits = index - fractionStart;
  if (index !== length || fractionDigits === 0 || text.charCodeAt(length - 1) === 48) return false;
  if (!zeroWhole) return wholeDigits + fractionDigits <= 15;
  let zeros = 0;
  while (text.charCodeAt(fractionStart + zeros) === 48) zeros++;
  return zeros <= 5 && fractionDigits - zeros <= 15;
}

/**
 * Shortest decimal that reads back as the same float32 (what MySQL 8 prints for FLOAT).
 * Round-tripping is monotonic in the digit count, so binary-search 1..9 digits.
 */
function shortestFloat32(single: number): string {
  // Near FLT_MAX the shortest text ('3.4028235e+38') is beyond FLT_MAX as a double, which the
  // server refuses: write the exact value instead.
  if (Math.abs(single) > 3.4028234e38) return String(single);
  let low = 1;
  let high = 9; // 9 significant digits always round-trip a float32
  while (low < high) {
    const middle = (low + high) >> 1;
    if (Math.fround(Number(single.toPrecision(middle))) === single) high = middle;
    else low = middle + 1;
  }
  return String(Number(single.toPrecision(low)));
}
