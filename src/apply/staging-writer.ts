/**
 * The set-based writer (SPEC 4.4): load the planned rows into a staging table, then merge with
 * INSERT … SELECT (added rows), UPDATE … JOIN (changed rows) and DELETE … JOIN (removed rows),
 * chunked by `_pk`; each statement commits only when it affected the planned rows (row-count.ts).
 */
import type { Row } from '../model/row.js';
import { rowBatches, type PlannedRows } from '../plan/planned-rows.js';
import { ER_TABLE_EXISTS, errorNumber } from '../dialect/dialect.js';
import { AdaptiveChunk, statementBytes } from './chunking.js';
import { rangeText } from './pack.js';
import { keyText, KEYS_SHOWN, type CountedWrite, type WriteOp } from './row-count.js';
import { arrayBatches, CLAIM_ROWS, sendRows, type ChunkPolicy, type RowFeed } from './row-statements.js';
import { stagingTableName } from './staging-names.js';
import {
  createStagingSql,
  dropTableSql,
  mergeDeleteSql,
  mergeInsertSql,
  mergePresentSql,
  mergeUpdateSql,
  stagedKeysSql,
  literalsFor,
  stagingInsertPrefix,
  stagingTuple,
  STAGING_INSERT_SUFFIX,
  type DiffOp,
} from './staging-sql.js';
import { mustShrink } from './statement-runner.js';
import type { WriteContext, Writer } from './writers.js';


/** Rows per staging INSERT; the byte budget usually binds first. */
const STAGING_ROWS_PER_STATEMENT = 10_000;

interface Segment {
  readonly op: DiffOp;
  readonly count: number;
  readonly feed: () => RowFeed;
  /** First `_pk` of the segment; `_pk`s are contiguous per op. */
  readonly firstPk: number;
}

export function stagingWriter(context: WriteContext): Writer {
  const { plan, run } = context;
  const staging = stagingTableName(plan.table, context.runId, plan.partition);
  const ops = plan.rows!.ops;
  const segments: Segment[] = [];
  let nextPk = 1;
  const planned = (rows: PlannedRows) => ({ count: rows.count, feed: () => rowBatches(rows, CLAIM_ROWS) });
  const kept = (rows: readonly Row[]) => ({ count: rows.length, feed: () => arrayBatches(rows) });
  for (const [op, rows] of [['added', planned(ops.inserts)], ['changed', planned(ops.updates)], ['removed', kept(ops.deletes)]] as const) {
    segments.push({ op, ...rows, firstPk: nextPk });
    nextPk += rows.count;
  }
  const total = nextPk - 1;
  let created = false;

  return {
    async prepare() {
      if (total === 0) return;
      // Before the statement: if its answer is lost, the table may exist all the same.
      created = true;
      await run.execute(createStagingSql(staging, plan.columns), [], {
        label: `creating staging table \`${staging}\``,
        // A retry after a lost connection finds the table it created: this run's name is unique.
        doneOnRetry: (error) => errorNumber(error) === ER_TABLE_EXISTS,
      });
      const literals = literalsFor(plan.columns);
      const maxBytes = statementBytes(context.maxAllowedPacket);
      const chunk = new FixedChunk(Math.min(STAGING_ROWS_PER_STATEMENT, context.dialect.caps.maxRowsPerStatement));
      let done = 0;
      for (const segment of segments) {
        if (segment.count === 0) continue;
        const feed = segment.feed();
        await sendRows({
          feed,
          runner: run,
          text: {
            prefix: stagingInsertPrefix(staging, plan.columns),
            suffix: STAGING_INSERT_SUFFIX,
            tuple: (row, position) => stagingTuple(segment.firstPk + position, segment.op, row, literals),
          },
          chunk,
          maxBytes,
          label: (first, rows) => `loading rows ${rangeText(segment.firstPk + first - 1, rows)} into staging table \`${staging}\``,
          stop: { failed: false },
          count: (size) => ({ op: 'stage', table: staging, rows: size, keys: async () => ({ keys: [], missing: false }) }),
          onDone: (rows) => {
            done += rows;
            context.onProgress({ sync: plan.name, step: 'stage', done, total });
          },
        }).finally(() => feed.return?.(undefined)); // closes a spill file left half read
      }
    },

    async write() {
      const [added, changed, removed] = segments as [Segment, Segment, Segment];
      const table = plan.table;
      const keyNames = plan.columns.filter((column) => column.isKey).map((column) => column.name);
      let done = 0;
      /** What the merge of `_pk`s from…to must do, and how to name its keys when it did not. */
      const counting = (op: WriteOp, from: number, to: number): CountedWrite => ({
        op,
        table,
        rows: to - from + 1,
        keys: async () => {
          const missing = op !== 'insert';
          const keys = await run.query(stagedKeysSql(table, staging, plan.columns, missing, KEYS_SHOWN + 1), [from, to]);
          return { keys: keys.map((key) => keyText(keyNames, key)), missing };
        },
        ...(op === 'insert' ? { present: async () => Number((await run.query(mergePresentSql(table, staging, plan.columns), [from, to]))[0]?.[0] ?? -1) } : {}),
      });
      // Each merge covers a `_pk` range of the staging table: sent again after a lost answer, it
      // finds its rows done (row-count.ts), so retries are safe.
      const merge = async (sql: string, op: WriteOp, from: number, count: number, what: string) => {
        const chunk = new AdaptiveChunk({
          maxRows: context.dialect.caps.maxRowsPerStatement,
          maxBytes: statementBytes(context.maxAllowedPacket),
          targetMs: context.dialect.caps.targetStatementMs,
        });
        for (let start = from; start < from + count; ) {
          const size = Math.min(chunk.size, from + count - start);
          let elapsedMs: number;
          try {
            const label = `${what} staged rows ${rangeText(start, size)} into \`${table}\``;
            ({ elapsedMs } = await run.execute(sql, [start, start + size - 1], { label, shrinkable: true, rows: size, count: counting(op, start, start + size - 1) }));
          } catch (error) {
            if (mustShrink(error) && chunk.halve(size)) continue;
            throw error;
          }
          chunk.record(size, elapsedMs);
          start += size;
          done += size;
          context.onProgress({ sync: plan.name, step: 'write', done, total });
        }
      };
      // Whatever the mode: rows the plan found absent are inserted, present and different updated.
      if (added.count) await merge(mergeInsertSql(table, staging, plan.columns), 'insert', added.firstPk, added.count, 'inserting');
      if (changed.count) await merge(mergeUpdateSql(table, staging, plan.columns), 'update', changed.firstPk, changed.count, 'updating');
      if (removed.count) await merge(mergeDeleteSql(table, staging, plan.columns), 'delete', removed.firstPk, removed.count, 'deleting');
    },

    async cleanup() {
      // This run's own table: dropped even when the table lock was lost meanwhile.
      if (created) await run.execute(dropTableSql(staging), [], { label: `dropping staging table \`${staging}\``, ignoreLock: true });
    },
  };
}

/**
 * Staging inserts have a fixed size (the byte budget usually binds first): halved when the server
 * refuses one as too big or too slow, and never grown back.
 */
class FixedChunk implements ChunkPolicy {
  constructor(public size: number) {}

  record(): void {}

  halve(failedRows: number): boolean {
    if (failedRows <= 1) return false;
    this.size = Math.max(1, Math.floor(failedRows / 2));
    return true;
  }
}
