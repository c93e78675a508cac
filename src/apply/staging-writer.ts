/**
 * The set-based writer (SPEC 4.4): load the planned rows into a staging table, then merge with
 * INSERT … SELECT [… ON DUPLICATE KEY UPDATE], UPDATE … JOIN and DELETE … JOIN, chunked by `_pk`.
 */
import type { Row } from '../model/row.js';
import { modeRule } from '../plan/mode-rules.js';
import { errorNumber } from '../dialect/dialect.js';
import { AdaptiveChunk, statementBytes } from './chunking.js';
import { packRows, rangeText } from './pack.js';
import { packRowsAhead } from './pack-ahead.js';
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

/** ER_TABLE_EXISTS_ERROR */
const ER_TABLE_EXISTS = 1050;

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
      // Before the statement: if its answer is lost, the table may exist all the same.
      created = true;
      await run.execute(createStagingSql(staging, plan.columns), [], {
        label: `creating staging table \`${staging}\``,
        // A retry after a lost connection finds the table it created: this run's name is unique.
        doneOnRetry: (error) => errorNumber(error) === ER_TABLE_EXISTS,
      });
      const literals = literalsFor(plan.columns);
      const text = { prefix: stagingInsertPrefix(staging, plan.columns), suffix: STAGING_INSERT_SUFFIX };
      const maxBytes = statementBytes(context.maxAllowedPacket);
      let maxRows = Math.min(STAGING_ROWS_PER_STATEMENT, context.dialect.caps.maxRowsPerStatement);
      let done = 0;
      for (const segment of segments) {
        const tuple = (index: number) => stagingTuple(segment.firstPk + index, segment.op, segment.rows[index]!, literals);
        const rows = segment.rows.length;
        let next = rows > 0 ? packRows(rows, 0, { ...text, tuple }, maxRows, maxBytes) : undefined;
        for (let index = 0; next !== undefined; ) {
          const statement = next;
          const first = segment.firstPk + index;
          const running = run.execute(statement.sql, [], { label: `loading rows ${rangeText(first, statement.rows)} into staging table \`${staging}\``, shrinkable: true, rows: statement.rows });
          running.catch(() => undefined); // handled below, after the next statement is built
          // Pipelined (issue 7): the next statement is built while the server runs this one.
          const after = index + statement.rows;
          next = after < rows ? await packRowsAhead(rows, after, { ...text, tuple }, maxRows, maxBytes) : undefined;
          try {
            await running;
          } catch (error) {
            // Too big or too slow: the same rows again, in statements half the size.
            if (mustShrink(error) && statement.rows > 1) {
              maxRows = Math.max(1, Math.floor(statement.rows / 2));
              next = packRows(rows, index, { ...text, tuple }, maxRows, maxBytes);
              continue;
            }
            throw error;
          }
          index = after;
          done += statement.rows;
          context.onProgress({ sync: plan.name, step: 'stage', done, total });
        }
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
        await merge(mergeInsertSql(table, staging, plan.columns, true), added.firstPk, added.rows.length + changed.rows.length, 'upserting');
      } else {
        if (added.rows.length) await merge(mergeInsertSql(table, staging, plan.columns, false), added.firstPk, added.rows.length, 'inserting');
        if (changed.rows.length) await merge(mergeUpdateSql(table, staging, plan.columns), changed.firstPk, changed.rows.length, 'updating');
      }
      if (removed.rows.length) await merge(mergeDeleteSql(table, staging, plan.columns), removed.firstPk, removed.rows.length, 'deleting');
    },

    async cleanup() {
      // This run's own table: dropped even when the table lock was lost meanwhile.
      if (created) await run.execute(dropTableSql(staging), [], { label: `dropping staging table \`${staging}\``, ignoreLock: true });
    },
  };
}
