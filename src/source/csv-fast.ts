/**
 * The fast path of the CSV reader: a string tokenizer for the common shape of CSV files (a
 * one-character delimiter and quote, `""` inside quoted fields, LF or CRLF line ends), about
 * 20 times cheaper per row than csv-parse with a per-field `cast` (which builds three context
 * objects per field). It yields exactly what the csv-parse reader yields, or stops at the first
 * thing it is not sure about — a ragged row, a stray quote, a lone CR, an unclosed quote, a
 * duplicate header — and reports how many records it yielded, so the csv-parse reader can take
 * over from the start of the file, skip those records, and report the error in its own words.
 */
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import type { CsvSourceConfig } from '../manifest/types.js';
import { inputError, openInput, type Input } from './input.js';
import type { SourceRow } from './source.js';

/** The configurations the fast path reads exactly like csv-parse: files, one-character tokens. */
export function canReadFast(config: CsvSourceConfig): boolean {
  return (
    config.path !== '-' &&
    config.delimiter.length === 1 &&
    config.quote.length === 1 &&
    config.escape === config.quote &&
    config.delimiter !== config.quote &&
    !'\r\n'.includes(config.delimiter) &&
    !'\r\n'.includes(config.quote)
  );
}

/** How the fast path ended: read the whole file, or handed over after `records` records. */
export type FastOutcome = { readonly done: true } | { readonly done: false; readonly records: number };

const enum Newline {
  Unknown,
  Lf,
  CrLf,
}

/** Thrown inside the tokenizer when the input needs csv-parse's judgement. */
class Anomaly extends Error {}

/** A CSV record: values after the NULL convention (unquoted '' and null markers are NULL). */
interface Parsed {
  readonly values: (string | null)[];
  /** Line the record starts on. */
  readonly line: number;
}

/** Incremental tokenizer over decoded text; `records` collects complete records. */
export class Tokenizer {
  private text = '';
  private position = 0;
  /** Line of `position` (1-based). */
  private line = 1;
  private newline = Newline.Unknown;
  /** Fields per record, once known (0: not yet). */
  width = 0;
  private readonly delimiter: number;
  private readonly delimiterChar: string;
  private readonly quote: number;
  /** Index of the next delimiter at or after some earlier position (text.length: none). */
  private nextDelimiter = -1;

  constructor(
    delimiter: string,
    private readonly quoteChar: string,
    private readonly nullMarkers: ReadonlySet<string>,
    /** Header values are taken as they are (no NULL convention). */
    private header: boolean,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
    this.delimiterChar = delimiter;
    this.quote = quoteChar.charCodeAt(0);
  }

  /** Adds text and returns the complete records in it; `final` at the end of the input. */
  push(chunk: string, final: boolean): Parsed[] {
    this.text = this.position < this.text.length ? this.text.slice(this.position) + chunk : chunk;
    this.position = 0;
    this.nextDelimiter = -1;
    const text = this.text;
    if (this.newline === Newline.Unknown) {
      const lf = text.indexOf('\n');
      if (lf === -1 && !final) return [];
      this.newline = lf > 0 && text.charCodeAt(lf - 1) === 13 ? Newline.CrLf : Newline.Lf;
    }
    // A CR anywhere but before LF in a CRLF file is csv-parse's business (its line counting differs).
    if (this.newline === Newline.Lf && text.indexOf('\r') !== -1) throw new Anomaly();
    const records: Parsed[] = [];
    for (;;) {
      const record = this.record(final);
      if (record === undefined) break;
      if (record !== null) records.push(record);
    }
    return records;
  }

  /** Text not yet consumed (at the end of the input: an incomplete record). */
  get pendingChars(): number {
    return this.text.length - this.position;
  }

  /** The next record; null for a skipped empty line; undefined when more text is needed. */
  private record(final: boolean): Parsed | null | undefined {
    const text = this.text;
    const length = text.length;
    let position = this.position;
    if (position >= length) return undefined;
    const crlf = this.newline === Newline.CrLf;
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd === -1) {
      if (!final) return undefined;
      lineEnd = length;
    }
    // End of the record's content on this line (before CR in a CRLF file).
    let contentEnd = this.contentEnd(text, position, lineEnd);
    if (contentEnd === position) {
      // An empty line: skipped (skip_empty_lines).
      if (lineEnd === length) {
        this.position = length;
        return null;
      }
      this.position = lineEnd + 1;
      this.line += 1;
      return null;
    }
    let lines = 0;
    // Sized once the header is known (no regrowing per field); trimmed below if the row is short.
    const values: (string | null)[] = this.width > 0 ? new Array<string | null>(this.width) : [];
    let count = 0;
    for (;;) {
      if (text.charCodeAt(position) === this.quote) {
        // Quoted field: up to the closing quote; "" is a quote. (A CR inside is caught by the
        // line-end checks: any CR in an LF file, a CR before the line's end in a CRLF file.)
        let start = position + 1;
        let parts: string[] | undefined;
        let value: string;
        for (;;) {
          const close = text.indexOf(this.quoteChar, start);
          if (close === -1 || (close === length - 1 && !final)) {
            if (final) throw new Anomaly(); // unclosed quote
            return undefined;
          }
          if (text.charCodeAt(close + 1) === this.quote) {
            (parts ??= []).push(text.slice(start, close + 1));
            start = close + 2;
            continue;
          }
          if (parts === undefined) {
            value = text.slice(start, close);
          } else {
            parts.push(text.slice(start, close));
            value = parts.join('');
          }
          position = close + 1;
          break;
        }
        if (position > lineEnd) {
          // The field spanned lines: count them, and find this record's line end again.
          if (crlf) throw new Anomaly();
          for (let index = value.indexOf('\n'); index !== -1; index = value.indexOf('\n', index + 1)) lines += 1;
          lineEnd = text.indexOf('\n', position);
          if (lineEnd === -1) {
            if (!final) return undefined;
            lineEnd = length;
          }
          contentEnd = this.contentEnd(text, position, lineEnd);
        }
        values[count++] = value;
        if (position === contentEnd) break;
        if (text.charCodeAt(position) !== this.delimiter) throw new Anomaly(); // text after a closing quote
        position += 1;
      } else {
        // Cached, so a file without delimiters (one column) is not scanned to its end per record.
        if (this.nextDelimiter < position) {
          const next = text.indexOf(this.delimiterChar, position);
          this.nextDelimiter = next === -1 ? length : next;
        }
        const end = this.nextDelimiter < contentEnd ? this.nextDelimiter : contentEnd;
        const value = text.slice(position, end);
        if (value.indexOf(this.quoteChar) !== -1) throw new Anomaly(); // a quote inside an unquoted field
        values[count++] = this.header ? value : value === '' || (this.nullMarkers.size > 0 && this.nullMarkers.has(value)) ? null : value;
        position = end;
        if (position === contentEnd) break;
        position += 1; // the delimiter
      }
      if (position === contentEnd) {
        // A trailing delimiter: one more, empty, unquoted field.
        values[count++] = this.header ? '' : null;
        break;
      }
    }
    if (count < values.length) values.length = count;
    // The line the record starts on (the csv-parse reader's `info.lines` less embedded newlines).
    const line = this.line;
    this.line += lines;
    if (lineEnd >= length) {
      this.position = length;
    } else {
      this.position = lineEnd + 1;
      this.line += 1;
    }
    this.header = false;
    return { values, line };
  }

  /** Where the content of the line [start, lineEnd) ends: before its CR in a CRLF file. */
  private contentEnd(text: string, start: number, lineEnd: number): number {
    if (this.newline !== Newline.CrLf || lineEnd === text.length) {
      if (this.newline === Newline.CrLf && text.indexOf('\r', start) !== -1 && text.indexOf('\r', start) < lineEnd) throw new Anomaly();
      return lineEnd;
    }
    if (text.charCodeAt(lineEnd - 1) !== 13) throw new Anomaly(); // a lone LF in a CRLF file
    const cr = text.indexOf('\r', start);
    if (cr < lineEnd - 1) throw new Anomaly(); // a lone CR
    return lineEnd - 1;
  }
}

/** Past this much buffered text for one record, csv-parse reports the record as too large. */
const MAX_PENDING_CHARS = 16 * 1024 * 1024;

/**
 * Reads a CSV file on the fast path, yielding records as the csv-parse reader would. Returns
 * `done`, or the number of records yielded before something only csv-parse can judge (including
 * any error from the input: the csv-parse reader meets it again and reports it).
 */
export async function* readCsvFast(config: CsvSourceConfig): AsyncGenerator<SourceRow, FastOutcome> {
  const utf8 = config.encoding !== 'latin1';
  const decoder = new StringDecoder(utf8 ? 'utf8' : 'latin1');
  const tokenizer = new Tokenizer(config.delimiter, config.quote, new Set(config.nullValues), config.header);
  let columns: readonly string[] | undefined = config.header ? undefined : [...(config.columns ?? [])];
  let build = columns === undefined ? undefined : recordBuilder(columns);
  if (columns !== undefined) tokenizer.width = columns.length;
  let yielded = 0;
  let first = true;
  /** Every chunk so far was ASCII (the decoder holds no partial character). */
  let asciiOnly = true;
  let input: Input | undefined;
  const handOver: FastOutcome = { done: false, records: 0 };
  try {
    input = await openInput(config.path, { utf8 });
    let final = false;
    const chunks = (input.stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    while (!final) {
      const next = await chunks.next();
      let text: string;
      if (next.done) {
        final = true;
        text = decoder.end();
      } else {
        let bytes = next.value;
        if (first) {
          first = false;
          // A UTF-8 BOM is dropped (csv-parse's bom option, UTF-8 only); anything odd, csv-parse reads.
          if (bytes.length < 4) return handOver;
          if (utf8 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
        }
        // Validated UTF-8 that is all ASCII decodes byte for byte (much cheaper than UTF-8 decoding).
        text = asciiOnly && isAscii(bytes) ? bytes.toString('latin1') : ((asciiOnly = false), decoder.write(bytes));
      }
      if (first) return handOver; // an empty file
      const records = tokenizer.push(text, final);
      if (tokenizer.pendingChars > MAX_PENDING_CHARS) return { done: false, records: yielded };
      for (const record of records) {
        if (columns === undefined) {
          columns = headerNames(config, record.values);
          if (columns === undefined) return { done: false, records: yielded };
          build = recordBuilder(columns);
          tokenizer.width = columns.length;
          continue;
        }
        if (record.values.length !== columns.length) return { done: false, records: yielded };
        yield { fields: build!(record.values), line: record.line };
        yielded += 1;
      }
    }
    return tokenizer.pendingChars > 0 ? { done: false, records: yielded } : { done: true };
  } catch (error) {
    if (error instanceof Anomaly) return { done: false, records: yielded };
    // I/O, encoding or change-while-reading errors are reported here, as the csv-parse reader
    // would: reading the file again after it changed could skip into different data.
    throw inputError(config.path, error, input === undefined ? undefined : input.lines() + 1);
  } finally {
    input?.stream.destroy();
  }
}

/** The field names as the csv-parse reader makes them, or undefined when it must judge them. */
function headerNames(config: CsvSourceConfig, values: readonly (string | null)[]): string[] | undefined {
  if (config.columns) return config.columns.length === values.length ? [...config.columns] : undefined;
  const names = values.map((value) => (value ?? '').trim());
  const ok = new Set(names).size === names.length && !names.includes('') && !names.includes('__proto__');
  return ok ? names : undefined;
}

type Build = (values: readonly (string | null)[]) => Record<string, string | null>;

/**
 * Builds records as object literals with the header's names: one hidden class for every record,
 * which keeps reading fields by name fast downstream. (Names are JSON-quoted; `__proto__` never
 * reaches here.) Falls back to assignments for very wide files.
 */
function recordBuilder(columns: readonly string[]): Build {
  if (columns.length <= 200) {
    const members = columns.map((name, index) => `${JSON.stringify(name)}: v[${index}]`).join(', ');
    return new Function('v', `return { ${members} };`) as Build;
  }
  return (values) => {
    const fields: Record<string, string | null> = {};
    for (let index = 0; index < columns.length; index += 1) fields[columns[index]!] = values[index]!;
    return fields;
  };
}
