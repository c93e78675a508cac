/** Picks the reader for a source kind. Every reader streams: memory does not grow with the source. */
import type { Readable } from 'node:stream';
import type { FileSet, SourceConfig } from '../manifest/types.js';
import { readCsvSource } from './csv-threaded.js';
import { readDuckdbQuery } from './duckdb-query.js';
import { expandFiles, readFiles } from './files.js';
import { readJson } from './json.js';
import { describeMysqlQuery, readMysqlQuery } from './mysql-query.js';
import { readNdjson } from './ndjson.js';
import { readParquet } from './parquet.js';
import { describePostgresQuery, readPostgresQuery } from './postgres-query.js';
import type { QueryColumn } from './query-shape.js';
import type { HeaderListener, SourceRow } from './source.js';

export interface ReadSourceOptions {
  /** What `path: "-"` reads; defaults to process.stdin (tests pass their own). */
  readonly stdin?: Readable;
  /** Told the field names of a source that has them (CSV, Parquet, query), even when it has no record. */
  readonly onHeader?: HeaderListener;
}

export function readSource(config: SourceConfig, options: ReadSourceOptions = {}): AsyncIterable<SourceRow> {
  switch (config.kind) {
    case 'csv':
      return config.files ? readFileSet(config.path, config.files, (path) => readCsvSource({ ...config, path }, options), true) : readCsvSource(config, options);
    case 'ndjson':
      return config.files ? readFileSet(config.path, config.files, (path) => readNdjson({ ...config, path }, options), false) : readNdjson(config, options);
    case 'json':
      return config.files ? readFileSet(config.path, config.files, (path) => readJson({ ...config, path }, options), false) : readJson(config, options);
    case 'parquet':
      return config.files ? readFileSet(config.path, config.files, (path) => readParquet({ ...config, path }, options), true) : readParquet(config, options);
    case 'mysql':
      return readMysqlQuery(config, options);
    case 'postgres':
      return readPostgresQuery(config);
    case 'duckdb':
      return readDuckdbQuery(config);
    default: {
      const never: never = config;
      throw new Error(`unknown source kind ${String(never)}`);
    }
  }
}

/** A query source's result columns without its rows (mysql and postgres); undefined for other kinds or when it cannot be told. */
export function describeQuerySource(config: SourceConfig): Promise<readonly QueryColumn[] | undefined> {
  if (config.kind === 'mysql') return describeMysqlQuery(config);
  if (config.kind === 'postgres') return describePostgresQuery(config);
  return Promise.resolve(undefined);
}

async function* readFileSet(where: string, files: FileSet, readOne: (file: string) => AsyncIterable<SourceRow>, sameColumns: boolean): AsyncGenerator<SourceRow> {
  yield* readFiles(await expandFiles(where, files), readOne, sameColumns);
}
