/**
 * Desired keys in the destination's key order (pure): how the checksum-first diff (issue 13) puts
 * the desired rows into the key ranges the server cuts its rows into. Numbers compare as numbers, ENUM by
 * member position, text under a collation by its weight string (the server's own sort key), `_bin`
 * text by code point with PAD SPACE, bytes bytewise. Where this order were to disagree with the
 * server's, a segment's checksums differ and its rows are read: slower, never wrong.
 */
import { comparesUnderCollation, type RowKey } from '../mapping/row-key.js';
import type { TargetColumn } from '../mapping/target-columns.js';

type Part = string | number | null;
type PartCompare = (a: Part, b: Part) => number;

/** A key as it sorts: one part for a one-column key, else one per key column. */
export type OrderKey = Part | readonly Part[];

const NUMERIC_FAMILIES: ReadonlySet<string> = new Set(['integer', 'decimal', 'year', 'bit', 'time']);
const COLLATED_FAMILIES: ReadonlySet<string> = new Set(['char', 'varchar', 'text']);

/**
 * The order of a sync's keys. A key is given as its row key (row-key.ts: the number, or collation
 * keys for collated parts) and its key text (the value itself for a one-column key, a JSON array
 * of the values for a composite one).
 */
export class KeyOrder {
  private readonly compares: readonly PartCompare[];
  private readonly collated: readonly boolean[];

  constructor(columns: readonly TargetColumn[]) {
    const keyColumns = columns.filter((column) => column.isKey);
    this.compares = keyColumns.map(partCompare);
    this.collated = keyColumns.map(comparesUnderCollation);
  }

  of(rowKey: RowKey, keyText: string): OrderKey {
    if (this.compares.length === 1) return this.collated[0] || typeof rowKey === 'number' ? rowKey : keyText;
    const collationKeys = JSON.parse(String(rowKey)) as Part[];
    const values = JSON.parse(keyText) as Part[];
    return this.collated.map((collated, position) => (collated ? collationKeys[position]! : values[position]!));
  }

  compare(a: OrderKey, b: OrderKey): number {
    if (this.compares.length === 1) return this.compares[0]!(a as Part, b as Part);
    const left = a as readonly Part[];
    const right = b as readonly Part[];
    for (let position = 0; position < this.compares.length; position += 1) {
      const result = this.compares[position]!(left[position]!, right[position]!);
      if (result !== 0) return result;
    }
    return 0;
  }

  /** `items` sorted by their keys (each key computed once). */
  sort(items: Uint32Array, keyOf: (item: number) => OrderKey): Uint32Array {
    const keys = Array.from(items, keyOf);
    const positions = Uint32Array.from(keys.keys()).sort((a, b) => this.compare(keys[a]!, keys[b]!));
    return positions.map((position) => items[position]!);
  }

  /** How many of `bounds` (ascending) are at or below `key`. */
  rank(bounds: readonly OrderKey[], key: OrderKey): number {
    let low = 0;
    let high = bounds.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(bounds[middle]!, key) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

function partCompare(column: TargetColumn): PartCompare {
  const family = column.type.family;
  if (NUMERIC_FAMILIES.has(family)) return nullsFirst((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : compareNumericText(String(a), String(b))));
  if (family === 'enum') {
    const members = new Map((column.type.values ?? []).map((member, index) => [member, index]));
    return nullsFirst((a, b) => (members.get(String(a)) ?? -1) - (members.get(String(b)) ?? -1));
  }
  if (COLLATED_FAMILIES.has(family) && !comparesUnderCollation(column)) return nullsFirst((a, b) => compareCodePoints(String(a), String(b), false));
  if (COLLATED_FAMILIES.has(family)) {
    // Weight strings: the collation's order, bytewise (and `_bin` collations: code points, PAD SPACE).
    const name = column.collation!.toLowerCase();
    if (name.endsWith('_bin')) return nullsFirst((a, b) => compareCodePoints(String(a), String(b), !name.includes('_0900_') && !name.includes('_nopad_')));
  }
  return nullsFirst((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

function nullsFirst(compare: PartCompare): PartCompare {
  return (a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : compare(a, b));
}

/**
 * Canonical numbers as text (integers, decimals at their scale, TIME as `[-]h:mm:ss`): sign, then
 * the length of the leading digits, then digit by digit.
 */
export function compareNumericText(a: string, b: string): number {
  const negativeA = a.startsWith('-');
  const negativeB = b.startsWith('-');
  if (negativeA !== negativeB) return negativeA ? -1 : 1;
  const magnitude = compareMagnitude(negativeA ? a.slice(1) : a, negativeB ? b.slice(1) : b);
  return negativeA ? -magnitude : magnitude;
}

function compareMagnitude(a: string, b: string): number {
  const lead = (text: string) => {
    let length = 0;
    while (length < text.length && text.charCodeAt(length) >= 48 && text.charCodeAt(length) <= 57) length += 1;
    return length;
  };
  const difference = lead(a) - lead(b);
  if (difference !== 0) return difference;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Code point order (not UTF-16 units); with PAD SPACE the shorter text counts as padded with spaces. */
export function compareCodePoints(a: string, b: string, padSpace: boolean): number {
  const length = Math.min(a.length, b.length);
  let index = 0;
  while (index < length && a.charCodeAt(index) === b.charCodeAt(index)) index += 1;
  if (index < length) return codePointAt(a, index) - codePointAt(b, index);
  if (a.length === b.length) return 0;
  if (!padSpace) return a.length - b.length;
  const longer = a.length > b.length ? a : b;
  for (let rest = length; rest < longer.length; rest += 1) {
    const code = longer.charCodeAt(rest);
    if (code !== 32) return (code < 32 ? -1 : 1) * (longer === a ? 1 : -1);
  }
  return 0;
}

/** The code point that the UTF-16 unit at `index` belongs to (a low surrogate: its pair's). */
function codePointAt(text: string, index: number): number {
  const unit = text.charCodeAt(index);
  if (unit >= 0xdc00 && unit <= 0xdfff && index > 0) {
    const high = text.charCodeAt(index - 1);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(index - 1)!;
  }
  return text.codePointAt(index)!;
}
