/**
 * CSV, streamed through csv-parse. NULL versus empty string follows PostgreSQL COPY: an unquoted
 * empty field is NULL, a quoted empty field ("") is the empty string; `null_values` adds markers
 * that count only when unquoted. Options: delimiter, quote, escape, header on/off (with `columns`
 * naming the fields, or renaming them when there is a header), encoding utf-8 (a BOM is skipped;
 * bytes that are not UTF-8 are an error naming the line) or latin1. Line endings: LF or CRLF, even mixed.
 */
import { pipeline } from 'node:stream';
import { CsvError, parse, type CastingContext, type Parser } from 'csv-parse';
import type { CsvSourceConfig } from '../manifest/types.js';
import { inputError, openInput, type InputOptions } from './input.js';
import { SourceError, type SourceRow } from './source.js';

/** A record larger than this is refused rather than buffered: almost always an unclosed quote. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

interface ParsedRecord {
  readonly record: Record<string, string | null>;
  readonly info: { readonly lines: number; readonly empty_lines: number };
}

export async function* readCsv(config: CsvSourceConfig, options: Pick<InputOptions, 'stdin'> = {}): AsyncGenerator<SourceRow> {
  const file = config.path;
  const nullMarkers = new Set(config.nullValues);
  const input = await openInput(file, { utf8: config.encoding !== 'latin1', ...options });
  // Line numbers are counted here: csv-parse's own count takes a CRLF inside quotes as two lines.
  // lastEnd: the last line of the header or of the previous record; drift: csv-parse's excess.
  let lastEnd = 0;
  let emptyLines = 0;
  let drift = 0;
  const parser: Parser = parse({
    delimiter: config.delimiter,
    quote: config.quote,
    escape: config.escape,
    encoding: config.encoding === 'latin1' ? 'latin1' : 'utf8',
    bom: config.encoding !== 'latin1',
    record_delimiter: ['\r\n', '\n'],
    columns: config.header ? (header: string[]) => headerColumns(config, header) : [...(config.columns ?? [])],
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    info: true,
    cast: (value: string, context: CastingContext) => {
      if (context.header || context.quoting) return value;
      return value === '' || nullMarkers.has(value) ? null : value;
    },
  });
  if (config.header) lastEnd = 1;
  const records = pipeline(input.stream, parser, () => undefined) as unknown as AsyncIterable<ParsedRecord>;
  try {
    for await (const { record, info } of records) {
      const line = lastEnd + 1 + (info.empty_lines - emptyLines);
      emptyLines = info.empty_lines;
      lastEnd = line + embeddedNewlines(record);
      drift = info.lines - lastEnd;
      yield { fields: record, line };
    }
  } catch (error) {
    throw csvError(file, error, lastEnd, drift, input.lines());
  } finally {
    parser.destroy();
  }
}

/** The field names from the header row: trimmed, non-empty, unique; or `columns` renaming them. */
function headerColumns(config: CsvSourceConfig, header: readonly string[]): string[] {
  if (config.columns) {
    if (config.columns.length !== header.length) {
      throw new HeaderError(`the header row has ${header.length} column(s) but \`columns\` names ${config.columns.length}`);
    }
    return [...config.columns];
  }
  const names = header.map((name) => name.trim());
  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    if (name === '') throw new HeaderError(`column ${index + 1} of the header row has no name`);
    const earlier = seen.get(name);
    if (earlier !== undefined) throw new HeaderError(`the header row names \`${name}\` twice (columns ${earlier + 1} and ${index + 1})`);
    seen.set(name, index);
  });
  return names;
}

class HeaderError extends Error {}

function embeddedNewlines(record: Readonly<Record<string, string | null>>): number {
  let count = 0;
  for (const key in record) {
    const value = record[key];
    if (typeof value !== 'string' || value.length === 0) continue;
    for (let index = value.indexOf('\n'); index !== -1; index = value.indexOf('\n', index + 1)) count++;
  }
  return count;
}

function csvError(file: string, error: unknown, lastEnd: number, drift: number, linesRead: number): SourceError {
  if (error instanceof SourceError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (error instanceof HeaderError || cause instanceof HeaderError) {
    return new SourceError(file, `malformed CSV header: ${(cause instanceof HeaderError ? cause : (error as Error)).message}`, 1, { cause: error });
  }
  const raw = error as { code?: string; message?: string; lines?: number };
  const details = { code: raw.code, message: raw.message, lines: raw.lines === undefined ? undefined : raw.lines - drift };
  switch (details.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new SourceError(
        file,
        `malformed CSV: a quoted field in the record starting on line ${lastEnd + 1} is never closed (the rest of the file was read as that field)`,
        lastEnd + 1,
        { cause: error },
      );
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS': {
      const got = /got (\d+)/.exec(details.message ?? '')?.[1];
      const expected = /(?:columns length is|expect) (\d+)/.exec(details.message ?? '')?.[1];
      return new SourceError(
        file,
        `malformed CSV: the record has ${got ?? 'a different number of'} field(s), expected ${expected ?? 'as many as the header'} (a ragged row, or a delimiter or quote that is not the file's)`,
        details.lines,
        { cause: error },
      );
    }
    case 'CSV_MAX_RECORD_SIZE':
      return new SourceError(
        file,
        `malformed CSV: the record starting on line ${lastEnd + 1} is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB; most likely a quote is never closed`,
        lastEnd + 1,
        { cause: error },
      );
    case 'INVALID_OPENING_QUOTE':
      return new SourceError(
        file,
        `malformed CSV: a quote inside an unquoted field (${/on field "([^"]*)"/.exec(details.message ?? '')?.[0] ?? 'here'}); quote the whole field and double the quotes inside it`,
        details.lines,
        { cause: error },
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new SourceError(
        file,
        `malformed CSV: text after a closing quote (${/got "[^"]*"/.exec(details.message ?? '')?.[0] ?? 'unexpected text'}); a quoted field must end at a delimiter or the end of the line`,
        details.lines,
        { cause: error },
      );
    default: {
      if (error instanceof CsvError) {
        const message = (details.message ?? String(error)).replace(/^Invalid (Record Length|Opening Quote|Closing Quote): /, '');
        return new SourceError(file, `malformed CSV: ${message}`, details.lines, { cause: error });
      }
      return inputError(file, error, linesRead + 1);
    }
  }
}
