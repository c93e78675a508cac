/**
 * The DML-only writer: rows go straight into the destination table in multi-row statements,
 * bounded by rows and bytes and sized by measured latency. No staging table, no DDL of its own.
 * Its statements are idempotent — INSERT … ON DUPLICATE KEY UPDATE with the planned values, DELETE
 * by key — so the runner may send one again after a lost connection.
 */
import type { Row } from '../model/row.js';
import { modeRule } from '../plan/mode-rules.js';
import { AdaptiveChunk, statementBytes } from './chunking.js';
import { directDeletePrefix, directInsertPrefix, directInsertSuffix, keyTuple, rowTuple } from './direct-sql.js';
import { packRows, rangeText } from './pack.js';
import { packRowsAhead } from './pack-ahead.js';
import { literalsFor } from './sql-text.js';
import { mustShrink, type WriteContext, type Writer } from './writer.js';

/** Rows in the first statement; later ones adapt to measured latency. */
const INITIAL_ROWS = 1_000;

export function directWriter(context: WriteContext): Writer {
  const { plan, run } = context;
  const { inserts, updates, deletes } = plan.rows!.ops;
  const total = inserts.length + updates.length + deletes.length;
  const literals = literalsFor(plan.columns);
  const maxBytes = statementBytes(context.maxAllowedPacket);
  let done = 0;

  /** Sends `rows` as `prefix tuple,tuple,… suffix` statements. */
  async function send(rows: readonly Row[], prefix: string, suffix: string, tuple: (row: Row) => string, what: string): Promise<void> {
    const chunk = new AdaptiveChunk(
      { maxRows: context.dialect.caps.maxRowsPerStatement, maxBytes, targetMs: context.dialect.caps.targetStatementMs },
      INITIAL_ROWS,
    );
    const text = { prefix, suffix, tuple: (index: number) => tuple(rows[index]!) };
    let next = rows.length > 0 ? packRows(rows.length, 0, text, chunk.size, maxBytes) : undefined;
    for (let index = 0; next !== undefined; ) {
      const statement = next;
      const running = run.execute(statement.sql, [], { label: `${what} rows ${rangeText(index + 1, statement.rows)} of ${rows.length.toLocaleString('en-US')} in \`${plan.table}\``, shrinkable: true, rows: statement.rows });
      running.catch(() => undefined); // handled below, after the next statement is built
      // Pipelined (issue 7): the next statement is built while the server runs this one.
      const after = index + statement.rows;
      next = after < rows.length ? await packRowsAhead(rows.length, after, text, chunk.size, maxBytes) : undefined;
      let elapsedMs: number;
      try {
        ({ elapsedMs } = await running);
      } catch (error) {
        // Too big or too slow: the same rows again, in statements half the size.
        if (mustShrink(error) && chunk.halve(statement.rows)) {
          next = packRows(rows.length, index, text, chunk.size, maxBytes);
          continue;
        }
        throw error;
      }
      chunk.record(statement.rows, elapsedMs);
      index = after;
      done += statement.rows;
      context.onProgress({ sync: plan.name, step: 'write', done, total });
    }
  }

  return {
    async prepare() {},
    async write() {
      const rule = modeRule(plan.mode);
      const overwrite = rule.changed === 'update';
      const insertPrefix = directInsertPrefix(plan.table, plan.columns);
      const toTuple = (row: Row) => rowTuple(row, literals);
      // Insert-and-update modes write added and changed rows alike; update mode writes rows the
      // plan found present, insert/add modes rows it found absent (left alone if they appeared since).
      await send([...inserts, ...updates], insertPrefix, directInsertSuffix(plan.table, plan.columns, overwrite), toTuple, 'writing');
      await send(deletes, directDeletePrefix(plan.table, plan.columns), ')', (row) => keyTuple(row, plan.columns, literals), 'deleting');
    },
    async cleanup() {},
  };
}
