/**
 * CSV, streamed through csv-parse. NULL versus empty string follows PostgreSQL COPY: an unquoted
 * empty field is NULL, a quoted empty field ("") is the empty string; `null_values` adds markers
 * that count only when unquoted.
 */
import { createReadStream } from 'node:fs';
import { parse, type CastingContext } from 'csv-parse';
import type { CsvSourceConfig } from '../manifest/types.js';
import { SourceError, type SourceRow } from './source.js';
import { openInput } from './input.js';

export async function* readCsv(config: CsvSourceConfig): AsyncGenerator<SourceRow> {
  const nullMarkers = new Set(config.nullValues);
  const input = openInput(config.path, createReadStream);
  const parser = input.pipe(
    parse({
      delimiter: config.delimiter,
      quote: config.quote,
      escape: config.escape,
      encoding: config.encoding === 'latin1' ? 'latin1' : 'utf8',
      bom: true,
      columns: config.header ? (header: string[]) => header.map((name) => name.trim()) : [...(config.columns ?? [])],
      skip_empty_lines: true,
      info: true,
      cast: (value: string, context: CastingContext) => {
        if (context.header || context.quoting) return value;
        return value === '' || nullMarkers.has(value) ? null : value;
      },
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  try {
    for await (const record of parser as AsyncIterable<{ record: Record<string, unknown>; info: { lines: number } }>) {
      yield { fields: record.record, line: record.info.lines };
    }
  } catch (error) {
    throw csvError(config.path, error);
  }
}

function csvError(file: string, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  const details = error as { message?: string; lines?: number; code?: string };
  const message = (details.message ?? String(error)).replace(/^Invalid (Record Length|Opening Quote|Closing Quote).*?: /, '');
  return new SourceError(file, `malformed CSV: ${message}`, details.lines, { cause: error });
}
