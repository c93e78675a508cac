/**
 * Pipelined statement building (issue 7). The writers build statement N+1 while the server runs
 * statement N; on two cores the client's SQL building and the server's inserting then overlap
 * instead of taking turns. Building yields to the event loop every few hundred rows, so the socket
 * keeps sending statement N (a multi-MiB write leaves the process in pieces, between turns of the
 * loop) and its answer is read as soon as it arrives.
 */
import { setImmediate as turn } from 'node:timers/promises';
import type { PackedStatement, StatementText } from './pack.js';

/** Rows packed between two turns of the event loop (about a millisecond of work). */
const ROWS_PER_TURN = 256;

/** Same result as `packRows`, built in slices between turns of the event loop. */
export async function packRowsAhead(total: number, start: number, text: StatementText, maxRows: number, maxBytes: number): Promise<PackedStatement> {
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
