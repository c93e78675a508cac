/**
 * Desired versus actual rows (pure). Desired rows are held in a map by key; actual rows stream
 * past once, in key order, and are matched, compared column by column in canonical form, and
 * sorted into added / changed / removed according to the mode.
 */
import { collationKey } from '../mapping/collation.js';
import { coerceValue } from '../mapping/coerce.js';
import type { DesiredRow, Row, Value } from '../model/row.js';
import { modeRule, type Mode } from './mode-rules.js';
import type { TargetColumn } from './target.js';

export const SAMPLE_LIMIT = 5;

export interface ChangedRow {
  readonly before: Row;
  readonly after: Row;
}

export interface RowOps {
  /** Rows to insert (desired values). */
  readonly inserts: readonly Row[];
  /** Rows to update (desired values). */
  readonly updates: readonly Row[];
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

/** Builds the key under which the database considers rows the same. */
export function makeKeyOf(columns: readonly TargetColumn[]): (row: Row) => string {
  const keys = columns.flatMap((column, index) => (column.isKey ? [{ index, collation: column.collation }] : []));
  if (keys.length === 1) {
    const [{ index, collation }] = keys as [{ index: number; collation: string | undefined }];
    return (row) => collationKey(row[index] ?? null, collation) ?? '';
  }
  return (row) => JSON.stringify(keys.map(({ index, collation }) => collationKey(row[index] ?? null, collation)));
}

/** Canonical form of a value read from the database, so it compares with coerced source values. */
export function canonicalActual(value: Value, column: TargetColumn): Value {
  if (value === null) return null;
  const coerced = coerceValue(value, column.type);
  return coerced.ok ? coerced.value : value;
}

export class RowDiffer {
  private readonly rule;
  private readonly keyOf;
  private readonly matched = new Set<string>();
  private readonly inserts: Row[] = [];
  private readonly updates: Row[] = [];
  private readonly deletes: Row[] = [];
  private readonly updateSamples: ChangedRow[] = [];
  private skip = 0;
  private unchanged = 0;
  private actualRows = 0;

  constructor(
    private readonly desired: ReadonlyMap<string, DesiredRow>,
    private readonly columns: readonly TargetColumn[],
    mode: Mode,
  ) {
    this.rule = modeRule(mode);
    this.keyOf = makeKeyOf(columns);
  }

  /** One destination row, values in target-column order (null for columns not yet in the table). */
  observe(actual: Row): void {
    this.actualRows += 1;
    const canonical = actual.map((value, index) => canonicalActual(value, this.columns[index]!));
    const key = this.keyOf(canonical);
    const desired = this.desired.get(key);
    if (!desired) {
      if (this.rule.removed === 'delete') this.deletes.push(canonical);
      return;
    }
    this.matched.add(key);
    if (this.sameRow(desired.values, canonical)) {
      this.unchanged += 1;
    } else if (this.rule.changed === 'update') {
      this.updates.push(desired.values);
      if (this.updateSamples.length < SAMPLE_LIMIT) this.updateSamples.push({ before: canonical, after: desired.values });
    } else {
      this.skip += 1;
    }
  }

  finish(): RowDiff {
    for (const [key, row] of this.desired) {
      if (this.matched.has(key)) continue;
      if (this.rule.added === 'insert') this.inserts.push(row.values);
      else this.skip += 1;
    }
    return {
      ops: { inserts: this.inserts, updates: this.updates, deletes: this.deletes },
      counts: {
        insert: this.inserts.length,
        update: this.updates.length,
        delete: this.deletes.length,
        skip: this.skip,
        unchanged: this.unchanged,
      },
      samples: {
        insert: this.inserts.slice(0, SAMPLE_LIMIT),
        update: this.updateSamples,
        delete: this.deletes.slice(0, SAMPLE_LIMIT),
      },
      actualRows: this.actualRows,
    };
  }

  private sameRow(desired: Row, actual: Row): boolean {
    for (let index = 0; index < desired.length; index += 1) {
      const column = this.columns[index]!;
      const want = desired[index] ?? null;
      const have = actual[index] ?? null;
      if (want === have) continue;
      // Key values the collation treats as equal are the same row and cannot be "updated".
      if (column.isKey && collationKey(want, column.collation) === collationKey(have, column.collation)) continue;
      return false;
    }
    return true;
  }
}
