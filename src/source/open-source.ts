/** Picks the reader for a source kind. Every reader streams: memory does not grow with the source. */
import type { Readable } from 'node:stream';
import type { SourceConfig } from '../manifest/types.js';
import { readCsvSource } from './csv-threaded.js';
import { readJson } from './json.js';
import { readMysqlQuery } from './mysql-query.js';
import { readNdjson } from './ndjson.js';
import { readParquet } from './parquet.js';
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
      return readCsvSource(config, options);
    case 'ndjson':
      return readNdjson(config, options);
    case 'json':
      return readJson(config, options);
    case 'parquet':
      return readParquet(config, options);
    case 'mysql':
      return readMysqlQuery(config, options);
    default: {
      const never: never = config;
      throw new Error(`unknown source kind ${String(never)}`);
    }
  }
}
