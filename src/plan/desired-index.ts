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

/** About 60 bytes a row besides the key text (the full read keeps a key index too). */
export class DesiredIndex {
  readonly rowKeys: RowKey[] = [];
  /** The key value (one key column) or the key values as JSON (several). */
  readonly keyTexts: string[] = [];
  private readonly lines: number[] = [];
  private readonly highs: number[] = [];
  private readonly lows: number[] = [];
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
    this.keyTexts.push(keyIndexes.length === 1 ? ownText(values[keyIndexes[0]!] ?? '') : JSON.stringify(keyIndexes.map((index) => values[index] ?? null)));
    this.lines.push(line);
    const { high, low } = this.hashRow(values);
    this.highs.push(high);
    this.lows.push(low);
  }

  seqOf(key: RowKey): number | undefined {
    return this.seqs.get(key);
  }

  keyValues(seq: number): KeyValues {
    const text = this.keyTexts[seq]!;
    return this.keyIndexes.length === 1 ? [text] : (JSON.parse(text) as KeyValues);
  }

  hasHash(seq: number, hash: RowHash): boolean {
    return this.highs[seq] === hash.high && this.lows[seq] === hash.low;
  }

  /** Count and hash sum of these rows. */
  sum(seqs: Uint32Array): HashSum {
    const sum = new HashSum();
    for (const seq of seqs) sum.add({ high: this.highs[seq]!, low: this.lows[seq]! });
    return sum;
  }

  /** For duplicate detection: the earlier row with this key (its line and key values). */
  earlier(key: RowKey): { readonly line: number; readonly values: Row } | undefined {
    const seq = this.seqs.get(key);
    if (seq === undefined) return undefined;
    return { line: this.lines[seq]!, values: widen(this.keyValues(seq), this.keyIndexes, this.columns.length) };
  }
}
