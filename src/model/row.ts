/** Rows inside pssync: canonical text values aligned with a sync's target columns. */
export type Value = string | null;
export type Row = readonly Value[];

/** A desired row and the source line it came from (for error messages and rejects). */
export interface DesiredRow {
  readonly values: Row;
  readonly line: number;
}

/**
 * The text with characters of its own. Sources hand out values sliced from big decoded chunks
 * (V8 keeps a slice's whole parent alive), so a value kept for long — a row kept for writing, a
 * key in a key index — would otherwise keep its chunk in memory. Concatenating and slicing makes
 * V8 copy the characters into a string of the value's own; V8 copies shorter slices anyway.
 */
export function ownText(value: string): string {
  return value.length >= 13 ? `${value} `.slice(0, -1) : value;
}

/** The row with values of their own (ownText): for rows kept while others stream past. */
export function ownRow(values: Row): Row {
  return values.map((value) => (value === null ? value : ownText(value)));
}
