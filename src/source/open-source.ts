/** Picks the reader for a source kind. */
import type { SourceConfig } from '../manifest/types.js';
import { readCsv } from './csv.js';
import { readNdjson } from './ndjson.js';
import { SourceError, type SourceRow } from './source.js';

export function readSource(config: SourceConfig): AsyncIterable<SourceRow> {
  switch (config.kind) {
    case 'csv':
      return readCsv(config);
    case 'ndjson':
      return readNdjson(config);
    case 'json':
    case 'parquet':
    case 'mysql':
      return unsupported(config.kind, config.kind === 'mysql' ? config.name : config.path);
    default: {
      const never: never = config;
      throw new Error(`unknown source kind ${String(never)}`);
    }
  }
}

// eslint-disable-next-line require-yield
async function* unsupported(kind: string, where: string): AsyncGenerator<SourceRow> {
  throw new SourceError(where, `source kind "${kind}" is not supported by this version of pssync yet (csv and ndjson are)`);
}
