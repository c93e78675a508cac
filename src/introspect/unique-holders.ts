/**
 * Destination rows that hold the unique-key values of a plan's inserts and updates, looked up in
 * batches (`SELECT pk…, u… FROM t WHERE (u…) IN (…)`) over the whole table: a scoped sync reads
 * only its scope, but a unique index spans the table. The server compares under each column's
 * collation, so it finds every row its index would; rows it returns beyond those (a wider `=`)
 * are sorted out by the keys (mapping/unique-keys.ts). Any collision is a plan error: nothing runs.
 */
import type { Db } from '../db/connection.js';
import type { SyncConfig } from '../manifest/types.js';
import type { KeyCollations } from '../mapping/collation.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import { canonicalRead } from '../mapping/canonical-read.js';
import {
  collisionDiagnostic,
  collisionRequests,
  findCollisions,
  hasUniqueValues,
  LISTED_COLLISIONS,
  mergeRequests,
  type UniqueCollision,
  type UniqueHolder,
  type WrittenUniqueKey,
} from '../mapping/unique-keys.js';
import { keyRequests, makeKeyOf } from '../mapping/row-key.js';
import { readOptionsFor, selectExpression } from './actual-rows.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { quoteId } from '../model/identifiers.js';
import type { Row } from '../model/row.js';

/** Planned rows per lookup, and a bound on the statement's text. */
const ROWS_PER_LOOKUP = 500;
const CHARS_PER_LOOKUP = 1024 * 1024;

/** Deleted rows compared with the holders at a time (for the "deleted by this plan" remark). */
const DELETES_PER_BATCH = 1_000;

export interface UniqueCheck {
  readonly sync: SyncConfig;
  readonly table: string;
  readonly columns: readonly TargetColumn[];
  readonly keys: readonly WrittenUniqueKey[];
  /** The plan's inserts and updates, in batches (read once). */
  readonly writes: AsyncIterable<readonly Row[]>;
  /** The plan's deletes. */
  readonly deletes: readonly Row[];
  readonly collations: KeyCollations;
  /** How the writers spell each column's values in SQL (apply/sql-text.ts literalsFor). */
  readonly literals: readonly ((value: string) => string)[];
}

/** One error per unique key some planned write collides on. */
export async function uniqueKeyCollisions(db: Db, check: UniqueCheck): Promise<Diagnostic[]> {
  const found = check.keys.map(() => ({ collisions: [] as UniqueCollision[], total: 0 }));
  const reader = check.collations.reader();
  for await (const batch of check.writes) {
    for (const [index, key] of check.keys.entries()) {
      const planned = batch.filter((row) => hasUniqueValues(key, row));
      for (const chunk of lookupChunks(key, planned, check.literals)) {
        const holders = await readHolders(db, check, key, chunk.tuples);
        if (holders.length === 0) continue;
        const rows = [...chunk.rows, ...holders.map((holder) => holder.row)];
        await reader.prepare(collisionRequests(key, check.columns, rows));
        const collisions = findCollisions(key, check.columns, reader, chunk.rows, holders);
        found[index]!.total += collisions.length;
        if (found[index]!.collisions.length < LISTED_COLLISIONS) found[index]!.collisions.push(...collisions);
      }
    }
  }
  const deleted = await deletedHolders(check, found.flatMap(({ collisions }) => collisions));
  return check.keys.flatMap((key, index) => {
    const { collisions, total } = found[index]!;
    return total === 0 ? [] : [collisionDiagnostic(check.sync, check.table, key, check.columns, collisions, total, (collision) => deleted.has(collision.holder))];
  });
}

/** The planned rows in statements of bounded size, each with its `(…)` tuples. */
function* lookupChunks(key: WrittenUniqueKey, planned: readonly Row[], literals: UniqueCheck['literals']): Generator<{ rows: Row[]; tuples: string[] }> {
  let rows: Row[] = [];
  let tuples: string[] = [];
  let chars = 0;
  for (const row of planned) {
    const values = key.written.map((index) => literals[index]!(row[index]!));
    const tuple = values.length === 1 ? values[0]! : `(${values.join(', ')})`;
    rows.push(row);
    tuples.push(tuple);
    chars += tuple.length + 2;
    if (rows.length >= ROWS_PER_LOOKUP || chars >= CHARS_PER_LOOKUP) {
      yield { rows, tuples };
      rows = [];
      tuples = [];
      chars = 0;
    }
  }
  if (rows.length > 0) yield { rows, tuples };
}

async function readHolders(db: Db, check: UniqueCheck, key: WrittenUniqueKey, tuples: readonly string[]): Promise<UniqueHolder[]> {
  const { columns } = check;
  const primary = columns.flatMap((column, index) => (column.isKey ? [index] : []));
  // Primary key and written parts, read as the destination read reads them, in canonical form;
  // unwritten parts as text (only NULL matters, and the message shows them).
  const positions = [...new Set([...primary, ...key.written])];
  const select = positions.map((index) => selectExpression(columns[index]!));
  const target = key.written.length === 1 ? quoteId(columns[key.written[0]!]!.name) : `(${key.written.map((index) => quoteId(columns[index]!.name)).join(', ')})`;
  const sql = `SELECT ${[...select, ...key.unwritten.map(quoteId)].join(', ')} FROM ${quoteId(check.table)} WHERE ${target} IN (${tuples.join(', ')})`;
  const found = await db.query(sql, [], readOptionsFor(positions.map((index) => columns[index]!)));
  return found.map((values) => {
    const row: (string | null)[] = new Array<string | null>(columns.length).fill(null);
    positions.forEach((index, position) => (row[index] = canonicalRead(values[position] ?? null, columns[index]!)));
    return { row, unwritten: key.unwritten.map((_, position) => values[positions.length + position] ?? null) };
  });
}

/** The holders that the plan deletes (mirror): their rows go only after the writes that collide. */
async function deletedHolders(check: UniqueCheck, collisions: readonly UniqueCollision[]): Promise<Set<UniqueHolder>> {
  const deleted = new Set<UniqueHolder>();
  if (collisions.length === 0 || check.deletes.length === 0) return deleted;
  const reader = check.collations.reader();
  const keyOf = makeKeyOf(check.columns, reader);
  const holders = collisions.map((collision) => collision.holder);
  for (let start = 0; start < check.deletes.length; start += DELETES_PER_BATCH) {
    const batch = check.deletes.slice(start, start + DELETES_PER_BATCH);
    await reader.prepare(mergeRequests(keyRequests(check.columns, batch), keyRequests(check.columns, holders.map((holder) => holder.row))));
    const keys = new Set(batch.map(keyOf));
    for (const holder of holders) if (keys.has(keyOf(holder.row))) deleted.add(holder);
  }
  return deleted;
}
