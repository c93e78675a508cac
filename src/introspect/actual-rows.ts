/**
 * Streams the destination rows inside a sync's scope, keyset-paginated in primary-key order
 * (never OFFSET, never one giant result set). Columns the table does not have yet read as NULL.
 */
import type { Db, QueryOptions, SqlRow, SqlValue } from '../db/connection.js';
import { bytesOf } from '../model/byte-string.js';
import { quoteId } from '../model/identifiers.js';
import { isBinaryFamily, isCharacterFamily } from '../model/column-type.js';
import type { Row } from '../model/row.js';
import type { KeyRange, KeyValues } from '../model/segment.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import { integerKeyColumns } from '../mapping/row-key.js';
import { partitionTermSql, type Partition } from '../model/partition.js';

/** Rows per keyset page: small enough that a page waiting for its source rows stays cheap (issue 7). */
export const READ_PAGE_ROWS = 5_000;

/**
 * `(k1, k2) op (?, ?)` spelled out so every server uses the index range: '<' and '>' compare
 * strictly, '>=' lets the last key part be equal. `placeholders` stand for the values
 * (placeholderFor); tupleParams lays the values out.
 */
export function tuplePredicate(keys: readonly string[], placeholders: readonly string[], op: '<' | '>' | '>='): string {
  const strict = op === '>=' ? '>' : op;
  const terms = keys.map((key, index) => {
    const equal = keys.slice(0, index).map((earlier, position) => `${quoteId(earlier)} = ${placeholders[position]}`);
    const last = index === keys.length - 1 ? op : strict;
    return `(${[...equal, `${quoteId(key)} ${last} ${placeholders[index]}`].join(' AND ')})`;
  });
  return `(${terms.join(' OR ')})`;
}

export function tupleParams(values: readonly SqlValue[]): SqlValue[] {
  return values.flatMap((_, index) => values.slice(0, index + 1));
}

/**
 * Where a key value goes in SQL. A DECIMAL compared with a string constant is compared as a
 * double (the server may then scan, and 0.1000…01 equals 0.1000…02): the constant is cast to the
 * column's type, which is exact. Integers go as numbers (keysetValue), the rest as strings.
 */
export function placeholderFor(column: TargetColumn): string {
  const type = column.live?.type ?? column.type;
  if (type.family === 'decimal') return `CAST(? AS DECIMAL(${type.precision ?? 10}, ${type.scale ?? 0}))`;
  return '?';
}

/**
 * A key value as the keyset predicate must compare it: in the order ORDER BY pages in. ORDER BY
 * sorts ENUM and SET by their numbers (member index, bit set) and BIT as a number, while a string
 * constant would compare them as text; so those go back as numbers.
 */
export function keysetValue(column: TargetColumn): (value: string | null) => SqlValue {
  const type = column.live?.type ?? column.type;
  if (type.family === 'enum') {
    const members = new Map((type.values ?? []).map((member, index) => [member, index + 1]));
    return (value) => (value === null ? null : (members.get(value) ?? 0));
  }
  if (type.family === 'set') {
    const bits = new Map((type.values ?? []).map((member, index) => [member, 1n << BigInt(index)]));
    return (value) => (value === null ? null : value === '' ? 0n : value.split(',').reduce((sum, member) => sum | (bits.get(member) ?? 0n), 0n));
  }
  if (type.family === 'bit') return (value) => (value === null ? null : BigInt(value));
  if (type.family === 'integer') return (value) => (value === null ? null : /^-?\d+$/.test(value) ? BigInt(value) : value);
  if (isBinaryFamily(type.family)) return (value) => (value === null ? null : bytesOf(value));
  return (value) => value;
}

/** How the destination's columns are read back: character data decoded by the driver, bytes as byte strings. */
export function readOptionsFor(columns: readonly TargetColumn[]): QueryOptions {
  const familyOf = (column: TargetColumn) => column.live?.type?.family ?? column.type.family;
  return {
    textColumns: new Set(columns.filter((column) => isCharacterFamily(familyOf(column))).map((column) => column.name)),
    byteColumns: new Set(columns.filter((column) => isBinaryFamily(familyOf(column))).map((column) => column.name)),
  };
}

/** MariaDB prints FLOAT with 6 significant digits; `+ 0` reads the exact value as a double. */
export function selectExpression(column: TargetColumn): string {
  return column.type.family === 'float' ? `${quoteId(column.name)} + 0` : quoteId(column.name);
}

export interface ActualRowsQuery {
  readonly table: string;
  readonly columns: readonly TargetColumn[];
  readonly pageRows?: number;
  readonly partition?: Partition;
}

/** A sync's rows in the destination: its table, its scope, its key (in key order), its present columns. */
export interface ScopedTable {
  readonly table: string;
  /** Key column names, in key order. */
  readonly keys: readonly string[];
  /** Each key value as the keyset compares it (keysetValue). */
  readonly keyParams: (keyValues: readonly (string | null)[]) => SqlValue[];
  /** Where each key value goes in SQL (placeholderFor). */
  readonly placeholders: readonly string[];
  /** The scope (constant columns) as SQL, and its parameters; empty when the sync has none. */
  readonly scopeSql: readonly string[];
  readonly scopeParams: readonly SqlValue[];
  /** Columns the table has, in target-column order. */
  readonly present: readonly TargetColumn[];
}

/**
 * `partition`: only that partition's rows, chosen by the server — for integer keys only; other
 * keys' partitions are chosen by the client (compare-rows.ts), from every row read.
 */
export function scopedTable(table: string, columns: readonly TargetColumn[], partition?: Partition): ScopedTable {
  const keyColumns = columns.filter((column) => column.isKey);
  const keysetValues = keyColumns.map(keysetValue);
  const scope = columns.filter((column) => column.origin.kind === 'constant');
  const integerKeys = partition && partition.count > 1 ? integerKeyColumns(columns) : undefined;
  const partitionSql = integerKeys ? [partitionTermSql(integerKeys, partition!)] : [];
  return {
    table,
    keys: keyColumns.map((column) => column.name),
    keyParams: (keyValues) => keyValues.map((value, index) => keysetValues[index]!(value)),
    placeholders: keyColumns.map(placeholderFor),
    scopeSql: [...scope.map((column) => `${quoteId(column.name)} = ${placeholderFor(column)}`), ...partitionSql],
    // The constant's canonical value (target-columns.ts), compared as the keyset compares its column.
    scopeParams: scope.map((column) => keysetValue(column)(column.origin.kind === 'constant' ? column.origin.value : null)),
    present: columns.filter((column) => column.live),
  };
}

/** A key range inside the sync's scope: its WHERE terms and their parameters. */
export function rangeTerms(scoped: ScopedTable, range: KeyRange, after?: KeyValues): { terms: string[]; params: SqlValue[] } {
  const terms = [...scoped.scopeSql];
  const params: SqlValue[] = [...scoped.scopeParams];
  const bound = (values: KeyValues, op: '<' | '>' | '>=') => {
    terms.push(tuplePredicate(scoped.keys, scoped.placeholders, op));
    params.push(...tupleParams(scoped.keyParams(values)));
  };
  if (after) bound(after, '>');
  else if (range.from) bound(range.from, '>=');
  if (range.to) bound(range.to, '<');
  return { terms, params };
}

export function whereClause(terms: readonly string[]): string {
  return terms.length ? ` WHERE ${terms.join(' AND ')}` : '';
}

export async function* readActualRows(db: Db, query: ActualRowsQuery): AsyncGenerator<Row[]> {
  const scoped = scopedTable(query.table, query.columns, query.partition);
  const { present, keys } = scoped;
  const keyPositions = keys.map((key) => present.findIndex((column) => column.name === key));
  const select = `SELECT ${present.map(selectExpression).join(', ')} FROM ${quoteId(query.table)}`;
  const readOptions = readOptionsFor(present);
  const order = ` ORDER BY ${keys.map(quoteId).join(', ')} LIMIT ${query.pageRows ?? READ_PAGE_ROWS}`;
  const toTargetOrder = targetOrder(query.columns, present);
  const pageRows = query.pageRows ?? READ_PAGE_ROWS;
  const fetch = (after: KeyValues | undefined): Promise<SqlRow[]> => {
    const { terms, params } = rangeTerms(scoped, {}, after);
    return db.query(`${select}${whereClause(terms)}${order}`, params, readOptions);
  };
  const lastKey = (last: SqlRow): KeyValues => keyPositions.map((position) => last[position] ?? null);
  for await (const page of readAhead(fetch, pageRows, lastKey)) yield toTargetOrder(page);
}

/**
 * Keyset pages, read ahead (issue 7): the next page is asked for as soon as one arrives, so the
 * server prepares it while this one is used. `fetch(after)` reads the page after a key (the first
 * page without one); a page shorter than `pageRows` is the last.
 */
export async function* readAhead<Key>(fetch: (after: Key | undefined) => Promise<SqlRow[]>, pageRows: number, keyOf: (last: SqlRow) => Key): AsyncGenerator<SqlRow[]> {
  let pending: Promise<SqlRow[]> | undefined = fetch(undefined);
  while (pending) {
    const page: SqlRow[] = await pending;
    if (page.length === 0) return;
    pending = page.length < pageRows ? undefined : fetch(keyOf(page[page.length - 1]!));
    pending?.catch(() => undefined); // awaited on the next turn; an error surfaces there
    yield page;
  }
}

/** Maps page rows (present columns) to target-column order, NULL for columns still to be added. */
export function targetOrder(columns: readonly TargetColumn[], present: readonly TargetColumn[]): (page: SqlRow[]) => Row[] {
  const positions = columns.map((column) => present.indexOf(column));
  if (positions.every((position, index) => position === index)) return (page) => page;
  return (page) => page.map((row) => positions.map((position) => (position < 0 ? null : (row[position] ?? null))));
}
