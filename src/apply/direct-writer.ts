/**
 * The DML-only writer: rows go straight into the destination table in multi-row statements,
 * bounded by rows and bytes and sized by measured latency. No staging table, no DDL of its own.
 * Its statements are idempotent — INSERT … ON DUPLICATE KEY UPDATE with the planned values, DELETE
 * by key — so the runner may send one again after a lost connection.
 */
import type { Row } from '../model/row.js';
import { modeRule } from '../plan/mode-rules.js';
import { rowBatches } from '../plan/planned-rows.js';
import { AdaptiveChunk, statementBytes } from './chunking.js';
import { directDeletePrefix, directInsertPrefix, directInsertSuffix, keyTuple, rowTuple } from './direct-sql.js';
import { rangeText } from './pack.js';
import { arrayBatches, CLAIM_ROWS, sendRows, type RowFeed } from './row-statements.js';
import { literalsFor } from './sql-text.js';
import type { StatementRunner, WriteContext, Writer } from './writer.js';

/** Rows in the first statement; later ones adapt to measured latency. */
const INITIAL_ROWS = 1_000;

/**
 * An initial load into a table this apply creates, of at least this many rows, is written by two
 * connections taking statements from the same rows (issue 7): one insert stream keeps one server
 * core busy, two load 1,000,000 rows in about 60% of the time on a 2-core MariaDB. The rows are
 * independent and their inserts idempotent, so the order between the two does not matter; and in
 * a new table (nobody else's rows, every key new) their inserts do not wait for each other's
 * locks. Other writes — into a table that has rows, even outside the sync's scope — stay on one.
 */
const PARALLEL_FROM_ROWS = 20_000;

export function directWriter(context: WriteContext): Writer {
  const { plan, run } = context;
  const { inserts, updates, deletes } = plan.rows!.ops;
  const total = inserts.count + updates.count + deletes.length;
  const literals = literalsFor(plan.columns);
  const maxBytes = statementBytes(context.maxAllowedPacket);
  let done = 0;
  /** The second connection, when there is one. */
  let second: StatementRunner | undefined;

  /** Sends the feed's rows as `prefix tuple,tuple,… suffix` statements, on every runner at once. */
  async function send(feed: RowFeed, count: number, prefix: string, suffix: string, tuple: (row: Row) => string, what: string): Promise<void> {
    const runners = second && count >= PARALLEL_FROM_ROWS ? [run, second] : [run];
    const stop = { failed: false };
    const of = count.toLocaleString('en-US');
    const label = (connection: number) =>
      runners.length === 1
        ? (first: number, rows: number) => `${what} rows ${rangeText(first, rows)} of ${of} in \`${plan.table}\``
        : (first: number, rows: number) => `${what} rows ${rangeText(first, rows)} of connection ${connection + 1}'s share of ${of} in \`${plan.table}\``;
    const sending = runners.map((runner, connection) =>
      sendRows({
        feed,
        runner,
        text: { prefix, suffix, tuple },
        chunk: new AdaptiveChunk({ maxRows: context.dialect.caps.maxRowsPerStatement, maxBytes, targetMs: context.dialect.caps.targetStatementMs }, INITIAL_ROWS),
        maxBytes,
        label: label(connection),
        stop,
        onDone: (rows) => {
          done += rows;
          context.onProgress({ sync: plan.name, step: 'write', done, total });
        },
      }),
    );
    // A failing loop stops the other before its next statement; both settle before this returns,
    // so nothing is still writing when the executor reports and releases the table lock.
    const results = await Promise.allSettled(sending);
    await feed.return?.(undefined); // closes a spill file left half read
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  }

  return {
    async prepare() {},
    async write() {
      const rule = modeRule(plan.mode);
      const overwrite = rule.changed === 'update';
      const writes = inserts.count + updates.count;
      if (plan.schema.createsTable && writes >= PARALLEL_FROM_ROWS) second = await run.fork().catch(() => undefined);
      async function* writeBatches() {
        yield* rowBatches(inserts, CLAIM_ROWS);
        yield* rowBatches(updates, CLAIM_ROWS);
      }
      try {
        // Insert-and-update modes write added and changed rows alike; update mode writes rows the
        // plan found present, insert/add modes rows it found absent (left alone if they appeared since).
        const insertSuffix = directInsertSuffix(plan.table, plan.columns, overwrite);
        await send(writeBatches(), writes, directInsertPrefix(plan.table, plan.columns), insertSuffix, (row) => rowTuple(row, literals), 'writing');
        await send(arrayBatches(deletes), deletes.length, directDeletePrefix(plan.table, plan.columns), ')', (row) => keyTuple(row, plan.columns, literals), 'deleting');
      } finally {
        if (second) run.absorb(second);
      }
    },
    async cleanup() {
      await second?.close().catch(() => undefined);
      second = undefined;
    },
  };
}
