/**
 * Packs consecutive rows into one multi-row statement (pure): `prefix tuple,tuple,… suffix`,
 * at most `maxRows` tuples and, past the first tuple, at most `maxBytes` of SQL text. A single
 * row larger than `maxBytes` is sent alone.
 */
export interface PackedStatement {
  readonly sql: string;
  /** Rows in the statement: rows `start` … `start + rows - 1`. */
  readonly rows: number;
}

export function packRows(
  total: number,
  start: number,
  text: { readonly prefix: string; readonly suffix: string; readonly tuple: (index: number) => string },
  maxRows: number,
  maxBytes: number,
): PackedStatement {
  let sql = text.prefix;
  let rows = 0;
  for (let index = start; index < total && rows < maxRows; index += 1) {
    const tuple = text.tuple(index);
    if (rows > 0 && sql.length + tuple.length + 1 + text.suffix.length > maxBytes) break;
    sql += rows === 0 ? tuple : `,${tuple}`;
    rows += 1;
  }
  return { sql: sql + text.suffix, rows };
}

/** "1–5,000" */
export function rangeText(first: number, rows: number): string {
  return rows === 1 ? first.toLocaleString('en-US') : `${first.toLocaleString('en-US')}–${(first + rows - 1).toLocaleString('en-US')}`;
}
