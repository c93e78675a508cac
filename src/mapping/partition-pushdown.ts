/**
 * A partition's filter pushed into a `mysql` or `postgres` source query (issue 15), so each worker's
 * source sends about 1/N of the rows instead of all of them. Only where the source computes the
 * same hash as the client for every row: each key column maps, untransformed, from a source column
 * of an integer type onto an integer column (model/partition.ts). The collector still checks every
 * record (mapping/desired-rows.ts): the query only spares the rows it would have skipped.
 */
import type { SourceConfig } from '../manifest/types.js';
import { partitionTermPostgres, partitionTermSql, type Partition } from '../model/partition.js';
import { describeQuerySource } from '../source/open-source.js';
import { filteredQuery, type QueryColumn } from '../source/query-shape.js';
import { integerKeyColumns } from './row-key.js';
import type { TargetColumn } from './target-columns.js';

/**
 * The source with the partition filter in its query, or undefined when it cannot be pushed down
 * (a file source, a key that is not an integer on both sides, a transformed key, a query the
 * describe cannot wrap): then the worker reads the whole source.
 */
export async function partitionedQuerySource(source: SourceConfig, partition: Partition, columnsOf: (names: readonly string[]) => readonly TargetColumn[]): Promise<SourceConfig | undefined> {
  if (source.kind !== 'mysql' && source.kind !== 'postgres') return undefined;
  const described = await describeQuerySource(source);
  if (!described) return undefined;
  const keyFields = integerSourceKey(columnsOf(described.map((column) => column.name)), described);
  if (!keyFields) return undefined;
  const term = source.kind === 'mysql' ? partitionTermSql(keyFields, partition) : partitionTermPostgres(keyFields, partition);
  return { ...source, query: filteredQuery(source.query, term) };
}

/** The source columns the key is read from, in key order, when each is an integer column mapped as is. */
export function integerSourceKey(columns: readonly TargetColumn[], described: readonly QueryColumn[]): string[] | undefined {
  const keys = integerKeyColumns(columns);
  if (!keys) return undefined;
  const fields: string[] = [];
  for (const key of keys) {
    const origin = columns.find((column) => column.name === key)?.origin;
    if (origin?.kind !== 'field' || origin.transforms.length > 0) return undefined;
    if (!described.some((column) => column.name === origin.from && column.integer)) return undefined;
    fields.push(origin.from);
  }
  return fields;
}

