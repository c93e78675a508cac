/**
 * The DML-only writer: rows go straight into the destination table in multi-row statements,
 * bounded by rows and bytes and sized by measured latency. No staging table, no DDL of its own.
 * Added rows are INSERTed, changed rows UPDATEd (never upserted: see direct-sql.ts), removed rows
 * DELETEd by key; each statement commits only when it affected the planned rows (row-count.ts).
 */
import type { Row } from '../model/row.js';
import { rowBatches } from '../plan/planned-rows.js';
import { AdaptiveChunk, statementBytes } from './chunking.js';
import {
  derivedFirst,
  derivedRow,
  directDeletePrefix,
  directInsertPrefix,
  directMissingKeysSql,
  directPresentSql,
  directUpdatePrefix,
  directUpdateSuffix,
  keyTuple,
  rowTuple,
  UNION_ALL,
} from './direct-sql.js';
import { rangeText } from './pack.js';
import { keyText, KEYS_SHOWN, type CountedWrite, type WriteOp } from './row-count.js';
import { arrayBatches, CLAIM_ROWS, sendRows, type RowFeed, type RowStatementText } from './row-statements.js';
import { literalsFor } from './sql-text.js';
import type { StatementRunner } from './statement-runner.js';
import type { WriteContext, Writer } from './writers.js';

/** Rows in the first statement; later ones adapt to measured latency. */
const INITIAL_ROWS = 1_000;

/**
 * An initial load into a table this apply creates, of at least this many rows, is written by two
 * connections taking statements from the same rows (issue 7): one insert stream keeps one server
 * core busy, two load 1,000,000 rows in about 60% of the time on a 2-core MariaDB. The rows are
 * independent, so the order between the two does not matter; and in
 * a new table (nobody else's rows, every key new) their inserts do not wait for each other's
 * locks. Other writes — into a table that has rows, even outside the sync's scope — stay on one.
 */
const PARALLEL_FROM_ROWS = 20_000;

export function directWriter(context: WriteContext): Writer {
  const { plan, run } = context;
  const { inserts, updates, deletes } = plan.rows!.ops;
  const total = inserts.count + updates.count + deletes.length;
  const literals = literalsFor(plan.columns);
  const keyIndexes = plan.columns.flatMap((column, index) => (column.isKey ? [index] : []));
  const keyNames = keyIndexes.map((index) => plan.columns[index]!.name);
  const keysOf = (row: Row) => keyText(keyNames, keyIndexes.map((index) => row[index] ?? null));
  const maxBytes = statementBytes(context.maxAllowedPacket);
  let done = 0;
  /** The second connection, when there is one. */
  let second: StatementRunner | undefined;

  /** What a statement of `op` must do to its rows, and how to name their keys when it did not. */
  const counting = (op: WriteOp, runner: StatementRunner) => (size: number, rows: () => readonly Row[]): CountedWrite => ({
    op,
    table: plan.table,
    rows: size,
    keys: async () => {
      if (op === 'insert') return { keys: rows().slice(0, KEYS_SHOWN + 1).map(keysOf), missing: false };
      const missing = await runner.query(directMissingKeysSql(plan.table, plan.columns, rows(), literals, KEYS_SHOWN + 1));
      return { keys: missing.map((key) => keyText(keyNames, key)), missing: true };
    },
    ...(op === 'insert' ? { present: async () => Number((await runner.query(directPresentSql(plan.table, plan.columns, rows(), literals)))[0]?.[0] ?? -1) } : {}),
  });

  /** Sends the feed's rows as `prefix tuple,tuple,… suffix` statements, on every runner at once. */
  async function send(feed: RowFeed, count: number, text: RowStatementText, op: WriteOp, what: string): Promise<void> {
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
        text,
        count: counting(op, runner),
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
      // Rows the plan found absent are inserted: one that appeared since is a duplicate key error,
      // never overwritten; rows it found present and different are updated, whatever the mode.
      if (plan.schema.createsTable && inserts.count >= PARALLEL_FROM_ROWS) second = await run.fork().catch(() => undefined);
      try {
        await send(rowBatches(inserts, CLAIM_ROWS), inserts.count, { prefix: directInsertPrefix(plan.table, plan.columns), suffix: '', tuple: (row) => rowTuple(row, literals) }, 'insert', 'inserting');
        if (updates.count) {
          const update: RowStatementText = {
            prefix: directUpdatePrefix(plan.table),
            suffix: directUpdateSuffix(plan.columns),
            separator: UNION_ALL,
            first: (row) => derivedFirst(row, plan.columns, literals),
            tuple: (row) => derivedRow(row, literals),
          };
          await send(rowBatches(updates, CLAIM_ROWS), updates.count, update, 'update', 'updating');
        }
        await send(arrayBatches(deletes), deletes.length, { prefix: directDeletePrefix(plan.table, plan.columns), suffix: ')', tuple: (row) => keyTuple(row, plan.columns, literals) }, 'delete', 'deleting');
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
