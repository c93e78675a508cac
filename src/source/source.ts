/** What every source kind yields: one record at a time, with where it came from. */
export interface SourceRow {
  /** Field name → value: strings or null from CSV; any JSON value from JSON sources. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** 1-based line (CSV: the line the record starts on; NDJSON: the line) or row number. */
  readonly line: number;
  /**
   * For a source of several files (a glob or a list): the file the record is in and its line
   * there. `line` then counts on from one file to the next, so it only grows.
   */
  readonly origin?: { readonly file: string; readonly line: number };
}

/** A source's field names, known before (or without) any record: a CSV header, a Parquet schema, a query's columns. */
export interface SourceHeader {
  readonly names: readonly string[];
  /** The header row's line (a CSV with a header row). */
  readonly line?: number;
}

/** Told the source's header once it is read, before its first record (JSON sources have none). */
export type HeaderListener = (header: SourceHeader) => void;

/** Malformed input: unreadable file, bad CSV quoting, invalid JSON line. Carries the position. */
export class SourceError extends Error {
  readonly file: string;
  readonly line?: number;

  constructor(file: string, message: string, line?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceError';
    this.file = file;
    if (line !== undefined) this.line = line;
  }
}

/**
 * A source that also hands out its records a batch at a time (the CSV reader): cheaper than one
 * await per record, which costs ~0.3 µs for every async generator a record passes through.
 * Iterated record by record it gives the same records.
 */
export interface BatchedRecords extends AsyncIterable<SourceRow> {
  batches(): AsyncIterable<readonly SourceRow[]>;
}

export function batchedRecords(batches: () => AsyncIterable<readonly SourceRow[]>): BatchedRecords {
  return {
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) yield* batch;
    },
  };
}

export function hasBatches(source: AsyncIterable<SourceRow>): source is BatchedRecords {
  return typeof (source as Partial<BatchedRecords>).batches === 'function';
}
