/**
 * Unique keys besides the primary key, as a sync's writes meet them (pure). An INSERT … ON
 * DUPLICATE KEY UPDATE that hits any unique key updates the row holding it, so a write whose
 * unique values another row holds would silently overwrite that row. This finds the keys a sync
 * can collide on, the tables pssync must refuse (prefix keys, keys over expressions, generated
 * columns written to), two source rows sharing unique values, and collisions with destination rows
 * (the rows are looked up by introspect/unique-holders.ts).
 */
import type { SyncConfig } from '../manifest/types.js';
import { atSync, type Diagnostic } from '../model/diagnostic.js';
import type { Row } from '../model/row.js';
import { findColumn, type TableSpec, type UniqueKey } from '../model/table.js';
import type { CollationKeys } from './collation.js';
import { LargeMap } from './large-map.js';
import { keyRequests, makeKeyOf, type RowKey } from './row-key.js';
import type { TargetColumn } from './target-columns.js';

export interface WrittenUniqueKey {
  readonly name: string;
  /** The sync's target columns with `isKey` marking this key's written parts (what makeKeyOf keys). */
  readonly columns: readonly TargetColumn[];
  /** Positions (in the target columns) of the parts the sync writes, in index order. */
  readonly written: readonly number[];
  /**
   * Parts the sync does not write, by column name: a written row keeps its own value there (or
   * gets the column's default), which pssync does not know, so collisions are judged on the
   * written parts alone (a row holding NULL there collides with nothing).
   */
  readonly unwritten: readonly string[];
}

/** The column at a part, as a position in the target columns (-1: not written), case-insensitively. */
function positionOf(columns: readonly TargetColumn[], name: string): number {
  const lower = name.toLowerCase();
  return columns.findIndex((column) => column.name.toLowerCase() === lower);
}

/** Whether a generated column's expression names one of these columns (I_S prints them backquoted). */
function readsColumns(expression: string, columns: readonly TargetColumn[]): boolean {
  const lower = expression.toLowerCase();
  return columns.some((column) => lower.includes(`\`${column.name.toLowerCase().replace(/`/g, '``')}\``));
}

/**
 * The unique keys a sync's writes can collide on. Skipped: keys the sync writes no part of (its
 * inserts give them defaults, its updates leave them alone), keys holding the whole primary key
 * (rows with different primary keys never share them), and keys `tableKeyProblems` refuses.
 */
export function writtenUniqueKeys(live: TableSpec | undefined, columns: readonly TargetColumn[]): WrittenUniqueKey[] {
  if (!live?.uniqueKeys) return [];
  const keyPositions = columns.flatMap((column, index) => (column.isKey ? [index] : []));
  return live.uniqueKeys.flatMap((key): WrittenUniqueKey[] => {
    if (uniqueKeyProblem(key, live, columns)) return [];
    const written: number[] = [];
    const unwritten: string[] = [];
    for (const part of key.parts) {
      const position = positionOf(columns, part.column!);
      if (position >= 0) written.push(position);
      else unwritten.push(findColumn(live, part.column!)?.name ?? part.column!);
    }
    if (written.length === 0) return [];
    const whole = new Set(key.parts.filter((part) => part.prefix === undefined).map((part) => positionOf(columns, part.column!)));
    if (keyPositions.length > 0 && keyPositions.every((position) => whole.has(position))) return [];
    const parts = new Set(written);
    return [{ name: key.name, columns: columns.map((column, index) => ({ ...column, isKey: parts.has(index) })), written, unwritten }];
  });
}

/** Why pssync cannot tell which rows this unique key makes equal, when it cannot. */
function uniqueKeyProblem(key: UniqueKey, live: TableSpec, columns: readonly TargetColumn[]): string | undefined {
  for (const part of key.parts) {
    if (part.column === undefined) return 'indexes an expression, whose values pssync cannot compute';
    const position = positionOf(columns, part.column);
    if (position >= 0 && part.prefix !== undefined) {
      return `indexes only a prefix of column \`${columns[position]!.name}\` (${columns[position]!.name}(${part.prefix})), so values equal in their first ${part.prefix} characters are one to the database but two to pssync`;
    }
    const generated = findColumn(live, part.column)?.generated;
    if (position < 0 && generated && readsColumns(generated.expression, columns)) {
      return `indexes generated column \`${part.column}\` (${generated.expression}), computed from columns this sync writes, whose values pssync cannot compute`;
    }
  }
  return undefined;
}

/**
 * Refusals before any row is read: a field mapped onto a generated column (the server refuses the
 * write: 1906), a primary key indexing a prefix of a column, unique keys pssync cannot check.
 */
export function tableKeyProblems(sync: SyncConfig, columns: readonly TargetColumn[], live: TableSpec | undefined): Diagnostic[] {
  if (!live) return [];
  const where = atSync(sync);
  if (live.view) {
    // Writes through a view land in its base table (mode insert), or fail for want of a key.
    const message = `\`${live.name}\` is a view, not a table: pssync writes base tables only and reads their keys; sync into the table the view reads from, or give the sync another table name`;
    return [{ ...where, code: 'PSSYNC_E_NOT_A_TABLE', severity: 'error', message }];
  }
  const problems: Diagnostic[] = [];
  for (const column of columns) {
    if (!column.live?.generated) continue;
    const what = column.origin.kind === 'field' ? `field \`${column.origin.from}\` is mapped onto` : 'the sync sets';
    problems.push({
      ...where,
      code: 'PSSYNC_E_GENERATED_COLUMN',
      severity: 'error',
      message: `${what} column \`${column.name}\` of table \`${live.name}\`, a generated column (AS (${column.live.generated.expression})): the server computes its values and refuses writes to it; remove it from the sync`,
    });
  }
  for (const part of live.primaryKeyParts ?? []) {
    if (part.prefix === undefined || part.column === undefined) continue;
    problems.push({
      ...where,
      code: 'PSSYNC_E_PRIMARY_KEY',
      severity: 'error',
      message: `the primary key of table \`${live.name}\` indexes only a prefix of column \`${part.column}\` (${part.column}(${part.prefix})): keys equal in their first ${part.prefix} characters are one row to the database but two to pssync, which matches rows by whole values; use a table whose primary key indexes whole columns`,
    });
  }
  for (const key of live.uniqueKeys ?? []) {
    const problem = uniqueKeyProblem(key, live, columns);
    if (!problem) continue;
    problems.push({
      ...where,
      code: 'PSSYNC_E_UNIQUE_KEY',
      severity: 'error',
      message: `unique key \`${key.name}\` of table \`${live.name}\` ${problem}: pssync cannot tell whether a write would collide with another row (INSERT … ON DUPLICATE KEY UPDATE would overwrite it); drop the key or index whole columns`,
    });
  }
  return problems;
}

/** Merges collation requests (keyRequests) of several column sets: one `prepare` covers them all. */
export function mergeRequests(...all: ReadonlyMap<string, readonly string[]>[]): Map<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const requests of all) {
    for (const [collation, texts] of requests) {
      const list = merged.get(collation);
      if (list) list.push(...texts);
      else merged.set(collation, [...texts]);
    }
  }
  return merged;
}

/** Whether a row has a value in every written part (a NULL part never collides). */
export function hasUniqueValues(key: WrittenUniqueKey, row: Row): boolean {
  return key.written.every((index) => row[index] !== null && row[index] !== undefined);
}

/** `name="x", n=3`: the values of these columns of a row. */
export function describeValues(columns: readonly TargetColumn[], row: Row, positions: readonly number[]): string {
  return positions.map((index) => `${columns[index]!.name}=${describeValue(columns[index]!, row[index] ?? null)}`).join(', ');
}

function describeValue(column: TargetColumn, value: string | null): string {
  if (value === null) return 'NULL';
  return (column.type.family === 'integer' || column.type.family === 'decimal') && /^-?[0-9.]+$/.test(value) ? value : JSON.stringify(value);
}

const keyPositions = (columns: readonly TargetColumn[]) => columns.flatMap((column, index) => (column.isKey ? [index] : []));

/**
 * Source rows sharing the values of a unique key that the sync writes whole (two such rows would
 * overwrite each other): the later one is a bad row, like a duplicate primary key. Keeps one entry
 * (the line) per distinct value.
 */
export class UniqueValueIndex {
  private readonly keys: readonly { readonly key: WrittenUniqueKey; readonly keyOf: (row: Row) => RowKey; readonly seen: LargeMap<RowKey, number> }[];
  private readonly primary: readonly number[];

  /** `columns`: the sync's target columns (their `isKey` marks the primary key). */
  constructor(
    private readonly columns: readonly TargetColumn[],
    keys: readonly WrittenUniqueKey[],
    collationKeys: CollationKeys,
  ) {
    this.keys = keys.filter((key) => key.unwritten.length === 0).map((key) => ({ key, keyOf: makeKeyOf(key.columns, collationKeys), seen: new LargeMap<RowKey, number>() }));
    this.primary = keyPositions(columns);
  }

  get empty(): boolean {
    return this.keys.length === 0;
  }

  /** What `CollationKeys.prepare` needs for these rows' unique values. */
  requests(rows: readonly Row[]): Map<string, string[]> {
    return mergeRequests(...this.keys.map(({ key }) => keyRequests(key.columns, rows)));
  }

  /** Why the row is refused (an earlier row holds its unique values), else records its values. */
  add(values: Row, line: number): string | undefined {
    const keyed = this.keys.filter(({ key }) => hasUniqueValues(key, values)).map((entry) => ({ ...entry, value: entry.keyOf(values) }));
    for (const { key, seen, value } of keyed) {
      const earlier = seen.get(value);
      if (earlier === undefined) continue;
      return `unique key \`${key.name}\` (${describeValues(this.columns, values, key.written)}): the same value as line ${earlier} (as the destination compares it); the two rows (this one: ${describeValues(this.columns, values, this.primary)}) would overwrite each other`;
    }
    for (const { seen, value } of keyed) seen.set(value, line);
    return undefined;
  }
}

/** A destination row holding a unique key's values: its primary key and written parts (target order). */
export interface UniqueHolder {
  readonly row: Row;
  /** Its values of the key's unwritten parts, in `key.unwritten` order. */
  readonly unwritten: readonly (string | null)[];
}

export interface UniqueCollision {
  /** The planned insert or update. */
  readonly planned: Row;
  readonly holder: UniqueHolder;
}

/** The holder rows, and planned rows, whose collation keys `find` needs prepared. */
export function collisionRequests(key: WrittenUniqueKey, columns: readonly TargetColumn[], rows: readonly Row[]): Map<string, string[]> {
  return mergeRequests(keyRequests(key.columns, rows), keyRequests(columns, rows));
}

/**
 * Planned rows whose unique values a destination row with another primary key holds (keys
 * prepared for both). A holder with NULL in an unwritten part collides with nothing.
 */
export function findCollisions(
  key: WrittenUniqueKey,
  columns: readonly TargetColumn[],
  collationKeys: CollationKeys,
  planned: readonly Row[],
  holders: readonly UniqueHolder[],
): UniqueCollision[] {
  const uniqueOf = makeKeyOf(key.columns, collationKeys);
  const primaryOf = makeKeyOf(columns, collationKeys);
  const byValue = new Map<RowKey, { holder: UniqueHolder; primary: RowKey }[]>();
  for (const holder of holders) {
    if (holder.unwritten.some((value) => value === null)) continue;
    const value = uniqueOf(holder.row);
    const list = byValue.get(value) ?? [];
    list.push({ holder, primary: primaryOf(holder.row) });
    byValue.set(value, list);
  }
  const collisions: UniqueCollision[] = [];
  for (const row of planned) {
    const primary = primaryOf(row);
    for (const { holder, primary: other } of byValue.get(uniqueOf(row)) ?? []) {
      if (other !== primary) collisions.push({ planned: row, holder });
    }
  }
  return collisions;
}

/** How many collisions a message lists. */
export const LISTED_COLLISIONS = 5;

/** The plan error for a unique key's collisions; `deleted`: whether the plan deletes each holder. */
export function collisionDiagnostic(
  sync: SyncConfig,
  table: string,
  key: WrittenUniqueKey,
  columns: readonly TargetColumn[],
  collisions: readonly UniqueCollision[],
  total: number,
  deleted: (collision: UniqueCollision) => boolean,
): Diagnostic {
  const primary = keyPositions(columns);
  const listed = collisions.slice(0, LISTED_COLLISIONS).map((collision) => {
    const other = describeValues(columns, collision.holder.row, primary);
    const unwritten = key.unwritten.length
      ? ` (and ${key.unwritten.map((name, index) => `${name}=${JSON.stringify(collision.holder.unwritten[index])}`).join(', ')}, which the sync does not write: the written row keeps its own value there or gets the default, so it may collide)`
      : '';
    const deletes = deleted(collision) ? `; row ${other} is deleted by this plan, but deletes run after inserts and updates` : '';
    return `row ${describeValues(columns, collision.planned, primary)} would take ${describeValues(columns, collision.planned, key.written)}, which row ${other} holds${unwritten}${deletes}`;
  });
  const more = total > listed.length ? `; and ${total - listed.length} more` : '';
  return {
    ...atSync(sync),
    code: 'PSSYNC_E_UNIQUE_KEY',
    severity: 'error',
    message: `unique key \`${key.name}\` of table \`${table}\`: ${listed.join('; ')}${more}. INSERT … ON DUPLICATE KEY UPDATE would overwrite the other row; change the source or the destination so that no two rows share the key (to move a value from one row to another, apply in two steps: first the row that gives it up, then the one that takes it)`,
  };
}

/** A sync's planned writes, for the check across the syncs of one table. */
export interface SyncWrites {
  readonly name: string;
  readonly columns: readonly TargetColumn[];
  readonly keys: readonly WrittenUniqueKey[];
  /** Its inserts and updates, in batches (read once). */
  readonly writes: () => AsyncIterable<readonly Row[]>;
}

/**
 * Syncs sharing a table (scopes, audiences) are planned one by one, each against the table as it
 * is, so none sees what the others will write: two of them writing the same values of a unique key
 * (that both write whole) would overwrite each other's rows. Per sync, the errors naming the
 * other sync; `collationKeys` is prepared batch by batch.
 */
export async function sharedUniqueCollisions(syncs: readonly SyncWrites[], table: string, collationKeys: CollationKeys): Promise<Map<string, string[]>> {
  const problems = new Map<string, string[]>();
  const names = new Set(syncs.flatMap((sync) => sync.keys.filter((key) => key.unwritten.length === 0).map((key) => key.name)));
  for (const name of names) {
    const owners = new LargeMap<RowKey, string>();
    for (const sync of syncs) {
      const key = sync.keys.find((candidate) => candidate.name === name && candidate.unwritten.length === 0);
      if (!key) continue;
      const keyOf = makeKeyOf(key.columns, collationKeys);
      const listed: string[] = [];
      let total = 0;
      let first: string | undefined;
      for await (const batch of sync.writes()) {
        const rows = batch.filter((row) => hasUniqueValues(key, row));
        await collationKeys.prepare(keyRequests(key.columns, rows));
        for (const row of rows) {
          const value = keyOf(row);
          const other = owners.get(value);
          if (other === undefined || other === sync.name) {
            owners.set(value, sync.name);
            continue;
          }
          total += 1;
          first ??= other;
          if (listed.length < LISTED_COLLISIONS) listed.push(`${describeValues(sync.columns, row, key.written)} (row ${describeValues(sync.columns, row, keyPositions(sync.columns))})`);
        }
      }
      if (total === 0) continue;
      const more = total > listed.length ? `, and ${total - listed.length} more` : '';
      const message = `unique key \`${name}\` of table \`${table}\`: this sync writes ${listed.join('; ')}${more}, which sync "${first}" writes too; the second write would overwrite the first one's row (INSERT … ON DUPLICATE KEY UPDATE). Syncs sharing a table must not share values of its unique keys`;
      problems.set(sync.name, [...(problems.get(sync.name) ?? []), message]);
    }
  }
  return problems;
}
