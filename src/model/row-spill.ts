/** Storage for planned rows past the in-memory budget (implemented by storage/spill-file.ts). */
import type { Row } from './row.js';

/** Where rows past the budget go; written once, then read back any number of times. */
export interface RowSpill {
  append(row: Row): void;
  /** No more rows; returns the reader. */
  close(): SpilledRowsReader;
}

export interface SpilledRowsReader {
  /** The rows in the order they were appended, in batches of about `batchRows`. */
  batches(batchRows: number): AsyncIterable<readonly Row[]>;
}
