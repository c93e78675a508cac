/**
 * A number kept as its exact decimal text: Parquet DECIMAL values, and JSON number literals with
 * more significant digits than a double holds. Coercion reads the text, so DECIMAL(38,10) or a
 * 20-digit id arrive in the database digit for digit. Integers beyond 2^53 are `bigint` instead.
 */
export class ExactNumber {
  /** Plain decimal text: optional '-', digits, optional '.digits' (exponents allowed from JSON). */
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  toString(): string {
    return this.text;
  }

  /** For rejects files: a JSON number when a double holds it exactly, else the text. */
  toJSON(): number | string {
    const value = Number(this.text);
    return Number.isFinite(value) && significantDigits(this.text) <= 15 ? value : this.text;
  }
}

function significantDigits(text: string): number {
  const mantissa = text.replace(/^[+-]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
  return mantissa.replace(/0+$/, '').length;
}

/** `10^-scale × unscaled` as plain decimal text (the value of a DECIMAL(p, scale)). */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale + 1 - digits.length) + digits;
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  } else if (scale < 0) {
    digits = unscaled === 0n ? '0' : digits + '0'.repeat(-scale);
  }
  return negative ? `-${digits}` : digits;
}
