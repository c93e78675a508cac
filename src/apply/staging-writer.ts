/**
 * The set-based writer (SPEC 4.4): load the planned rows into a staging table, then merge with
 * INSERT … SELECT [… ON DUPLICATE KEY UPDATE], UPDATE … JOIN and DELETE … JOIN, chunked by `_pk`.
 */
import type { Row } from '../model/row.js';
import { modeRule } from '../plan/mode-rules.js';
import { rowBatches, type PlannedRows } from '../plan/planned-rows.js';
import { ER_TABLE_EXISTS, errorNumber } from '../dialect/dialect.js';
import { AdaptiveChunk, statementBytes } from './chunking.js';
import { rangeText } from './pack.js';
import { arrayBatches, CLAIM_ROWS, sendRows, type ChunkPolicy, type RowFeed } from './row-statements.js';
import { stagingTableName } from './staging-names.js';
import {
  createStagingSql,
  dropTableSql,
  mergeDeleteSql,
  mergeInsertSql,
  mergeUpdateSql,
  literalsFor,
  stagingInsertPrefix,
  stagingTuple,
  STAGING_INSERT_SUFFIX,
  type DiffOp,
} from './staging-sql.js';
import { mustShrink, type WriteContext, type Writer } from './writer.js';


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
  const staging = stagingTableName(plan.table, context.runId);
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
          onDone: (rows) => {
            done += rows;
            context.onProgress({ sync: plan.name, step: 'stage', done, total });
          },
        }).finally(() => feed.return?.(undefined)); // closes a spill file left half read
      }
    },

    async write() {
      const rule = modeRule(plan.mode);
      const upsert = rule.added === 'insert' && rule.changed === 'update';
      const [added, changed, removed] = segments as [Segment, Segment, Segment];
      const table = plan.table;
      let done = 0;
      // Each merge covers a `_pk` range of the staging table: sending it again (after a lost
      // connection) writes the same rows to the same values, so retries are safe.
      const merge = async (sql: string, from: number, count: number, what: string) => {
        const chunk = new AdaptiveChunk({
          maxRows: context.dialect.caps.maxRowsPerStatement,
          maxBytes: statementBytes(context.maxAllowedPacket),
          targetMs: context.dialect.caps.targetStatementMs,
        });
        for (let start = from; start < from + count; ) {
          const size = Math.min(chunk.size, from + count - start);
          let elapsedMs: number;
          try {
            ({ elapsedMs } = await run.execute(sql, [start, start + size - 1], { label: `${what} staged rows ${rangeText(start, size)} into \`${table}\``, shrinkable: true, rows: size }));
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
      if (upsert) {
        // Added and changed rows are adjacent `_pk` ranges: one INSERT … ON DUPLICATE KEY UPDATE covers both.
        await merge(mergeInsertSql(table, staging, plan.columns, true), added.firstPk, added.count + changed.count, 'upserting');
      } else {
        if (added.count) await merge(mergeInsertSql(table, staging, plan.columns, false), added.firstPk, added.count, 'inserting');
        if (changed.count) await merge(mergeUpdateSql(table, staging, plan.columns), changed.firstPk, changed.count, 'updating');
      }
      if (removed.count) await merge(mergeDeleteSql(table, staging, plan.columns), removed.firstPk, removed.count, 'deleting');
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
