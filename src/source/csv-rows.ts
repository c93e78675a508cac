/**
 * From a CSV tokenizer's records to rows, the same for every tokenizer (csv.ts picks one): the
 * header's names (told as soon as the header is read), the check that every record has as many
 * fields as the header, and the NULL rule. Rows are collected flat, a batch at a time (values row
 * after row, and each row's line): the CSV thread posts them so, and readCsv makes records of them. NULL versus empty string follows PostgreSQL COPY: an
 * unquoted empty field is NULL, a quoted empty field ("") is the empty string; `null_values` adds
 * markers that count only when unquoted.
 */
import type { CsvSourceConfig } from '../manifest/types.js';
import { SourceError, type HeaderListener } from './source.js';

/** A record larger than this is refused rather than buffered: almost always an unclosed quote. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Which fields of the record at hand were quoted, asked only for records holding an empty or marker value. */
export interface QuotedLookup {
  /** For fields 0..lastField of the current record, whether each was quoted. */
  quotedFields(lastField: number): readonly boolean[];
}

/** Rows of a CSV source, flat: `values` holds names.length values per row, row after row. */
export interface CsvBatch {
  readonly names: readonly string[];
  readonly values: (string | null)[];
  readonly lines: number[];
  /** No value holds a NUL character (the tokenizer saw none in the text): the batch may cross threads as one string. */
  readonly nulFree?: boolean;
}

export class CsvRows {
  private names: readonly string[] | undefined;
  private batch: CsvBatch | undefined;
  private readonly markers: ReadonlySet<string>;

  constructor(
    private readonly config: CsvSourceConfig,
    private readonly onHeader: HeaderListener | undefined,
  ) {
    this.names = config.header ? undefined : [...(config.columns ?? [])];
    this.markers = new Set(config.nullValues);
    if (this.names) onHeader?.({ names: this.names });
  }

  /** Adds the record starting on `line` to the batch (or reads it as the header). */
  add(values: readonly string[], line: number, quoting: QuotedLookup): void {
    if (this.names === undefined) {
      try {
        this.names = headerColumns(this.config, values);
      } catch (error) {
        if (error instanceof HeaderError) throw new SourceError(this.config.path, `malformed CSV header: ${error.message}`, line, { cause: error });
        throw error;
      }
      this.onHeader?.({ names: this.names, line });
      return;
    }
    const width = this.names.length;
    if (values.length !== width) throw new SourceError(this.config.path, raggedMessage(String(values.length), String(width)), line);
    this.batch ??= { names: this.names, values: [], lines: [] };
    const out = this.batch.values;
    const first = out.length;
    let lastMaybeNull = -1;
    for (let index = 0; index < width; index++) {
      const value = values[index]!;
      if (this.maybeNull(value)) lastMaybeNull = index;
      out.push(value);
    }
    // Most records have no empty or marker value: quoting is only looked up for those that do.
    if (lastMaybeNull !== -1) {
      const quoted = quoting.quotedFields(lastMaybeNull);
      for (let index = 0; index <= lastMaybeNull; index++) {
        if (quoted[index] !== true && this.maybeNull(values[index]!)) out[first + index] = null;
      }
    }
    this.batch.lines.push(line);
  }

  /** The rows added since the last call, if any; `nulFree`: the text they came from holds no NUL. */
  take(nulFree = false): CsvBatch | undefined {
    const batch = this.batch;
    this.batch = undefined;
    return batch && nulFree ? { ...batch, nulFree } : batch;
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

export function raggedMessage(got: string | undefined, expected: string | undefined): string {
  return `malformed CSV: the record has ${got ?? 'a different number of'} field(s), expected ${expected ?? 'as many as the header'} (a ragged row, or a delimiter or quote that is not the file's)`;
}

export function unclosedQuoteMessage(recordStart: number): string {
  return `malformed CSV: a quoted field in the record starting on line ${recordStart} is never closed (the rest of the file was read as that field)`;
}

export function recordTooLargeMessage(recordStart: number): string {
  return `malformed CSV: the record starting on line ${recordStart} is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB; most likely a quote is never closed`;
}

export function quoteInUnquotedMessage(where: string): string {
  return `malformed CSV: a quote inside an unquoted field (${where}); quote the whole field and double the quotes inside it`;
}

export function textAfterQuoteMessage(got: string): string {
  return `malformed CSV: text after a closing quote (${got}); a quoted field must end at a delimiter or the end of the line`;
}
