/**
 * Packs consecutive rows into one multi-row statement (pure): `prefix tuple,tuple,… suffix`,
 * at most `maxRows` tuples and, past the first tuple, at most `maxBytes` of SQL text. A single
 * row larger than `maxBytes` is sent alone.
 */

/** A statement's fixed text around its rows, and each row's text. */
export interface StatementText {
  readonly prefix: string;
  readonly suffix: string;
  readonly tuple: (index: number) => string;
  /** Between two tuples: `,` unless given (` UNION ALL ` for a derived table of rows). */
  readonly separator?: string;
  /** The statement's first tuple, when it differs (the derived table's first SELECT names the columns). */
  readonly first?: (index: number) => string;
}

export interface PackedStatement {
  readonly sql: string;
  /** Rows in the statement: rows `start` … `start + rows - 1`. */
  readonly rows: number;
}

export function packRows(total: number, start: number, text: StatementText, maxRows: number, maxBytes: number): PackedStatement {
  const separator = text.separator ?? ',';
  let sql = text.prefix;
  let rows = 0;
  for (let index = start; index < total && rows < maxRows; index += 1) {
    const tuple = rows === 0 && text.first ? text.first(index) : text.tuple(index);
    if (rows > 0 && sql.length + tuple.length + separator.length + text.suffix.length > maxBytes) break;
    sql += rows === 0 ? tuple : separator + tuple;
    rows += 1;
  }
  return { sql: sql + text.suffix, rows };
}

/** "1–5,000" */
export function rangeText(first: number, rows: number): string {
  return rows === 1 ? first.toLocaleString('en-US') : `${first.toLocaleString('en-US')}–${(first + rows - 1).toLocaleString('en-US')}`;
}
