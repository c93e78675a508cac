/**
 * The rows a plan will insert or update (pure; storage is injected). Up to a budget they are kept
 * in memory with the plan; past it they go, in order, to a spill (a temporary file: see
 * storage/spill-file.ts) and apply reads them back a batch at a time. So a 1,000,000-row initial
 * load plans in bounded memory (issue 7) and writes exactly the rows that were planned.
 */
import { ownRow, type Row } from '../model/row.js';
import type { RowSpill, SpilledRowsReader } from '../model/row-spill.js';
import { rowDigest } from './row-digest.js';

export type PlannedRows =
  | { readonly kind: 'kept'; readonly count: number; readonly rows: readonly Row[]; readonly digest: OpsDigest }
  | { readonly kind: 'spilled'; readonly count: number; readonly spill: SpilledRowsReader; readonly digest: OpsDigest };

/**
 * A digest of a set of rows that does not depend on their order (the plan reads both sides at
 * once, so the order in which changed rows are found varies from run to run): the sums, modulo
 * 2^32, of the two halves of each row's digest.
 */
export interface OpsDigest {
  readonly low: number;
  readonly high: number;
}

/**
 * Characters of values (plus a small allowance per row) kept in memory per list before the rest is
 * spilled: some 40,000 rows of 330 bytes. The 1% that changed in a 1,000,000-row re-sync stays in
 * memory.
 */
export const KEEP_CHARS = 16 * 1024 * 1024;

/** Collects one list: kept until the budget is spent, then spilled (when a spill is offered). */
export class PlannedRowsBuilder {
  private kept: { row: Row; order: number }[] = [];
  private chars = 0;
  private spill: RowSpill | undefined;
  private count = 0;
  private low = 0;
  private high = 0;

  constructor(
    private readonly openSpill: (() => RowSpill) | undefined,
    private readonly keepChars = KEEP_CHARS,
  ) {}

  /**
   * One row; kept rows come out sorted by `order`, spilled ones in the order added. `before`: the
   * destination row it replaces (updates), part of the digest: the same writes over other values
   * are other work (see executor: a plan re-made after waiting for the table lock).
   */
  add(values: Row, order: number, before?: Row): void {
    this.count += 1;
    // One digest of the pair: a sum of separate ones could not tell which value replaced which.
    this.addDigest(rowDigest(values, before));
    if (this.spill) {
      this.spill.append(values);
      return;
    }
    this.kept.push({ row: ownRow(values), order });
    this.chars += rowChars(values);
    if (this.openSpill && this.chars > this.keepChars) {
      this.spill = this.openSpill();
      for (const { row } of this.sortedKept()) this.spill.append(row);
      this.kept = [];
    }
  }

  private addDigest(digest: number): void {
    this.low = (this.low + (digest % 4294967296)) % 4294967296;
    this.high = (this.high + Math.floor(digest / 4294967296)) % 4294967296;
  }

  build(): PlannedRows {
    const digest = { low: this.low, high: this.high };
    if (this.spill) return { kind: 'spilled', count: this.count, spill: this.spill.close(), digest };
    return { kind: 'kept', count: this.count, rows: this.sortedKept().map(({ row }) => row), digest };
  }

  private sortedKept(): { row: Row; order: number }[] {
    return this.kept.sort((a, b) => a.order - b.order);
  }
}

function rowChars(values: Row): number {
  let chars = 16; // the row's own overhead, roughly
  for (const value of values) chars += value === null ? 1 : value.length + 8;
  return chars;
}

/** The rows in order, a batch of about `size` at a time (spilled rows read back from their file). */
export async function* rowBatches(list: PlannedRows, size: number): AsyncGenerator<readonly Row[]> {
  if (list.kind === 'spilled') {
    yield* list.spill.batches(size);
    return;
  }
  for (let index = 0; index < list.rows.length; index += size) yield list.rows.slice(index, index + size);
}

/** Several lists' rows one after the other (a plan's inserts, then its updates), in batches. */
export async function* rowBatchesOf(lists: readonly PlannedRows[], size: number): AsyncGenerator<readonly Row[]> {
  for (const list of lists) yield* rowBatches(list, size);
}
