/**
 * CSV records through csv-parse: the tokenizer for what PapaParse does not read exactly (see
 * csv.ts): old-Mac files whose line breaks are lone CRs (then CR, CRLF and LF each end a line, in
 * records and in line numbers alike), and an escape character other than the quote.
 */
import { pipeline } from 'node:stream';
import { CsvError, parse, type InfoRecord, type Options, type Parser } from 'csv-parse';
import type { CsvSourceConfig } from '../manifest/types.js';
import { quotedFields, type CsvSyntax } from './csv-quoting.js';
import {
  CsvRows,
  MAX_RECORD_BYTES,
  type CsvBatch,
  quoteInUnquotedMessage,
  raggedMessage,
  recordTooLargeMessage,
  textAfterQuoteMessage,
  unclosedQuoteMessage,
  type QuotedLookup,
} from './csv-rows.js';
import { inputError, type Input } from './input.js';
import { SourceError } from './source.js';

/** Rows per batch handed on. */
const BATCH_ROWS = 1_000;

/** What csv-parse hands `on_record` with `raw` and no `columns`: the fields in file order. */
interface ParsedRecord {
  readonly record: string[];
  /** The record's text: any skipped blank lines before it, its fields, then the first character of its line break. */
  readonly raw: string;
}

export async function* readCsvParse(config: CsvSourceConfig, input: Input, rows: CsvRows): AsyncGenerator<CsvBatch> {
  const file = config.path;
  const lines = new LineCounter(input.breaks);
  const quoting = new RawQuoting({ delimiter: config.delimiter, quote: config.quote, escape: config.escape }, lines);
  // No `cast` and no `columns`: csv-parse's per-field cast callback dominated reading time. Records
  // come as arrays with their raw text; `on_record` adds each to the batch. Doing that inside
  // csv-parse, rather than in the loop below, keeps errors in file order: the stream drops the
  // records it buffered once a later record fails to parse.
  let added = 0;
  const parserOptions: Options<number, ParsedRecord> = {
    delimiter: config.delimiter,
    quote: config.quote,
    escape: config.escape,
    encoding: config.encoding === 'latin1' ? 'latin1' : 'utf8',
    bom: config.encoding !== 'latin1',
    record_delimiter: input.breaks === 'cr' ? ['\r\n', '\n', '\r'] : ['\r\n', '\n'],
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    // csv-parse checks that every record has as many fields as the first one (the header, if any).
    relax_column_count: false,
    // No `info: true`: `on_record` gets the same counts as its second argument, and building
    // them twice per record (once for the record, once for on_record) costs ~15% of reading.
    raw: true,
    on_record: (parsed, info) => {
      const line = lines.count(parsed.raw, info);
      quoting.raw = parsed.raw;
      rows.add(parsed.record, line, quoting);
      return (added += 1);
    },
  };
  // csv-parse's typings only let `on_record` change the record's type together with `columns`.
  const parser: Parser = parse(parserOptions as unknown as Options);
  const records = pipeline(input.stream, parser, () => undefined) as unknown as AsyncIterable<number>;
  let failure: unknown;
  try {
    for await (const count of records) {
      if (count % BATCH_ROWS !== 0) continue;
      const batch = rows.take();
      if (batch) yield batch;
    }
  } catch (error) {
    failure = error;
  } finally {
    parser.destroy();
  }
  // The records added before a failure are delivered before it.
  const rest = rows.take();
  if (rest) yield rest;
  if (failure !== undefined) throw csvParseError(file, failure, lines, input.lines());
}

/** Quoting read back from the current record's raw text (csv-parse drops it). */
class RawQuoting implements QuotedLookup {
  raw = '';

  constructor(
    private readonly syntax: CsvSyntax,
    private readonly lines: LineCounter,
  ) {}

  quotedFields(lastField: number): readonly boolean[] {
    return quotedFields(this.raw, this.lines.blankChars, this.syntax, lastField);
  }
}

/**
 * Line numbers, counted here: csv-parse's own count takes a CRLF inside quotes as two lines.
 * Each record's raw text starts with one character per blank line skipped before it (csv-parse
 * keeps the first character of each skipped line break) and ends with the first character of its
 * own line break, so the line breaks inside the record are the other `\n`s of its raw text (and,
 * in a CR file, its CRs not followed by `\n`).
 */
class LineCounter {
  /** The line the last record (or header) starts on. */
  start = 0;
  /** The last line of the last record (or header). */
  end = 0;
  /** How many characters of the last record's raw text are skipped blank lines. */
  blankChars = 0;
  /** csv-parse's excess over `end`, to correct the line numbers in its errors. */
  drift = 0;
  private emptyLines = 0;

  constructor(private readonly breaks: Input['breaks']) {}

  count(raw: string, info: InfoRecord): number {
    this.blankChars = info.empty_lines - this.emptyLines;
    this.emptyLines = info.empty_lines;
    this.start = this.end + 1 + this.blankChars;
    this.end = this.start + innerLineBreaks(raw, this.blankChars) + (this.breaks === 'cr' ? innerLoneCrs(raw, this.blankChars) : 0);
    this.drift = info.lines - this.end;
    return this.start;
  }

  /** Where the record after the last one starts, given csv-parse's blank-line count (in its errors). */
  nextStart(emptyLines: number | undefined): number {
    return this.end + 1 + (emptyLines === undefined ? 0 : emptyLines - this.emptyLines);
  }
}

/** The `\n`s in `raw` from `from` on, less a final one (the record's own line break). */
function innerLineBreaks(raw: string, from: number): number {
  let count = 0;
  for (let index = raw.indexOf('\n', from); index !== -1 && index < raw.length - 1; index = raw.indexOf('\n', index + 1)) count++;
  return count;
}

/** The CRs in `raw` from `from` on not followed by `\n`, less a final one (the record's own line break). */
function innerLoneCrs(raw: string, from: number): number {
  let count = 0;
  for (let index = raw.indexOf('\r', from); index !== -1 && index < raw.length - 1; index = raw.indexOf('\r', index + 1)) {
    if (raw.charCodeAt(index + 1) !== 10) count++;
  }
  return count;
}

function csvParseError(file: string, error: unknown, lines: LineCounter, linesRead: number): SourceError {
  if (error instanceof SourceError) return error;
  const raw = error as { code?: string; message?: string; lines?: number; empty_lines?: number };
  const details = { code: raw.code, message: raw.message, lines: raw.lines === undefined ? undefined : raw.lines - lines.drift };
  const recordStart = lines.nextStart(raw.empty_lines);
  switch (details.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new SourceError(file, unclosedQuoteMessage(recordStart), recordStart, { cause: error });
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS': {
      const got = /got (\d+)/.exec(details.message ?? '')?.[1];
      const expected = /(?:columns length is|expect) (\d+)/.exec(details.message ?? '')?.[1];
      return new SourceError(file, raggedMessage(got, expected), recordStart, { cause: error });
    }
    case 'CSV_MAX_RECORD_SIZE':
      return new SourceError(file, recordTooLargeMessage(recordStart), recordStart, { cause: error });
    case 'INVALID_OPENING_QUOTE': {
      // csv-parse counts fields from 0.
      const field = /on field (\d+)/.exec(details.message ?? '')?.[1];
      return new SourceError(file, quoteInUnquotedMessage(field === undefined ? 'here' : `field ${Number(field) + 1}`), details.lines, { cause: error });
    }
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new SourceError(file, textAfterQuoteMessage(/got "[^"]*"/.exec(details.message ?? '')?.[0] ?? 'unexpected text'), details.lines, { cause: error });
    default: {
      if (error instanceof CsvError) {
        const message = (details.message ?? String(error)).replace(/^Invalid (Record Length|Opening Quote|Closing Quote): /, '');
        return new SourceError(file, `malformed CSV: ${message}`, details.lines, { cause: error });
      }
      return inputError(file, error, linesRead + 1);
    }
  }
}
