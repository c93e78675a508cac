/**
 * The DML-only writer: rows go straight into the destination table in multi-row statements,
 * bounded by rows and bytes and sized by measured latency. No staging table, no DDL of its own.
 */
import type { Row } from '../model/row.js';
import { modeRule } from '../plan/mode-rules.js';
import { AdaptiveChunk, statementBytes } from './chunking.js';
import { directDeletePrefix, directInsertPrefix, directInsertSuffix, keyTuple, rowTuple } from './direct-sql.js';
import { literalsFor } from './sql-text.js';
import type { WriteContext, Writer } from './writer.js';

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
  async function send(rows: readonly Row[], prefix: string, suffix: string, tuple: (row: Row) => string): Promise<void> {
    const chunk = new AdaptiveChunk(
      { maxRows: context.dialect.caps.maxRowsPerStatement, maxBytes, targetMs: context.dialect.caps.targetStatementMs },
      INITIAL_ROWS,
    );
    let index = 0;
    while (index < rows.length) {
      let sql = prefix;
      let count = 0;
      const limit = chunk.size;
      while (index < rows.length && count < limit) {
        const text = tuple(rows[index]!);
        if (count > 0 && sql.length + text.length + suffix.length + 1 > maxBytes) break;
        sql += count === 0 ? text : `,${text}`;
        count += 1;
        index += 1;
      }
      const { elapsedMs } = await run.execute(sql + suffix);
      chunk.record(count, elapsedMs);
      done += count;
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
      await send([...inserts, ...updates], insertPrefix, directInsertSuffix(plan.table, plan.columns, overwrite), toTuple);
      await send(deletes, directDeletePrefix(plan.table, plan.columns), ')', (row) => keyTuple(row, plan.columns, literals));
    },
    async cleanup() {},
  };
}
