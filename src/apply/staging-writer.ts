/**
 * The set-based writer (SPEC 4.4): load the planned rows into a staging table, then merge with
 * INSERT … SELECT [… ON DUPLICATE KEY UPDATE], UPDATE … JOIN and DELETE … JOIN, chunked by `_pk`.
 */
import type { Row } from '../model/row.js';
import { modeRule } from '../plan/mode-rules.js';
import { AdaptiveChunk, statementBytes } from './chunking.js';
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
  type DiffOp,
} from './staging-sql.js';
import type { WriteContext, Writer } from './writer.js';

/** Rows per staging INSERT; the byte budget usually binds first. */
const STAGING_ROWS_PER_STATEMENT = 10_000;

interface Segment {
  readonly op: DiffOp;
  readonly rows: readonly Row[];
  /** First `_pk` of the segment; `_pk`s are contiguous per op. */
  readonly firstPk: number;
}

export function stagingWriter(context: WriteContext): Writer {
  const { plan, run } = context;
  const staging = stagingTableName(plan.table, context.runId);
  const ops = plan.rows!.ops;
  const segments: Segment[] = [];
  let nextPk = 1;
  for (const [op, rows] of [['added', ops.inserts], ['changed', ops.updates], ['removed', ops.deletes]] as const) {
    segments.push({ op, rows, firstPk: nextPk });
    nextPk += rows.length;
  }
  const total = nextPk - 1;
  let created = false;

  return {
    async prepare() {
      if (total === 0) return;
      await run.execute(createStagingSql(staging, plan.columns));
      created = true;
      const prefix = stagingInsertPrefix(staging, plan.columns);
      const literals = literalsFor(plan.columns);
      const maxBytes = statementBytes(context.maxAllowedPacket);
      const maxRows = Math.min(STAGING_ROWS_PER_STATEMENT, context.dialect.caps.maxRowsPerStatement);
      let done = 0;
      for (const segment of segments) {
        let sql = prefix;
        let count = 0;
        const flush = async () => {
          if (count === 0) return;
          await run.execute(sql);
          done += count;
          context.onProgress({ sync: plan.name, step: 'stage', done, total });
          sql = prefix;
          count = 0;
        };
        for (let index = 0; index < segment.rows.length; index += 1) {
          const tuple = stagingTuple(segment.firstPk + index, segment.op, segment.rows[index]!, literals);
          if (count > 0 && (sql.length + tuple.length + 1 > maxBytes || count >= maxRows)) await flush();
          sql += count === 0 ? tuple : `,${tuple}`;
          count += 1;
        }
        await flush();
      }
    },

    async write() {
      const rule = modeRule(plan.mode);
      const upsert = rule.added === 'insert' && rule.changed === 'update';
      const [added, changed, removed] = segments as [Segment, Segment, Segment];
      const table = plan.table;
      let done = 0;
      const merge = async (sql: string, from: number, count: number) => {
        const chunk = new AdaptiveChunk({
          maxRows: context.dialect.caps.maxRowsPerStatement,
          maxBytes: statementBytes(context.maxAllowedPacket),
          targetMs: context.dialect.caps.targetStatementMs,
        });
        for (let start = from; start < from + count; ) {
          const size = Math.min(chunk.size, from + count - start);
          const { elapsedMs } = await run.execute(sql, [start, start + size - 1]);
          chunk.record(size, elapsedMs);
          start += size;
          done += size;
          context.onProgress({ sync: plan.name, step: 'write', done, total });
        }
      };
      if (upsert) {
        // Added and changed rows are adjacent `_pk` ranges: one INSERT … ON DUPLICATE KEY UPDATE covers both.
        await merge(mergeInsertSql(table, staging, plan.columns, true), added.firstPk, added.rows.length + changed.rows.length);
      } else {
        if (added.rows.length) await merge(mergeInsertSql(table, staging, plan.columns, false), added.firstPk, added.rows.length);
        if (changed.rows.length) await merge(mergeUpdateSql(table, staging, plan.columns), changed.firstPk, changed.rows.length);
      }
      if (removed.rows.length) await merge(mergeDeleteSql(table, staging, plan.columns), removed.firstPk, removed.rows.length);
    },

    async cleanup() {
      if (created) await context.db.execute(dropTableSql(staging));
    },
  };
}
