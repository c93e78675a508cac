/** Rows inside pssync: canonical text values aligned with a sync's target columns. */
export type Value = string | null;
export type Row = readonly Value[];

/** A desired row and the source line it came from (for error messages and rejects). */
export interface DesiredRow {
  readonly values: Row;
  readonly line: number;
}
