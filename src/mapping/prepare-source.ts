/**
 * The first step of every sync, shared by `plan` and the offline `validate`: open the source, read
 * its header (a CSV header row, a Parquet schema, a query's columns) or else its first record
 * (field names, when the manifest declares no `fields`), resolve the target columns, and find the
 * problems that stop a sync before any row is read — with or without rows after the header.
 */
import type { Dialect } from '../dialect/dialect.js';
import type { FieldMapping, SourceConfig, SyncConfig } from '../manifest/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Partition } from '../model/partition.js';
import { partitionedQuerySource } from './partition-pushdown.js';
import type { TableSpec } from '../model/table.js';
import { duplicateColumnDiagnostics, missingFieldDiagnostics, noFieldsDiagnostics } from './source-diagnostics.js';
import { constantDiagnostics, fieldMappingsOf, keyColumnsOf, resolveTargetColumns, type TargetColumn } from './target-columns.js';
import { readSource } from '../source/open-source.js';
import { peek, type Peeked } from '../source/peek.js';
import type { SourceHeader, SourceRow } from '../source/source.js';

export interface PreparedSource {
  /** The source's records, the first one already read. Close it when they will not be read. */
  readonly records: Peeked<SourceRow>;
  readonly fields: readonly FieldMapping[];
  readonly columns: readonly TargetColumn[];
  /** Constants the columns cannot hold, mapped fields the source lacks, no fields at all, two columns MySQL takes as one. */
  readonly diagnostics: readonly Diagnostic[];
  /** The source query sends only the partition's rows (mapping/partition-pushdown.ts). */
  readonly filteredBySource: boolean;
}

/** What the columns are resolved against: the live table (none offline or before it exists). */
export interface PrepareTarget {
  readonly live: TableSpec | undefined;
  /** No database to ask (`validate`): the table may exist, so an empty source is not an error. */
  readonly offline?: boolean;
  readonly dialect: Dialect;
  readonly defaultCollation: string | undefined;
  /** A partitioned plan: a query source is asked for the partition's rows only, where it can be. */
  readonly partition?: Partition;
}

/** Throws SourceError when the source cannot be opened or its first record read. */
export async function prepareSource(sync: SyncConfig, source: SourceConfig, target: PrepareTarget): Promise<PreparedSource> {
  // A reader tells its header before its first record is read (or the end is found).
  const seen: { header?: SourceHeader } = {};
  const columnsFor = (fields: readonly FieldMapping[]) => resolveTargetColumns(sync, fields, target.live, target.dialect, target.defaultCollation);
  const filtered = target.partition && target.partition.count > 1 ? await partitionedQuerySource(source, target.partition, (names) => columnsFor(fieldMappingsOf(sync, names))) : undefined;
  const records = await peek(readSource(filtered ?? source, { onHeader: (header) => (seen.header = header) }));
  const header = seen.header ?? (records.first ? { names: Object.keys(records.first.fields), line: records.first.line } : undefined);
  // Without `fields` the header names them; a source without either still names its key (for deletes).
  const sourceFields = header ? header.names : target.live || target.offline ? keyColumnsOf(sync) : [];
  const fields = fieldMappingsOf(sync, sourceFields);
  const columns = columnsFor(fields);
  const diagnostics = [
    ...constantDiagnostics(sync, columns),
    ...missingFieldDiagnostics(sync, source, fields, seen.header),
    ...noFieldsDiagnostics(sync, fields),
    ...duplicateColumnDiagnostics(sync, source, columns, header),
  ];
  return { records, fields, columns, diagnostics, filteredBySource: filtered !== undefined };
}
