/**
 * CSV, streamed through csv-parse. NULL versus empty string follows PostgreSQL COPY: an unquoted
 * empty field is NULL, a quoted empty field ("") is the empty string; `null_values` adds markers
 * that count only when unquoted. Options: delimiter, quote, escape, header on/off (with `columns`
 * naming the fields, or renaming them when there is a header), encoding utf-8 (a BOM is skipped;
 * bytes that are not UTF-8 are an error naming the line) or latin1. Line endings: LF or CRLF, even
 * mixed; or CR (old Mac files) when the first line break is a lone CR — then CR, CRLF and LF each
 * end a line, in records and in line numbers alike. The header's names are told (`onHeader`) as
 * soon as it is read, so a file with a header and no record still has them.
 */
import { pipeline } from 'node:stream';
import { CsvError, parse, type InfoRecord, type Options, type Parser } from 'csv-parse';
import type { CsvSourceConfig } from '../manifest/types.js';
import { quotedFields, type CsvSyntax } from './csv-quoting.js';
import { inputError, openInput, type InputOptions, type LineBreaks } from './input.js';
import { SourceError, type HeaderListener, type SourceRow } from './source.js';

/** A record larger than this is refused rather than buffered: almost always an unclosed quote. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** What csv-parse hands `on_record` with `raw` and no `columns`: the fields in file order. */
interface ParsedRecord {
  readonly record: string[];
  /** The record's text: any skipped blank lines before it, its fields, then the first character of its line break. */
  readonly raw: string;
}

export interface CsvReadOptions extends Pick<InputOptions, 'stdin'> {
  readonly onHeader?: HeaderListener;
}

export async function* readCsv(config: CsvSourceConfig, options: CsvReadOptions = {}): AsyncGenerator<SourceRow> {
  const file = config.path;
  const input = await openInput(file, { utf8: config.encoding !== 'latin1', detectCr: true, ...(options.stdin ? { stdin: options.stdin } : {}) });
  const records = new RecordReader(config, input.breaks, options.onHeader);
  // No `cast` and no `columns`: csv-parse's per-field cast callback dominated reading time. Records
  // come as arrays with their raw text; `on_record` turns each into a row. Doing that inside
  // csv-parse, rather than in the loop below, keeps errors in file order: the stream drops the
  // records it buffered once a later record fails to parse.
  const parserOptions: Options<SourceRow, ParsedRecord> = {
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
    on_record: (parsed, info) => records.toRow(file, parsed, info),
  };
  // csv-parse's typings only let `on_record` change the record's type together with `columns`.
  const parser: Parser = parse(parserOptions as unknown as Options);
  const rows = pipeline(input.stream, parser, () => undefined) as unknown as AsyncIterable<SourceRow>;
  try {
    yield* rows;
  } catch (error) {
    throw csvError(file, error, records.lines, input.lines());
  } finally {
    parser.destroy();
  }
}

/** Turns csv-parse's records into rows: the header's names, line numbers, the NULL rule. */
class RecordReader {
  readonly lines: LineCounter;
  private names: readonly string[] | undefined;
  private readonly nulls: NullRule;

  constructor(
    private readonly config: CsvSourceConfig,
    breaks: LineBreaks,
    private readonly onHeader: HeaderListener | undefined,
  ) {
    this.lines = new LineCounter(breaks);
    this.names = config.header ? undefined : [...(config.columns ?? [])];
    this.nulls = new NullRule(config);
    if (this.names) onHeader?.({ names: this.names });
  }

  /** The row for a record; undefined for the header row. */
  toRow(file: string, parsed: ParsedRecord, info: InfoRecord): SourceRow | undefined {
    const line = this.lines.count(parsed.raw, info);
    if (this.names === undefined) {
      this.names = headerColumns(this.config, parsed.record);
      this.onHeader?.({ names: this.names, line });
      return undefined;
    }
    // Without a header csv-parse only compares records with the first one, not with `columns`.
    if (parsed.record.length !== this.names.length) {
      throw new SourceError(file, raggedMessage(String(parsed.record.length), String(this.names.length)), line);
    }
    return { fields: this.nulls.toFields(this.names, parsed.record, parsed.raw, this.lines.blankChars), line };
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

  constructor(private readonly breaks: LineBreaks) {}

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

/** An unquoted empty field or null marker is NULL; a quoted one is text. */
class NullRule {
  private readonly markers: ReadonlySet<string>;
  private readonly syntax: CsvSyntax;

  constructor(config: CsvSourceConfig) {
    this.markers = new Set(config.nullValues);
    this.syntax = { delimiter: config.delimiter, quote: config.quote, escape: config.escape };
  }

  /** The record keyed by field name, NULL applied. `blankChars`: where the record's own text starts in `raw`. */
  toFields(names: readonly string[], values: readonly string[], raw: string, blankChars: number): Record<string, string | null> {
    const fields: Record<string, string | null> = {};
    let lastMaybeNull = -1;
    for (let index = 0; index < names.length; index++) {
      const value = values[index]!;
      if (this.maybeNull(value)) lastMaybeNull = index;
      fields[names[index]!] = value;
    }
    // Most records have no empty or marker value: the raw text is only read for those that do.
    if (lastMaybeNull !== -1) {
      const quoted = quotedFields(raw, blankChars, this.syntax, lastMaybeNull);
      for (let index = 0; index <= lastMaybeNull; index++) {
        if (quoted[index] !== true && this.maybeNull(values[index]!)) fields[names[index]!] = null;
      }
    }
    return fields;
  }

  private maybeNull(value: string): boolean {
    return value === '' || (this.markers.size !== 0 && this.markers.has(value));
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

function raggedMessage(got: string | undefined, expected: string | undefined): string {
  return `malformed CSV: the record has ${got ?? 'a different number of'} field(s), expected ${expected ?? 'as many as the header'} (a ragged row, or a delimiter or quote that is not the file's)`;
}

function csvError(file: string, error: unknown, lines: LineCounter, linesRead: number): SourceError {
  if (error instanceof SourceError) return error;
  if (error instanceof HeaderError) {
    return new SourceError(file, `malformed CSV header: ${error.message}`, lines.start, { cause: error });
  }
  const raw = error as { code?: string; message?: string; lines?: number; empty_lines?: number };
  const details = { code: raw.code, message: raw.message, lines: raw.lines === undefined ? undefined : raw.lines - lines.drift };
  const recordStart = lines.nextStart(raw.empty_lines);
  switch (details.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new SourceError(
        file,
        `malformed CSV: a quoted field in the record starting on line ${recordStart} is never closed (the rest of the file was read as that field)`,
        recordStart,
        { cause: error },
      );
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS': {
      const got = /got (\d+)/.exec(details.message ?? '')?.[1];
      const expected = /(?:columns length is|expect) (\d+)/.exec(details.message ?? '')?.[1];
      return new SourceError(file, raggedMessage(got, expected), recordStart, { cause: error });
    }
    case 'CSV_MAX_RECORD_SIZE':
      return new SourceError(
        file,
        `malformed CSV: the record starting on line ${recordStart} is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB; most likely a quote is never closed`,
        recordStart,
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
