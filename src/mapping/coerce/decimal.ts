/** DECIMAL(p,s): exact decimal text, parsed into digits × 10^exp (never through a float) and rounded like MySQL. */
import type { ColumnType } from '../../model/column-type.js';
import { fail, isDigit, notA, ok, show, type Coerced } from './shared.js';

/** Sign, optional digits, optional fraction, optional exponent; at least one digit (checked). */
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export interface DecimalParts {
  readonly negative: boolean;
  /** Significant digits without leading or trailing zeros; '' for zero. */
  readonly digits: string;
  /** value = digits × 10^exp */
  readonly exp: number;
}

export function parseDecimal(text: string): DecimalParts | undefined {
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

export function coerceDecimal(raw: unknown, type: ColumnType): Coerced {
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
