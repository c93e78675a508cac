/**
 * The desired rows of a checksum-first diff (segment-diff.ts) by position (seq, in source order):
 * key, key text, line and hash — what comparing segments needs, while the rows wait on disk.
 */
import { LargeMap } from '../mapping/large-map.js';
import type { RowKey } from '../mapping/row-key.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import { HashSum, type RowHash } from '../model/row-checksum.js';
import { ownText, type Row, type Value } from '../model/row.js';
import type { KeyValues } from '../model/segment.js';

/** Key values (key order) at their places in a row of `width` columns. */
export function widen(key: Row, keyIndexes: readonly number[], width: number): Row {
  const row: Value[] = new Array<Value>(width).fill(null);
  keyIndexes.forEach((index, position) => (row[index] = key[position] ?? null));
  return row;
}

/** About 40 bytes a row besides the key text (the full read keeps a key index too). */
export class DesiredIndex {
  readonly rowKeys: RowKey[] = [];
  /** The key value (one key column) or the key values as JSON (several); none where the row key is the number. */
  private readonly keyTexts: (string | undefined)[] = [];
  private readonly lines = new Uint32List();
  private readonly highs = new Uint32List();
  private readonly lows = new Uint32List();
  private readonly seqs = new LargeMap<RowKey, number>();
  private readonly keyIndexes: readonly number[];

  constructor(
    private readonly columns: readonly TargetColumn[],
    private readonly hashRow: (row: Row) => RowHash,
  ) {
    this.keyIndexes = columns.flatMap((column, index) => (column.isKey ? [index] : []));
  }

  get size(): number {
    return this.rowKeys.length;
  }

  add(key: RowKey, values: Row, line: number): void {
    const seq = this.rowKeys.length;
    this.seqs.set(key, seq);
    this.rowKeys.push(key);
    const keyIndexes = this.keyIndexes;
    if (keyIndexes.length > 1) this.keyTexts.push(JSON.stringify(keyIndexes.map((index) => values[index] ?? null)));
    else this.keyTexts.push(typeof key === 'number' ? undefined : ownText(values[keyIndexes[0]!] ?? ''));
    this.lines.push(line);
    const { high, low } = this.hashRow(values);
    this.highs.push(high);
    this.lows.push(low);
  }

  seqOf(key: RowKey): number | undefined {
    return this.seqs.get(key);
  }

  /** The key value (one key column) or the key values as JSON (several). */
  keyText(seq: number): string {
    // A one-column integer key kept as its number: its canonical text is the number's (row-key.ts).
    return this.keyTexts[seq] ?? String(this.rowKeys[seq]);
  }

  keyValues(seq: number): KeyValues {
    const text = this.keyText(seq);
    return this.keyIndexes.length === 1 ? [text] : (JSON.parse(text) as KeyValues);
  }

  hasHash(seq: number, hash: RowHash): boolean {
    return this.highs.get(seq) === hash.high && this.lows.get(seq) === hash.low;
  }

  /** Count and hash sum of these rows. */
  sum(seqs: Uint32Array): HashSum {
    const sum = new HashSum();
    for (const seq of seqs) sum.add({ high: this.highs.get(seq), low: this.lows.get(seq) });
    return sum;
  }

  /** For duplicate detection: the earlier row with this key (its line and key values). */
  earlier(key: RowKey): { readonly line: number; readonly values: Row } | undefined {
    const seq = this.seqs.get(key);
    if (seq === undefined) return undefined;
    return { line: this.lines.get(seq), values: widen(this.keyValues(seq), this.keyIndexes, this.columns.length) };
  }
}

/** Unsigned 32-bit numbers appended one by one: 4 bytes each, in blocks (no copying as it grows). */
class Uint32List {
  private static readonly BLOCK = 65_536;
  private readonly blocks: Uint32Array[] = [];
  private length = 0;

  push(value: number): void {
    const offset = this.length % Uint32List.BLOCK;
    if (offset === 0) this.blocks.push(new Uint32Array(Uint32List.BLOCK));
    this.blocks[this.blocks.length - 1]![offset] = value;
    this.length += 1;
  }

  get(index: number): number {
    return this.blocks[Math.floor(index / Uint32List.BLOCK)]![index % Uint32List.BLOCK]!;
  }
}
