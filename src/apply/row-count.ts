/**
 * What each write statement did, against what it was planned to do (pure). Apply reports the rows
 * the server inserted, updated and deleted, never the plan's counts; a statement that found other
 * rows than planned (another writer changed the table, or the server matches a key differently)
 * is rolled back and stops the sync with PSSYNC_E_ROW_COUNT.
 *
 * The server's numbers: a plain INSERT affects one row per row inserted; an UPDATE reports
 * "Rows matched: M  Changed: C" (and, with CLIENT_FOUND_ROWS — mysql2's default — affectedRows M);
 * a DELETE affects the rows it deleted. Writers send no INSERT … ON DUPLICATE KEY UPDATE to the
 * destination, so its 1-or-2-per-row count never has to be untangled.
 */
import type { WriteOutcome } from '../db/connection.js';
import { PssyncError } from '../model/errors.js';

/** `stage`: rows loaded into the staging table (checked, not reported). */
export type WriteOp = 'insert' | 'update' | 'delete' | 'stage';

export interface RowCounts {
  readonly insert: number;
  readonly update: number;
  readonly delete: number;
  /** Planned updates whose row the server found already as planned (matched, not changed). */
  readonly alreadyCurrent: number;
}

/** What one statement is meant to do, and how to tell more when it did something else. */
export interface CountedWrite {
  readonly op: WriteOp;
  /** The destination table, for the error. */
  readonly table: string;
  /** Rows the statement must insert, find (update) or delete. */
  readonly rows: number;
  /**
   * Keys of the statement's rows to name in the error, as `id="2"` texts: those the table lacks
   * now (`missing`: an update or delete found fewer rows), else the first few. Read after the
   * statement was rolled back.
   */
  readonly keys: () => Promise<StatementKeys>;
  /**
   * How many of the statement's rows the table holds: asked when an INSERT sent again after its
   * COMMIT's answer was lost meets a duplicate key — all of them means the first attempt committed.
   */
  readonly present?: () => Promise<number>;
}

export interface StatementKeys {
  readonly keys: readonly string[];
  readonly missing: boolean;
}

export interface ServerCounts {
  readonly records?: number;
  readonly duplicates?: number;
  readonly matched?: number;
  readonly changed?: number;
  readonly warnings?: number;
}

/** The numbers in the server's info text ("Records: 3  Duplicates: 0  Warnings: 0", "Rows matched: 2  Changed: 1  Warnings: 0"). */
export function parseInfo(info: string): ServerCounts {
  const number = (label: string) => {
    const match = new RegExp(`${label}:\\s*(\\d+)`, 'i').exec(info);
    return match ? Number(match[1]) : undefined;
  };
  const counts = { records: number('Records'), duplicates: number('Duplicates'), matched: number('Rows matched'), changed: number('Changed'), warnings: number('Warnings') };
  return Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== undefined));
}

export type Judgement = { readonly ok: true; readonly counts: Partial<RowCounts> } | { readonly ok: false; readonly did: number };

/**
 * Whether the statement did what it was planned to, and what to count. `uncertain`: an earlier
 * attempt's COMMIT got no answer, so it may have committed — an UPDATE sent again then finds its
 * rows already changed (counted as updated once), a DELETE finds them gone.
 */
export function judgeWrite(planned: Pick<CountedWrite, 'op' | 'rows'>, outcome: WriteOutcome, uncertain: boolean): Judgement {
  const server = parseInfo(outcome.info);
  switch (planned.op) {
    case 'insert':
    case 'stage': {
      const did = server.records !== undefined ? server.records - (server.duplicates ?? 0) : outcome.affectedRows;
      if (did === planned.rows || (planned.op === 'stage' && uncertain && outcome.affectedRows === planned.rows)) {
        return { ok: true, counts: planned.op === 'insert' ? { insert: did } : {} };
      }
      return { ok: false, did };
    }
    case 'update': {
      const matched = server.matched ?? outcome.affectedRows;
      if (matched !== planned.rows) return { ok: false, did: matched };
      const changed = uncertain ? matched : Math.min(server.changed ?? matched, matched);
      return { ok: true, counts: { update: changed, alreadyCurrent: matched - changed } };
    }
    case 'delete': {
      const did = outcome.affectedRows;
      if (did === planned.rows || (uncertain && did === 0)) return { ok: true, counts: { delete: planned.rows } };
      return { ok: false, did };
    }
    default: {
      const never: never = planned.op;
      return never;
    }
  }
}

/** The rows one sync's statements wrote; a forked runner's are added to its parent's. */
export class RowTally {
  insert = 0;
  update = 0;
  delete = 0;
  alreadyCurrent = 0;

  add(counts: Partial<RowCounts>): void {
    this.insert += counts.insert ?? 0;
    this.update += counts.update ?? 0;
    this.delete += counts.delete ?? 0;
    this.alreadyCurrent += counts.alreadyCurrent ?? 0;
  }

  /** For the run report: `rows`, and `alreadyCurrent` when there were any. */
  report(): { rows: { insert: number; update: number; delete: number }; alreadyCurrent?: number } {
    return { rows: { insert: this.insert, update: this.update, delete: this.delete }, ...(this.alreadyCurrent ? { alreadyCurrent: this.alreadyCurrent } : {}) };
  }
}

const VERB: Readonly<Record<WriteOp, string>> = { insert: 'inserted', update: 'found', delete: 'deleted', stage: 'staged' };

/** Keys named in an error. */
export const KEYS_SHOWN = 5;

/**
 * PSSYNC_E_ROW_COUNT: `what` (the statement's label) did `did` rows where `planned.rows` were
 * planned; names the keys and says that the statement was rolled back.
 */
export function rowCountError(table: string, what: string, planned: Pick<CountedWrite, 'op' | 'rows'>, did: number, named: StatementKeys): PssyncError {
  const { keys } = named;
  const listed = keys.slice(0, KEYS_SHOWN).join('; ') + (keys.length > KEYS_SHOWN ? ' and more' : '');
  const which = keys.length === 0 ? '' : named.missing ? `; not in the table now: ${listed}` : `; its rows include ${listed}`;
  const of = (count: number) => `${count.toLocaleString('en-US')} row${count === 1 ? '' : 's'}`;
  return new PssyncError(
    'PSSYNC_E_ROW_COUNT',
    `${what}: the server ${VERB[planned.op]} ${of(did)} where ${of(planned.rows)} were planned${which}. The statement was rolled back (none of its rows were written); rows written by earlier statements stay. Another writer changed \`${table}\` during the apply, or the server matches these keys differently than the plan: run apply again, it plans from the table's contents now`,
    { table },
  );
}

/** `id="2", name="x"` for the key columns of a row. */
export function keyText(names: readonly string[], values: readonly (string | null)[]): string {
  return names.map((name, index) => `${name}=${JSON.stringify(values[index] ?? null)}`).join(', ');
}
