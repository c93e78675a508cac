/**
 * Desired versus actual rows (pure). Both sides stream past once — desired rows in source order,
 * actual rows in key order, in any interleaving — and are matched by key, compared column by
 * column in canonical form, and sorted into added / changed / removed according to the mode.
 * A row waits only until its partner arrives; matched rows that need no write are let go, and
 * rows to write past a budget are spilled (planned-rows.ts), so memory holds the rows still
 * waiting, one small entry per desired key, and a bounded number of rows to write.
 */
import { approximateCollations, collationKey, type CollationKeys } from '../mapping/collation.js';
import { canonicalRead } from '../mapping/canonical-read.js';
import { ownRow, type DesiredRow, type Row, type Value } from '../model/row.js';
import { LargeMap } from '../mapping/large-map.js';
import { hasCollatedKey, keyRequests, keyValuesOnly, makeKeyOf, type RowKey } from '../mapping/row-key.js';
import { modeRule, type Mode } from './mode-rules.js';
import type { RowSpill } from '../model/row-spill.js';
import { PlannedRowsBuilder, type PlannedRows } from './planned-rows.js';
import type { TargetColumn } from '../mapping/target-columns.js';

export const SAMPLE_LIMIT = 5;

const NO_KEYS: ReadonlySet<RowKey> = new Set();

export interface ChangedRow {
  readonly before: Row;
  readonly after: Row;
}

export interface RowOps {
  /** Rows to insert (desired values), in source order. */
  readonly inserts: PlannedRows;
  /** Rows to update (desired values); kept ones in destination key order. */
  readonly updates: PlannedRows;
  /** Rows to delete (actual values). */
  readonly deletes: readonly Row[];
}

export interface RowCounts {
  readonly insert: number;
  readonly update: number;
  readonly delete: number;
  /** Source rows that differ from the destination but that the mode does not write. */
  readonly skip: number;
  readonly unchanged: number;
}

export interface RowSamples {
  readonly insert: readonly Row[];
  readonly update: readonly ChangedRow[];
  readonly delete: readonly Row[];
}

export interface RowDiff {
  readonly ops: RowOps;
  readonly counts: RowCounts;
  readonly samples: RowSamples;
  /** Destination rows inside the sync's scope. */
  readonly actualRows: number;
}


/** A desired key already seen: its row (while it waits, or kept, see release), or just its line. */
type SeenDesired = DesiredRow | number;

interface PendingActual {
  readonly row: Row;
  /** Position in the destination's key order. */
  readonly ordinal: number;
}

export interface DifferOptions {
  /** Storage for rows to write past the in-memory budget; without it every row stays in memory. */
  readonly openSpill?: (what: 'inserts' | 'updates') => RowSpill;
  /** The budget (tests make it small). */
  readonly keepChars?: number;
  /**
   * Collation keys of destination rows (prepared for each page before it is observed); by
   * default approximated from collation names.
   */
  readonly keys?: CollationKeys;
  /** The keys are the server's own (no two destination rows can share one). */
  readonly exactCollations?: boolean;
}

/**
 * The differ: `addDesired` for each source row (in source order), `observe` for each destination
 * row (in key order), interleaved as they arrive, then `finish`. The result is the same whatever
 * the interleaving: inserts in source order, updates and deletes in destination key order.
 */
export class StreamingRowDiffer {
  private readonly rule;
  private readonly keyOf;
  private readonly keyIndexes: readonly number[];
  /** Keys are approximated collation keys, which may fold two stored keys into one (see moreActual). */
  private readonly foldingKeys: boolean;
  /** Some key column's key is not its text (a collation key): key values are kept beside the key. */
  private readonly collatedKeys: boolean;
  /** Collation keys of destination rows (see prepareKeys). */
  private readonly keys: CollationKeys;
  /** Desired rows not matched yet, in source order. */
  private readonly pendingDesired = new LargeMap<RowKey, DesiredRow>();
  /** Destination rows not matched yet, in key order (as read). */
  private readonly pendingActual = new LargeMap<RowKey, PendingActual>();
  /**
   * More destination rows under a key already waiting: keys the database keeps apart but pssync's
   * collation model equates (see collation.ts). Rare; they match like the first one.
   */
  private readonly moreActual = new Map<RowKey, PendingActual[]>();
  /** Desired keys matched already (duplicate detection; the waiting ones are in pendingDesired). */
  private readonly seen = new LargeMap<RowKey, SeenDesired>();
  private readonly inserts: PlannedRowsBuilder;
  private readonly updates: PlannedRowsBuilder;
  private insertSamples: Row[] = [];
  /** No more destination rows will come: desired rows no longer wait, unmatched ones are added. */
  private actualComplete = false;
  private updateSamples: (ChangedRow & { readonly ordinal: number })[] = [];
  private skip = 0;
  private unchanged = 0;
  private actualRows = 0;
  /** One past the highest destination ordinal matched so far. */
  private frontier = 0;
  /** Source line of the last desired row added, and the highest one matched so far. */
  private lastDesiredLine = 0;
  private desiredFrontier = 0;

  constructor(
    private readonly columns: readonly TargetColumn[],
    mode: Mode,
    options: DifferOptions = {},
  ) {
    const { openSpill, keepChars, keys = approximateCollations.reader(), exactCollations = false } = options;
    this.inserts = new PlannedRowsBuilder(openSpill && (() => openSpill('inserts')), keepChars);
    this.updates = new PlannedRowsBuilder(openSpill && (() => openSpill('updates')), keepChars);
    this.rule = modeRule(mode);
    this.keys = keys;
    this.keyOf = makeKeyOf(columns, keys);
    this.keyIndexes = columns.flatMap((column, index) => (column.isKey ? [index] : []));
    this.collatedKeys = hasCollatedKey(columns);
    this.foldingKeys = this.collatedKeys && !exactCollations;
  }

  /** The accepted desired row with this key, if any (its line, and its key values). */
  earlier(key: RowKey): { readonly line: number; readonly values: Row } | undefined {
    const seen = this.pendingDesired.get(key) ?? this.seen.get(key);
    if (seen === undefined || typeof seen !== 'number') return seen;
    // Matched and let go: the key values are the key itself (see release).
    const values: Value[] = new Array<Value>(this.columns.length).fill(null);
    const keys = typeof key === 'number' ? [String(key)] : this.keyIndexes.length === 1 ? [key] : (JSON.parse(key) as Value[]);
    this.keyIndexes.forEach((index, position) => (values[index] = keys[position] ?? null));
    return { line: seen, values };
  }

  /**
   * How far the destination read is ahead of the last destination row matched: with a source in
   * key order, the rows it has yet to catch up with (rows it skipped are deletes, not lead).
   */
  get actualLead(): number {
    return this.actualRows - this.frontier;
  }

  /** The same for the source, in source lines: how far it is ahead of the last line matched. */
  get desiredLead(): number {
    return this.lastDesiredLine - this.desiredFrontier;
  }

  /** One accepted desired row (keys must be unique: check `earlier` first). */
  addDesired(key: RowKey, row: DesiredRow): void {
    this.lastDesiredLine = row.line;
    const actual = this.pendingActual.get(key);
    if (actual === undefined) {
      if (!this.actualComplete) {
        // It may wait long (its destination row may be far ahead, or absent): values of its own,
        // not slices that would keep the source's chunk in memory (ownText).
        this.pendingDesired.set(key, { values: ownRow(row.values), line: row.line });
        return;
      }
      // No destination row can come for it any more: an added row, not kept for matching.
      this.seen.set(key, this.slim(row));
      this.added(row.values);
      return;
    }
    this.pendingActual.delete(key);
    this.release(key, row);
    this.compare(row, actual.row, actual.ordinal);
    if (this.moreActual.size === 0) return;
    const more = this.moreActual.get(key);
    if (more === undefined) return;
    this.moreActual.delete(key);
    for (const other of more) this.compare(row, other.row, other.ordinal);
  }

  /** One destination row, values in target-column order (null for columns not yet in the table). */
  observe(actual: Row): void {
    const ordinal = this.actualRows;
    this.actualRows += 1;
    // Hot path (issue 7): only key values are put in canonical form up front; the others only
    // when they differ from the desired value as text (most do not: pssync wrote them).
    const key = this.keyOf(this.canonicalKeys(actual));
    const desired = this.pendingDesired.get(key);
    if (desired !== undefined) {
      this.pendingDesired.delete(key);
      this.release(key, desired);
      this.compare(desired, actual, ordinal);
      return;
    }
    const matched = this.foldingKeys ? this.seen.get(key) : undefined;
    if (matched !== undefined && typeof matched !== 'number') {
      // A second destination row under a matched key (see moreActual): compared like the first.
      this.compare(matched, actual, ordinal);
      return;
    }
    if (!this.pendingActual.has(key)) {
      this.pendingActual.set(key, { row: actual, ordinal });
      return;
    }
    const more = this.moreActual.get(key);
    if (more) more.push({ row: actual, ordinal });
    else this.moreActual.set(key, [{ row: actual, ordinal }]);
  }

  /**
   * Destination rows found equal to their desired rows without being read (the checksum-first
   * diff): counted as the full read counts them, after every row that was read.
   */
  addUnchanged(rows: number): void {
    this.unchanged += rows;
    this.actualRows += rows;
  }

  /**
   * Every destination row has been observed (or the table does not exist): the desired rows still
   * waiting are added rows, and so is every desired row from now on — none is held for matching.
   */
  endOfActual(): void {
    if (this.actualComplete) return;
    this.actualComplete = true;
    for (const [key, row] of this.pendingDesired) {
      this.seen.set(key, this.slim(row));
      this.added(row.values);
    }
    this.pendingDesired.clear();
  }

  /**
   * The diff. Destination rows under a key in `keep` are never deleted: their source row was
   * rejected under max_rejected_rows (bad data, not a departed row).
   */
  finish(keep: ReadonlySet<RowKey> = NO_KEYS): RowDiff {
    this.endOfActual();
    const deletes: Row[] = [];
    if (this.rule.removed === 'delete') {
      let waiting: PendingActual[] = [];
      for (const [key, pending] of this.pendingActual) if (!keep.has(key)) waiting.push(pending);
      if (this.moreActual.size > 0) {
        for (const [key, more] of this.moreActual) if (!keep.has(key)) waiting.push(...more);
        waiting = waiting.sort((a, b) => a.ordinal - b.ordinal);
      }
      for (const { row } of waiting) deletes.push(this.canonical(row));
    }
    const inserts = this.inserts.build();
    const updates = this.updates.build();
    return {
      ops: { inserts, updates, deletes },
      counts: {
        insert: inserts.count,
        update: updates.count,
        delete: deletes.length,
        skip: this.skip,
        unchanged: this.unchanged,
      },
      samples: {
        insert: this.insertSamples,
        update: this.updateSamples.map(({ before, after }) => ({ before, after })),
        delete: deletes.slice(0, SAMPLE_LIMIT),
      },
      actualRows: this.actualRows,
    };
  }

  private compare(row: DesiredRow, actual: Row, ordinal: number): void {
    if (ordinal >= this.frontier) this.frontier = ordinal + 1;
    if (row.line > this.desiredFrontier) this.desiredFrontier = row.line;
    const desired = row.values;
    if (this.sameRow(desired, actual)) {
      this.unchanged += 1;
    } else if (this.rule.changed === 'update') {
      // Updates found when the desired row came second are out of key order: kept ones are sorted.
      this.updates.add(desired, ordinal, actual);
      this.sample(ordinal, actual, desired);
    } else {
      this.skip += 1;
    }
  }

  /** A desired row no destination row matched. */
  private added(values: Row): void {
    if (this.rule.added !== 'insert') {
      this.skip += 1;
      return;
    }
    if (this.insertSamples.length < SAMPLE_LIMIT) this.insertSamples.push(values);
    // Added rows arrive in source order, the order they keep (one sort key for all: a stable sort).
    this.inserts.add(values, 0);
  }

  /**
   * What duplicate detection needs of an added row: its line, and its key values when they are not
   * the key itself (see release). No destination row can match it any more.
   */
  private slim(row: DesiredRow): SeenDesired {
    if (this.exactKeys(row.values)) return row.line;
    return { line: row.line, values: keyValuesOnly(this.columns, row.values) };
  }

  /** Keeps the first SAMPLE_LIMIT changes in key order. */
  private sample(ordinal: number, actual: Row, desired: Row): void {
    const samples = this.updateSamples;
    if (samples.length >= SAMPLE_LIMIT && samples[samples.length - 1]!.ordinal < ordinal) return;
    samples.push({ ordinal, before: this.canonical(actual), after: desired });
    samples.sort((a, b) => a.ordinal - b.ordinal);
    if (samples.length > SAMPLE_LIMIT) samples.pop();
  }

  /**
   * A matched desired row is let go: only its line (and key values, see slim) stays, for duplicate
   * detection. Under approximated collations the row stays whole when its key folds its values —
   * another destination row may still match it (see moreActual).
   */
  private release(key: RowKey, row: DesiredRow): void {
    this.seen.set(key, this.foldingKeys && !this.exactKeys(row.values) ? row : this.slim(row));
  }

  /** Whether the key is made of the values themselves (no collation key stands in for them). */
  private exactKeys(values: Row): boolean {
    if (!this.collatedKeys) return true;
    if (!this.foldingKeys) return false; // the server's weights: never the text itself
    for (const index of this.keyIndexes) {
      const value = values[index] ?? null;
      if (collationKey(value, this.columns[index]!.collation) !== value) return false;
    }
    return true;
  }

  private canonical(actual: Row): Row {
    return actual.map((value, index) => canonicalRead(value, this.columns[index]!));
  }

  /**
   * Readies the collation keys of destination rows (a page) before they are observed or keyed,
   * and returns them with their key values in canonical form.
   */
  async prepareKeys(page: readonly Row[]): Promise<Row[]> {
    const rows = page.map((row) => this.canonicalKeys(row));
    if (this.collatedKeys) await this.keys.prepare(keyRequests(this.columns, rows));
    return rows;
  }

  /** The row with its key values in canonical form (the row itself when they already are). */
  private canonicalKeys(actual: Row): Row {
    let row: Value[] | undefined;
    for (const index of this.keyIndexes) {
      const value = actual[index] ?? null;
      const canonical = canonicalRead(value, this.columns[index]!);
      if (canonical !== value) (row ??= [...actual])[index] = canonical;
    }
    return row ?? actual;
  }

  /**
   * Whether the destination row (as read) already holds the desired values. Equal text is equal
   * (the desired value is canonical, and the canonical form of a canonical value is itself);
   * otherwise the read value is compared in canonical form.
   */
  private sameRow(desired: Row, actual: Row): boolean {
    for (let index = 0; index < desired.length; index += 1) {
      const want = desired[index] ?? null;
      const read = actual[index] ?? null;
      if (want === read) continue;
      const column = this.columns[index]!;
      // Rows are matched by key: their key values are equal to the database (collations), never "updated".
      if (column.isKey) continue;
      const have = canonicalRead(read, column);
      if (want === have) continue;
      return false;
    }
    return true;
  }
}
