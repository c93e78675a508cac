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
 * Hot path: runs per value for millions of rows. One switch on the family, module-level regexes,
 * no exceptions for ordinary input (only JSON.parse needs a try).
 */
import { integerRange, isBooleanType, type ColumnType } from '../model/column-type.js';
import { ExactNumber } from '../source/exact-number.js';

export type Coerced =
  | { readonly ok: true; readonly value: string | null }
  | { readonly ok: false; readonly reason: string };

const NULL_VALUE: Coerced = { ok: true, value: null };

function ok(value: string): Coerced {
  return { ok: true, value };
}

function fail(reason: string): Coerced {
  return { ok: false, reason };
}

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
    case 'binary':
    case 'blob':
      return coerceString(raw, type);
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
      return coerceJson(raw);
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

// ---------------------------------------------------------------------------------------------
// Messages

/** A short, readable rendering of a raw value for a rejection reason. */
function show(raw: unknown): string {
  if (typeof raw === 'string') return `'${raw.length > 40 ? `${raw.slice(0, 37)}...` : raw}'`;
  if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') return String(raw);
  if (raw instanceof Date) return `Date(${Number.isNaN(raw.getTime()) ? 'invalid' : raw.toISOString()})`;
  if (Array.isArray(raw)) return 'an array';
  if (raw instanceof Uint8Array) return 'binary data';
  return typeof raw === 'object' ? 'an object' : `a ${typeof raw}`;
}

function notA(raw: unknown, what: string): Coerced {
  return fail(raw === '' ? `empty string is not ${what}` : `${show(raw)} is not ${what}`);
}

// ---------------------------------------------------------------------------------------------
// Exact decimal numbers: parsed into digits × 10^exp, never through a float.

/** Sign, optional digits, optional fraction, optional exponent; at least one digit (checked). */
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

interface DecimalParts {
  readonly negative: boolean;
  /** Significant digits without leading or trailing zeros; '' for zero. */
  readonly digits: string;
  /** value = digits × 10^exp */
  readonly exp: number;
}

function parseDecimal(text: string): DecimalParts | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return undefined;
  const whole = match[2]!;
  const fraction = match[3] ?? '';
  if (whole.length + fraction.length === 0) return undefined;
  let digits = whole + fraction;
  let exp = (match[4] === undefined ? 0 : Number(match[4])) - fraction.length;
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 48) start++;
  let end = digits.length;
  while (end > start && digits.charCodeAt(end - 1) === 48) end--;
  exp += digits.length - end;
  digits = digits.slice(start, end);
  return { negative: match[1] === '-', digits, exp: digits === '' ? 0 : exp };
}

/** The string form of a JS number or bigint, or the trimmed string; undefined for other kinds. */
function numericText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : undefined;
  if (typeof raw === 'bigint') return raw.toString();
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Integers and BIT

const PLAIN_INTEGER = /^[+-]?\d+$/;

/**
 * An integer as a BigInt, or the reason it is not one. Accepts integer strings, integer-valued
 * decimals ('42.0', '4.2e1'), integral JS numbers, bigint and booleans (1/0); never rounds.
 */
function toBigInt(raw: unknown, what: string, booleanWords: boolean, bytes: boolean): bigint | Coerced {
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

function coerceInteger(raw: unknown, type: ColumnType): Coerced {
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

function coerceBit(raw: unknown, type: ColumnType): Coerced {
  const value = toBigInt(raw, 'a bit value (an integer)', true, true);
  if (typeof value !== 'bigint') return value;
  const max = (1n << BigInt(type.length ?? 1)) - 1n;
  if (value < 0n || value > max) return fail(`${value} is out of range for ${type.sql} (0..${max})`);
  return ok(value.toString());
}

// ---------------------------------------------------------------------------------------------
// DECIMAL(p,s): exact, rounded half away from zero to s digits like MySQL.

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Whether text is already the canonical form for decimal(p,s): what the database returns. */
function isCanonicalDecimal(text: string, precision: number, scale: number, unsigned: boolean): boolean {
  const negative = text.charCodeAt(0) === 45;
  if (negative && unsigned) return false;
  let index = negative ? 1 : 0;
  const start = index;
  let nonZero = false;
  while (index < text.length && isDigit(text.charCodeAt(index))) {
    if (text.charCodeAt(index) !== 48) nonZero = true;
    index++;
  }
  const whole = index - start;
  if (whole === 0 || (whole > 1 && text.charCodeAt(start) === 48)) return false;
  if (whole > precision - scale && nonZero) return false;
  if (scale > 0) {
    if (text.charCodeAt(index) !== 46 || text.length !== index + 1 + scale) return false;
    for (index++; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (!isDigit(code)) return false;
      if (code !== 48) nonZero = true;
    }
  }
  return index === text.length && (nonZero || !negative);
}

function coerceDecimal(raw: unknown, type: ColumnType): Coerced {
  const precision = type.precision ?? 10;
  const scale = type.scale ?? 0;
  if (typeof raw === 'string' && isCanonicalDecimal(raw, precision, scale, type.unsigned === true)) return ok(raw);
  const text = typeof raw === 'boolean' ? (raw ? '1' : '0') : numericText(raw);
  if (text === undefined) return notA(raw, 'a decimal number');
  const parts = parseDecimal(text);
  if (parts === undefined) return notA(raw, 'a decimal number');
  const { digits, exp, negative } = parts;
  // MySQL (MariaDB checked) rejects any negative value for unsigned, even one rounding to zero.
  if (type.unsigned && negative && digits !== '') {
    return fail(`${show(raw)} is out of range for ${type.sql} (negative)`);
  }
  if (digits !== '' && digits.length + exp > precision - scale) {
    return fail(`${show(raw)} has too many digits for ${type.sql}`);
  }

  let unscaled: bigint;
  const shift = exp + scale;
  if (digits === '') {
    unscaled = 0n;
  } else if (shift >= 0) {
    unscaled = BigInt(digits + '0'.repeat(shift));
  } else {
    const keep = digits.length + shift; // digits that stay; <= 0 means all are dropped
    const firstDropped = keep >= 0 ? digits.charCodeAt(keep) : 48;
    unscaled = keep > 0 ? BigInt(digits.slice(0, keep)) : 0n;
    if (firstDropped >= 53) unscaled += 1n; // '5'..'9': half away from zero (on the magnitude)
  }
  let text2 = unscaled.toString();
  if (text2.length > precision && unscaled !== 0n) return fail(`${show(raw)} has too many digits for ${type.sql}`);
  if (scale > 0) {
    if (text2.length <= scale) text2 = '0'.repeat(scale + 1 - text2.length) + text2;
    text2 = `${text2.slice(0, text2.length - scale)}.${text2.slice(text2.length - scale)}`;
  }
  return ok(negative && unscaled !== 0n ? `-${text2}` : text2);
}

// ---------------------------------------------------------------------------------------------
// FLOAT / DOUBLE

/** Decimal syntax only: Number() alone would also take '', '0x1F', 'Infinity' and '1_0'. */
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function coerceFloat(raw: unknown, type: ColumnType): Coerced {
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

// ---------------------------------------------------------------------------------------------
// Strings

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Text of a non-null value for a string column. Booleans are 1/0, as MySQL stores TRUE/FALSE. */
function toText(raw: unknown): string | Coerced {
  switch (typeof raw) {
    case 'string':
      return raw;
    case 'number':
    case 'bigint':
      return String(raw);
    case 'boolean':
      return raw ? '1' : '0';
    case 'object': {
      if (raw instanceof Date) {
        const text = dateToDateTimeText(raw);
        return text ?? notA(raw, 'a valid date');
      }
      if (raw instanceof Uint8Array) {
        try {
          return UTF8.decode(raw);
        } catch {
          return fail('binary value is not valid UTF-8 (pssync writes text)');
        }
      }
      const json = serializeJson(raw, false, 0);
      return json ?? notA(raw, 'representable as JSON');
    }
    default:
      return notA(raw, 'a string');
  }
}

/** Code points, not UTF-16 units: MySQL counts characters. */
function codePoints(text: string): number {
  let count = text.length;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xdc00 && unit <= 0xdfff && index > 0) {
      const previous = text.charCodeAt(index - 1);
      if (previous >= 0xd800 && previous <= 0xdbff) count--;
    }
  }
  return count;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function trimTrailingSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** A UTF-16 surrogate without its pair (from a JSON "\ud800" escape): no UTF-8 encoding exists. */
const LONE_SURROGATE = /\p{Cs}/u;

function coerceString(raw: unknown, type: ColumnType): Coerced {
  const text = toText(raw);
  if (typeof text !== 'string') return text;
  // The driver would send U+FFFD instead: the database would store other text than the source's.
  if (LONE_SURROGATE.test(text)) return fail('text with a lone UTF-16 surrogate (e.g. a JSON "\\ud800" escape without its pair) is not valid Unicode');
  switch (type.family) {
    case 'char': {
      // CHAR is space-padded on disk and read back without trailing spaces (so excess trailing
      // spaces never count against the length).
      const trimmed = trimTrailingSpaces(text);
      const length = type.length ?? 1;
      if (trimmed.length > length) {
        const count = codePoints(trimmed);
        if (count > length) return fail(`${count} characters is longer than ${type.sql}`);
      }
      return ok(trimmed);
    }
    case 'varchar': {
      const length = type.length ?? 0;
      if (text.length <= length) return ok(text);
      const count = codePoints(text);
      if (count <= length) return ok(text);
      // MySQL truncates excess trailing spaces (with a note, even in strict mode).
      const trimmed = trimTrailingSpaces(text);
      const kept = codePoints(trimmed);
      if (kept <= length) return ok(trimmed + ' '.repeat(length - kept));
      return fail(`${count} characters is longer than ${type.sql}`);
    }
    case 'text': {
      const max = type.maxBytes ?? 65_535;
      if (text.length * 3 <= max) return ok(text); // a UTF-16 unit is at most 3 UTF-8 bytes
      const bytes = utf8Bytes(text);
      if (bytes <= max) return ok(text);
      const trimmed = trimTrailingSpaces(text);
      const kept = utf8Bytes(trimmed);
      if (kept <= max) return ok(trimmed + ' '.repeat(max - kept));
      return fail(`${bytes} bytes is longer than ${type.sql} (${max} bytes)`);
    }
    case 'binary':
    case 'blob': {
      // Byte strings: the UTF-8 bytes of the text. BINARY(n) is right-padded with 0x00 on disk
      // and read back padded, so the canonical form carries the padding.
      const max = type.family === 'blob' ? (type.maxBytes ?? 65_535) : (type.length ?? 1);
      const fixed = type.name === 'binary';
      if (!fixed && text.length * 3 <= max) return ok(text); // a UTF-16 unit is at most 3 bytes
      const bytes = utf8Bytes(text);
      if (bytes > max) return fail(`${bytes} bytes is longer than ${type.sql}`);
      return ok(fixed && bytes < max ? text + '\0'.repeat(max - bytes) : text);
    }
    default:
      return ok(text);
  }
}

// ---------------------------------------------------------------------------------------------
// Dates and times. Civil-date arithmetic (Howard Hinnant's algorithms) on plain numbers: JS Date
// has only milliseconds and odd behaviour for years < 100.

/** Days since 1970-01-01 of a proleptic Gregorian date. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1]!;
}

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function pad4(value: number): string {
  return value >= 1000 ? String(value) : String(value).padStart(4, '0');
}

function fractionText(units: number, fsp: number): string {
  return fsp === 0 ? '' : `.${String(units).padStart(fsp, '0')}`;
}

/**
 * Fractional digits rounded to fsp digits (MySQL's default; MariaDB truncates, but pssync writes
 * the already-rounded value, so both store the same). May return 10^fsp: the caller carries.
 */
function roundFraction(fraction: string, fsp: number): number {
  if (fraction.length <= fsp) return fraction === '' ? 0 : Number(fraction.padEnd(fsp, '0'));
  const kept = fsp === 0 ? 0 : Number(fraction.slice(0, fsp));
  return fraction.charCodeAt(fsp) >= 53 ? kept + 1 : kept;
}

/**
 * YYYY-M-D, optionally followed by ' ' or 'T', H:M, optional :S, optional .fraction, and an
 * optional 'Z' or ±HH[:MM] offset (converted to UTC: pssync sessions run in '+00:00').
 */
const DATETIME_TEXT =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?)?$/i;

/** A point in time: whole seconds since 1970 (UTC) plus fraction units at `fsp` digits. */
interface Instant {
  readonly seconds: number;
  readonly units: number;
}

/** Parses and validates datetime text; returns the instant rounded to fsp, or a rejection. */
function parseDateTimeText(raw: string, fsp: number, what: string): Instant | Coerced {
  const match = DATETIME_TEXT.exec(raw.trim());
  if (match === null) return notA(raw, what);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year === 0 && month === 0 && day === 0) return fail(`${show(raw)} is a zero date, which is not allowed`);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return notA(raw, 'a valid date');
  }
  const hour = match[4] === undefined ? 0 : Number(match[4]);
  const minute = match[5] === undefined ? 0 : Number(match[5]);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  if (hour > 23 || minute > 59 || second > 59) return notA(raw, 'a valid time of day');
  let offsetSeconds = 0;
  if (match[9] !== undefined) {
    const offsetHours = Number(match[10]);
    const offsetMinutes = match[11] === undefined ? 0 : Number(match[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return notA(raw, 'a valid time zone offset');
    offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (match[9] === '-' ? -1 : 1);
  }
  let units = roundFraction(match[7] ?? '', fsp);
  let seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  if (units === POW10[fsp]) {
    units = 0;
    seconds += 1;
  }
  return { seconds, units };
}

/** A JS Date (UTC) as an instant rounded to fsp (Dates carry milliseconds). */
function dateToInstant(date: Date, fsp: number): Instant | undefined {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return undefined;
  let seconds = Math.floor(ms / 1000);
  let units = roundFraction(String(ms - seconds * 1000).padStart(3, '0'), fsp);
  if (units === POW10[fsp]) {
    units = 0;
    seconds += 1;
  }
  return { seconds, units };
}

function formatDate(days: number): string {
  const [year, month, day] = civilFromDays(days);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

function formatInstant(instant: Instant, fsp: number): string {
  const days = Math.floor(instant.seconds / 86_400);
  const rest = instant.seconds - days * 86_400;
  const hour = Math.floor(rest / 3600);
  const minute = Math.floor((rest % 3600) / 60);
  return `${formatDate(days)} ${pad2(hour)}:${pad2(minute)}:${pad2(rest % 60)}${fractionText(instant.units, fsp)}`;
}

/** The number written with `count` digits at `start`, or -1. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index++) {
    const code = text.charCodeAt(index);
    if (!isDigit(code)) return -1;
    value = value * 10 + code - 48;
  }
  return value;
}

/** Whether text is a valid canonical 'YYYY-MM-DD' (every date read back, most source dates). */
function isCanonicalDate(text: string): boolean {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Whether text is a valid canonical 'YYYY-MM-DD HH:MM:SS[.fsp digits]'. */
function isCanonicalDateTime(text: string, fsp: number): boolean {
  if (text.length !== (fsp === 0 ? 19 : 20 + fsp) || !isCanonicalDate(text)) return false;
  if (text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  return fsp === 0 || (text.charCodeAt(19) === 46 && digitsAt(text, 20, fsp) >= 0);
}

/** 0001-01-01 00:00:00 and 10000-01-01 00:00:00, in seconds since 1970. */
const MIN_DATETIME_SECONDS = daysFromCivil(1, 1, 1) * 86_400;
const END_DATETIME_SECONDS = daysFromCivil(10_000, 1, 1) * 86_400;
/** TIMESTAMP: 1970-01-01 00:00:01 .. 2038-01-19 03:14:07(.999999) UTC. */
const MAX_TIMESTAMP_SECONDS = 2_147_483_647;

function dateToDateTimeText(date: Date): string | undefined {
  const instant = dateToInstant(date, 3);
  if (instant === undefined) return undefined;
  const text = formatInstant(instant, 3);
  return text.endsWith('.000') ? text.slice(0, -4) : text;
}

const TIMESTAMP_FIRST = '1970-01-01 00:00:01';
const TIMESTAMP_LAST = '2038-01-19 03:14:07';

function coerceDateTime(raw: unknown, type: ColumnType): Coerced {
  const fsp = type.fsp ?? 0;
  if (typeof raw === 'string' && isCanonicalDateTime(raw, fsp)) {
    if (type.family !== 'timestamp') return ok(raw);
    // Same-shaped text compares like the instants it names.
    const seconds = raw.slice(0, 19);
    if (seconds >= TIMESTAMP_FIRST && seconds <= TIMESTAMP_LAST) return ok(raw);
  }
  let instant: Instant | Coerced;
  if (typeof raw === 'string') instant = parseDateTimeText(raw, fsp, `a ${type.name}`);
  else if (raw instanceof Date) instant = dateToInstant(raw, fsp) ?? notA(raw, 'a valid date');
  else return notA(raw, `a ${type.name}`);
  if ('ok' in instant) return instant;
  if (type.family === 'timestamp') {
    if (instant.seconds < 1 || instant.seconds > MAX_TIMESTAMP_SECONDS) {
      return fail(`${show(raw)} is out of range for timestamp (1970-01-01 00:00:01 .. 2038-01-19 03:14:07 UTC)`);
    }
  } else if (instant.seconds < MIN_DATETIME_SECONDS || instant.seconds >= END_DATETIME_SECONDS) {
    return fail(`${show(raw)} is out of range for datetime (years 0001..9999)`);
  }
  return ok(formatInstant(instant, fsp));
}

function coerceDate(raw: unknown): Coerced {
  if (raw instanceof Date) {
    const ms = raw.getTime();
    if (Number.isNaN(ms)) return notA(raw, 'a valid date');
    const days = Math.floor(ms / 86_400_000);
    if (days * 86_400 < MIN_DATETIME_SECONDS || days * 86_400 >= END_DATETIME_SECONDS) {
      return fail(`${show(raw)} is out of range for date (years 0001..9999)`);
    }
    return ok(formatDate(days)); // the UTC calendar date
  }
  if (typeof raw !== 'string') return notA(raw, 'a date');
  if (raw.length === 10 && isCanonicalDate(raw)) return ok(raw);
  const instant = parseDateTimeText(raw, 6, 'a date');
  if ('ok' in instant) return instant;
  const days = Math.floor(instant.seconds / 86_400);
  if (instant.seconds !== days * 86_400 || instant.units !== 0) {
    return fail(`${show(raw)} has a time of day; a date column would drop it`);
  }
  if (instant.seconds < MIN_DATETIME_SECONDS || instant.seconds >= END_DATETIME_SECONDS) {
    return fail(`${show(raw)} is out of range for date (years 0001..9999)`);
  }
  return ok(formatDate(days));
}

/** [-][D ]H:MM[:SS[.fraction]] — MySQL's TIME literal forms ('11:12' is 11:12:00). */
const TIME_TEXT = /^(-)?(?:(\d{1,2}) )?(\d{1,3}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?$/;
const MAX_TIME_SECONDS = 838 * 3600 + 59 * 60 + 59;

function coerceTime(raw: unknown, type: ColumnType): Coerced {
  if (typeof raw !== 'string') return notA(raw, 'a time');
  const match = TIME_TEXT.exec(raw.trim());
  if (match === null) return notA(raw, 'a time');
  const fsp = type.fsp ?? 0;
  const minute = Number(match[4]);
  const second = match[5] === undefined ? 0 : Number(match[5]);
  if (minute > 59 || second > 59) return notA(raw, 'a valid time');
  let seconds = (Number(match[2] ?? 0) * 24 + Number(match[3])) * 3600 + minute * 60 + second;
  let units = roundFraction(match[6] ?? '', fsp); // rounds the magnitude: half away from zero
  if (units === POW10[fsp]) {
    units = 0;
    seconds += 1;
  }
  // MySQL's upper bound is 838:59:59.000000 (MariaDB also takes 838:59:59.x; stay within both).
  if (seconds > MAX_TIME_SECONDS || (seconds === MAX_TIME_SECONDS && units > 0)) {
    return fail(`${show(raw)} is out of range for time (-838:59:59..838:59:59)`);
  }
  const negative = match[1] === '-' && (seconds > 0 || units > 0);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const text = `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds % 60)}${fractionText(units, fsp)}`;
  return ok(negative ? `-${text}` : text);
}

/**
 * YEAR: four digits 1901..2155, or 0 / '0000'. MySQL maps one- and two-digit years to
 * 1970..2069 (and '0' to 2000 but 0 to 0000); pssync rejects them rather than guess a century.
 */
function coerceYear(raw: unknown): Coerced {
  let value: number;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) return notA(raw, 'a year');
    value = raw;
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.length !== 4 || !PLAIN_INTEGER.test(text)) {
      return PLAIN_INTEGER.test(text) ? fail(`${show(raw)} is not a four-digit year`) : notA(raw, 'a year');
    }
    value = Number(text);
  } else if (typeof raw === 'bigint') {
    value = Number(raw);
  } else {
    return notA(raw, 'a year');
  }
  if (value === 0) return ok('0000');
  if (value < 1901 || value > 2155) return fail(`${show(raw)} is out of range for year (1901..2155)`);
  return ok(String(value));
}

// ---------------------------------------------------------------------------------------------
// JSON: keys sorted recursively, no whitespace. MySQL re-serialises JSON with its own key order
// and spacing and MariaDB keeps the text, so only a normal form compares equal on both.

function coerceJson(raw: unknown): Coerced {
  const result = canonicalJson(raw);
  // JSON.stringify writes a lone surrogate as a \udXXX escape (never a pair): the database refuses it.
  if (result.ok && result.value !== null && result.value.includes('\\u') && LONE_SURROGATE_ESCAPE.test(result.value)) {
    return fail('JSON with a lone UTF-16 surrogate (a "\\ud800" escape without its pair) is not valid Unicode; the database refuses it');
  }
  return result;
}

/** An unescaped backslash followed by a surrogate escape. */
const LONE_SURROGATE_ESCAPE = /(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

function canonicalJson(raw: unknown): Coerced {
  if (typeof raw !== 'string') {
    const text = serializeJson(raw, true, 0);
    return text === undefined ? notA(raw, 'representable as JSON') : ok(text);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return fail(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  hasUnsafeInteger = false;
  const text = serializeJson(parsed, true, 0);
  if (text === undefined) return fail('not valid JSON: too deeply nested or a number out of range');
  if (!hasUnsafeInteger) return ok(text);
  // An integer beyond 2^53 lost digits in JSON.parse: re-read the text keeping number literals.
  const exact = parseJsonExact(raw);
  const exactText = exact === undefined ? undefined : serializeJson(exact.value, true, 0);
  return exactText === undefined ? fail('not valid JSON: number out of range') : ok(exactText);
}

/** Set by serializeJson when a parsed number was an integer too large for a double. */
let hasUnsafeInteger = false;

/** A number kept as its literal text (only from parseJsonExact). */
class JsonNumber {
  constructor(readonly text: string) {}
}

const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Canonical text of a JSON number literal, as MySQL stores it: integers that fit int64/uint64
 * stay exact, anything else is a double (so 1.0 → 1, 1e2 → 100).
 */
function canonicalNumberLiteral(text: string): string | undefined {
  if (PLAIN_INTEGER.test(text)) {
    const value = BigInt(text);
    if (value >= INT64_MIN && value <= UINT64_MAX) return value.toString();
  }
  const value = Number(text);
  return Number.isFinite(value) ? JSON.stringify(value) : undefined;
}

/** What JSON.stringify leaves out of objects (and writes as null in arrays). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** Deeper than this is refused (MySQL allows 100) rather than overflowing the stack. */
const MAX_JSON_DEPTH = 1000;

/** JSON text of a value; `sortKeys` for the canonical form. undefined when not representable. */
function serializeJson(value: unknown, sortKeys: boolean, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) return undefined;
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) hasUnsafeInteger = true;
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      // JSON columns hold integers beyond 64 bits as doubles; text keeps every digit.
      return sortKeys ? canonicalNumberLiteral(value.toString()) : value.toString();
    case 'object': {
      if (value === null) return 'null';
      if (depth > MAX_JSON_DEPTH) return undefined;
      if (value instanceof JsonNumber) return canonicalNumberLiteral(value.text);
      if (value instanceof ExactNumber) return sortKeys ? canonicalNumberLiteral(value.text) : value.text;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString());
      if (Array.isArray(value)) {
        const items: string[] = [];
        for (const item of value) {
          const text = isSkipped(item) ? 'null' : serializeJson(item, sortKeys, depth + 1);
          if (text === undefined) return undefined;
          items.push(text);
        }
        return `[${items.join(',')}]`;
      }
      const keys = Object.keys(value);
      if (sortKeys) keys.sort();
      const members: string[] = [];
      for (const key of keys) {
        const item = (value as Record<string, unknown>)[key];
        if (isSkipped(item)) continue;
        const text = serializeJson(item, sortKeys, depth + 1);
        if (text === undefined) return undefined;
        members.push(`${JSON.stringify(key)}:${text}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return undefined;
  }
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const JSON_SPACE = /[ \t\n\r]*/y;

/**
 * A small exact JSON reader for the rare text with big integers: numbers become JsonNumber.
 * Only called on text JSON.parse has already accepted, so errors simply give undefined.
 */
function parseJsonExact(text: string): { value: unknown } | undefined {
  let position = 0;
  const skip = (): void => {
    JSON_SPACE.lastIndex = position;
    JSON_SPACE.exec(text);
    position = JSON_SPACE.lastIndex;
  };
  const token = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (match === null) return undefined;
    position = pattern.lastIndex;
    return match[0];
  };
  const value = (depth: number): unknown => {
    if (depth > 512) throw new Error('too deep');
    skip();
    const char = text[position];
    if (char === '{') {
      position++;
      const object: Record<string, unknown> = {};
      skip();
      if (text[position] === '}') {
        position++;
        return object;
      }
      for (;;) {
        skip();
        const key = token(JSON_STRING);
        if (key === undefined) throw new Error('key');
        skip();
        if (text[position++] !== ':') throw new Error(':');
        Object.defineProperty(object, JSON.parse(key) as string, {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        skip();
        const next = text[position++];
        if (next === '}') return object;
        if (next !== ',') throw new Error(',');
      }
    }
    if (char === '[') {
      position++;
      const array: unknown[] = [];
      skip();
      if (text[position] === ']') {
        position++;
        return array;
      }
      for (;;) {
        array.push(value(depth + 1));
        skip();
        const next = text[position++];
        if (next === ']') return array;
        if (next !== ',') throw new Error(',');
      }
    }
    if (char === '"') {
      const literal = token(JSON_STRING);
      if (literal === undefined) throw new Error('string');
      return JSON.parse(literal) as string;
    }
    for (const [word, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, position)) {
        position += word.length;
        return result;
      }
    }
    const number = token(JSON_NUMBER);
    if (number === undefined) throw new Error('value');
    return new JsonNumber(number);
  };
  try {
    const result = value(0);
    skip();
    return position === text.length ? { value: result } : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// ENUM and SET. Members match case-insensitively and ignoring trailing spaces (the _ci, PAD SPACE
// comparison MySQL uses); canonical is the member as declared. Like MySQL, a number that is not a
// member is an ENUM index (1-based) or a SET bitmask.

interface Members {
  readonly values: readonly string[];
  readonly exact: ReadonlyMap<string, number>;
  readonly folded: ReadonlyMap<string, number>;
}

const membersCache = new WeakMap<ColumnType, Members>();

function foldMember(text: string): string {
  return trimTrailingSpaces(text).toLowerCase();
}

function membersOf(type: ColumnType): Members {
  let members = membersCache.get(type);
  if (members === undefined) {
    const values = type.values ?? [];
    const exact = new Map<string, number>();
    const folded = new Map<string, number>();
    values.forEach((value, index) => {
      if (!exact.has(value)) exact.set(value, index);
      const key = foldMember(value);
      if (!folded.has(key)) folded.set(key, index);
    });
    members = { values, exact, folded };
    membersCache.set(type, members);
  }
  return members;
}

function memberIndex(members: Members, text: string): number | undefined {
  return members.exact.get(text) ?? members.folded.get(foldMember(text));
}

const DIGITS = /^\d+$/;

function coerceEnum(raw: unknown, type: ColumnType): Coerced {
  const members = membersOf(type);
  let position: number | undefined;
  if (typeof raw === 'string') {
    position = memberIndex(members, raw);
    if (position === undefined && DIGITS.test(raw)) position = Number(raw) - 1;
  } else if (typeof raw === 'number' || typeof raw === 'bigint') {
    position = Number(raw) - 1;
  } else {
    return notA(raw, `one of ${type.sql}`);
  }
  const value = position === undefined ? undefined : members.values[position];
  return value === undefined ? notA(raw, `one of ${type.sql}`) : ok(value);
}

function coerceSet(raw: unknown, type: ColumnType): Coerced {
  const members = membersOf(type);
  const chosen: boolean[] = new Array<boolean>(members.values.length).fill(false);
  const isMask =
    typeof raw === 'number' ||
    typeof raw === 'bigint' ||
    (typeof raw === 'string' && DIGITS.test(raw) && memberIndex(members, raw) === undefined);
  if (isMask) {
    if (typeof raw === 'number' && !Number.isInteger(raw)) return notA(raw, `a member list of ${type.sql}`);
    let mask = BigInt(raw);
    if (mask < 0n || mask >= 1n << BigInt(members.values.length)) {
      return fail(`${show(raw)} is out of range for ${type.sql} (bitmask)`);
    }
    for (let index = 0; mask > 0n; index++, mask >>= 1n) chosen[index] = (mask & 1n) === 1n;
  } else {
    let items: readonly unknown[];
    if (typeof raw === 'string') items = raw === '' ? [] : raw.split(',');
    else if (Array.isArray(raw)) items = raw;
    else return notA(raw, `a member list of ${type.sql}`);
    for (const item of items) {
      const index = typeof item === 'string' ? memberIndex(members, item) : undefined;
      if (index === undefined) return fail(`${show(item)} is not a member of ${type.sql}`);
      chosen[index] = true;
    }
  }
  const values: string[] = [];
  chosen.forEach((isChosen, index) => {
    if (isChosen) values.push(members.values[index]!);
  });
  return ok(values.join(','));
}
