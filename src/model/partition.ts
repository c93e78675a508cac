/**
 * Partitions of a sync (`--partition K/N`, issue 15), pure: a row belongs to partition K of N when
 * the first 32 bits of the MD5 of its key's text, modulo N, are K − 1. The same key lands in the
 * same partition on every machine and every run, whatever order the rows come in; the source
 * rows and the destination rows are split the same way, so a mirror's deletes stay inside.
 *
 * The key's text is the row key (mapping/row-key.ts) as text: an integer key its digits, a
 * composite key the JSON array of its parts, a collated text key its collation key (the server's
 * weights). The hash is spelled three times — here, in MySQL and in PostgreSQL — and they must agree
 * byte for byte; the SQL forms exist only for integer keys (whose text is their digits in every
 * database), where the destination server chooses the partition's rows itself, and a query source
 * sends only the partition's rows (mapping/partition-pushdown.ts).
 */
import { hash } from 'node:crypto';
import { quoteId } from './identifiers.js';
import { PssyncError } from './errors.js';

export interface Partition {
  /** K, from 1. */
  readonly index: number;
  /** N. */
  readonly count: number;
}

/** More would make the lock checks (apply/partition-locks.ts) long; a worker per partition rarely pays beyond. */
export const MAX_PARTITIONS = 64;

export function parsePartition(text: string): Partition {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || count < 1 || index > count || count > MAX_PARTITIONS) {
    throw new PssyncError('PSSYNC_E_USAGE', `--partition takes K/N with 1 ≤ K ≤ N ≤ ${MAX_PARTITIONS}, e.g. --partition 2/4 (it is ${JSON.stringify(text)})`);
  }
  return { index, count };
}

export function describePartition(partition: Partition): string {
  return `partition ${partition.index} of ${partition.count}`;
}

export function samePartition(a: Partition | undefined, b: Partition | undefined): boolean {
  return a?.index === b?.index && a?.count === b?.count;
}

/** The partition (from 0) of a key's text. */
export function slotOfText(text: string, count: number): number {
  if (count === 1) return 0;
  return Number.parseInt(hash('md5', text, 'hex').slice(0, 8), 16) % count;
}

/** The row key (mapping/row-key.ts) as the text that is hashed. */
export function slotOfKey(key: string | number, count: number): number {
  return slotOfText(typeof key === 'number' ? String(key) : key, count);
}

/**
 * The partition of a record whose key did not map (a missing or malformed key): by the key fields'
 * text as the source gave it, so exactly one worker reports the bad row. A key with a missing part
 * goes to the first partition, as the SQL filter's COALESCE puts it.
 */
export function slotOfRawKey(values: readonly unknown[], count: number): number {
  if (values.some((value) => value === null || value === undefined)) return 0;
  const texts = values.map((value) => String(value));
  return slotOfText(texts.length === 1 ? texts[0]! : JSON.stringify(texts), count);
}

/**
 * The WHERE term (MySQL, MariaDB, Vitess) that keeps partition K of N of rows keyed by these integer
 * columns (in key order). A NULL key part makes the hash NULL: COALESCE puts the row in the first
 * partition, where a bad row is reported (slotOfRawKey).
 */
export function partitionTermSql(integerKeyColumns: readonly string[], partition: Partition): string {
  // DECIMAL(20,0): a ZEROFILL column's text has no padding, an unsigned BIGINT all its digits.
  const texts = integerKeyColumns.map((name) => `CAST(${quoteId(name)} AS DECIMAL(20,0))`);
  // The JSON text of a composite key: ["1","2"] (digits never need escaping).
  const keyText = texts.length === 1 ? texts[0]! : `CONCAT('["', ${texts.join(`, '","', `)}, '"]')`;
  return `COALESCE(MOD(CONV(LEFT(MD5(${keyText}), 8), 16, 10), ${partition.count}), 0) = ${partition.index - 1}`;
}

/**
 * The same term in PostgreSQL's spelling, for a `postgres` source query whose key columns are
 * integers (their `::text` is their digits). `||` with a NULL part is NULL, as CONCAT is in MySQL.
 */
export function partitionTermPostgres(integerKeyColumns: readonly string[], partition: Partition): string {
  const texts = integerKeyColumns.map((name) => `(${quotePostgresId(name)})::text`);
  const keyText = texts.length === 1 ? texts[0]! : `'["' || ${texts.join(` || '","' || `)} || '"]'`;
  // 'x' || 8 hex digits read as bit(32), then as a bigint: the unsigned 32-bit number CONV gives.
  return `COALESCE(MOD(('x' || LEFT(MD5(${keyText}), 8))::bit(32)::bigint, ${partition.count}), 0) = ${partition.index - 1}`;
}

function quotePostgresId(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
