/**
 * Packs consecutive rows into one multi-row statement: `prefix tuple,tuple,… suffix`, at most
 * `maxRows` tuples and, past the first tuple, at most `maxBytes` of SQL text. A single row larger
 * than `maxBytes` is sent alone.
 *
 * The writers build statement N+1 while the server runs statement N (issue 7): on two cores the
 * client's SQL building and the server's inserting then overlap instead of taking turns. So
 * packing yields to the event loop every few hundred rows: the socket keeps sending statement N
 * (a multi-MiB write leaves the process in pieces, between turns of the loop) and its answer is
 * read as soon as it arrives.
 */
import { setImmediate as turn } from 'node:timers/promises';

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

/** Rows packed between two turns of the event loop (about a millisecond of work). */
const ROWS_PER_TURN = 256;

export async function packRows(total: number, start: number, text: StatementText, maxRows: number, maxBytes: number): Promise<PackedStatement> {
  const separator = text.separator ?? ',';
  let sql = text.prefix;
  let rows = 0;
  for (let index = start; index < total && rows < maxRows; index += 1) {
    const tuple = rows === 0 && text.first ? text.first(index) : text.tuple(index);
    if (rows > 0 && sql.length + tuple.length + separator.length + text.suffix.length > maxBytes) break;
    sql += rows === 0 ? tuple : separator + tuple;
    rows += 1;
    if (rows % ROWS_PER_TURN === 0) await turn();
  }
  return { sql: sql + text.suffix, rows };
}

/** "1–5,000" */
export function rangeText(first: number, rows: number): string {
  return rows === 1 ? first.toLocaleString('en-US') : `${first.toLocaleString('en-US')}–${(first + rows - 1).toLocaleString('en-US')}`;
}
