/**
 * The destination's side of the checksum-first diff (issue 13): row counts and hash sums of
 * key-range segments, computed by the server, and where they differ the rows' hashes, then the
 * rows themselves by key. Every query stays inside one key range of the primary key (an index
 * range), so it examines that range's rows, never the table's.
 */
import type { Db, SqlRow, SqlValue } from '../db/connection.js';
import { quoteId } from '../model/identifiers.js';
import { hashSumSql, rowHashSql, type ChecksumColumn, type RowHash } from '../model/row-checksum.js';
import type { Row } from '../model/row.js';
import type { KeyValues, RowHashEntry, Segment, SegmentChecksum, SegmentReader } from '../model/segment.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import type { Partition } from '../model/partition.js';
import { rangeTerms, readActualRows, readAhead, readOptionsFor, scopedTable, selectExpression, targetOrder, tupleParams, tuplePredicate, whereClause, type ScopedTable } from './actual-rows.js';

const HASH_COLUMN = 'pssync_row_hash';

/** A row hash read as its 8 bytes (a byte string: one character per byte). */
function bytesHash(bytes: string): RowHash {
  const at = (index: number) => bytes.charCodeAt(index);
  return { high: ((at(0) << 24) | (at(1) << 16) | (at(2) << 8) | at(3)) >>> 0, low: ((at(4) << 24) | (at(5) << 16) | (at(6) << 8) | at(7)) >>> 0 };
}

/** Rows per page of row hashes (about 40 bytes each): a few round trips per 100,000 rows. */
const HASH_PAGE_ROWS = 20_000;

/** A row's part under `cuts` (see PartFilter), and the parameters it takes. */
function partSql(scoped: ScopedTable, cuts: readonly KeyValues[]): { sql: string; params: SqlValue[] } {
  if (cuts.length === 0) return { sql: '0', params: [] };
  const params: SqlValue[] = [];
  const whens = cuts.map((cut, index) => {
    params.push(...tupleParams(scoped.keyParams(cut)));
    return `WHEN ${tuplePredicate(scoped.keys, scoped.placeholders, '<')} THEN ${index}`;
  });
  return { sql: `CASE ${whens.join(' ')} ELSE ${cuts.length} END`, params };
}

/** A segment inside the sync's scope (after a key, for the next page): its WHERE clause and parameters. */
function segmentWhere(scoped: ScopedTable, segment: Segment, after?: KeyValues): { sql: string; params: SqlValue[] } {
  const { terms, params } = rangeTerms(scoped, segment.range, after);
  for (const filter of segment.filters) {
    const part = partSql(scoped, filter.cuts);
    terms.push(`${part.sql} IN (${filter.parts.join(', ')})`);
    params.push(...part.params);
  }
  return { sql: whereClause(terms), params };
}

/** `partition`: only its rows (integer keys only: see scopedTable). */
export function segmentReader(db: Db, table: string, columns: readonly TargetColumn[], compared: readonly ChecksumColumn[], partition?: Partition): SegmentReader {
  const scoped = scopedTable(table, columns, partition);
  const from = ` FROM ${quoteId(table)}`;
  const keyList = scoped.keys.map(quoteId).join(', ');
  const keyColumns = columns.filter((column) => column.isKey);
  const keyReadOptions = readOptionsFor(keyColumns);
  const hashReadOptions = { ...keyReadOptions, byteColumns: new Set([...(keyReadOptions.byteColumns ?? []), HASH_COLUMN]) };
  const present = scoped.present;
  const toTargetOrder = targetOrder(columns, present);

  const parts = async (segment: Segment, cuts: readonly KeyValues[]): Promise<SegmentChecksum[]> => {
    const where = segmentWhere(scoped, segment);
    const part = partSql(scoped, cuts);
    // GROUP BY takes a column before an alias of the same name: the alias must not be a column's (`part` was).
    const sql = `SELECT ${part.sql} AS pssync_part, COUNT(*), ${hashSumSql(compared)}${from}${where.sql} GROUP BY pssync_part`;
    const rows = await db.query(sql, [...part.params, ...where.params]);
    const result: SegmentChecksum[] = Array.from({ length: cuts.length + 1 }, () => ({ count: 0, sum: 0n }));
    for (const [index, count, sum] of rows) result[Number(index)] = { count: Number(count), sum: BigInt(String(sum ?? '0').split('.')[0]!) };
    return result;
  };

  const marks = async (start: KeyValues | undefined, rows: number, step: number): Promise<Row[]> => {
    const { terms, params } = rangeTerms(scoped, start ? { from: start } : {});
    // Numbered inside a page of the next rows (LIMIT): the server reads that many index entries.
    const page = `SELECT ${keyList}${from}${whereClause(terms)} ORDER BY ${keyList} LIMIT ${rows + 1}`;
    const numbered = `SELECT ${keyList}, ROW_NUMBER() OVER (ORDER BY ${keyList}) AS pssync_row FROM (${page}) AS pssync_page`;
    const sql = `SELECT ${keyList} FROM (${numbered}) AS pssync_numbered WHERE MOD(pssync_row - 1, ${step}) = 0 ORDER BY pssync_row`;
    return (await db.query(sql, params, keyReadOptions)) as Row[];
  };

  async function* rowHashes(segment: Segment): AsyncGenerator<RowHashEntry[]> {
    const keyCount = keyColumns.length;
    const fetch = (after: KeyValues | undefined) => {
      const where = segmentWhere(scoped, segment, after);
      // The 64 bits as 8 bytes, not 16 hex digits: a third fewer bytes per row on the wire.
      const sql = `SELECT ${keyColumns.map(selectExpression).join(', ')}, UNHEX(${rowHashSql(compared)}) AS ${HASH_COLUMN}${from}${where.sql} ORDER BY ${keyList} LIMIT ${HASH_PAGE_ROWS}`;
      return db.query(sql, where.params, hashReadOptions);
    };
    // The server computes the next page's hashes while this one is matched.
    for await (const rows of readAhead(fetch, HASH_PAGE_ROWS, (last) => last.slice(0, keyCount))) {
      yield rows.map((row) => ({ key: row.slice(0, keyCount) as Row, hash: bytesHash(row[keyCount] ?? '') }));
    }
  }

  const rowsByKeys = async (keys: readonly Row[]): Promise<Row[]> => {
    if (keys.length === 0) return [];
    const params: SqlValue[] = [...scoped.scopeParams];
    for (const key of keys) params.push(...scoped.keyParams(key));
    // One key column: IN (…); several: an OR of equalities, the form every server turns into index lookups.
    const one = `(${scoped.keys.map((key, index) => `${quoteId(key)} = ${scoped.placeholders[index]}`).join(' AND ')})`;
    const match = scoped.keys.length === 1 ? `${quoteId(scoped.keys[0]!)} IN (${keys.map(() => scoped.placeholders[0]).join(', ')})` : `(${keys.map(() => one).join(' OR ')})`;
    const sql = `SELECT ${present.map(selectExpression).join(', ')}${from}${whereClause([...scoped.scopeSql, match])} ORDER BY ${keyList}`;
    const rows: SqlRow[] = await db.query(sql, params, readOptionsFor(present));
    return toTargetOrder(rows);
  };

  return { marks, parts, rowHashes, rowsByKeys, allRows: () => readActualRows(db, { table, columns, ...(partition ? { partition } : {}) }) };
}
