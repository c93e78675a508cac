/** The human summary of an apply: counts the server reported, in words that agree with them. */
import { describe, expect, it } from 'vitest';
import type { SyncRunReport } from '../../../src/apply/run-report.js';
import { renderReport } from '../../../src/render/report.js';

function applied(statements: number, maxRowsPerStatement: number): SyncRunReport {
  return { name: 's', table: 't', status: 'applied', ddl: [], strategy: 'direct', rows: { insert: 1, update: 0, delete: 0 }, statements, maxStatementMs: 4, medianStatementMs: 3, maxRowsPerStatement, elapsedMs: 20 };
}

describe('renderReport', () => {
  it('says 1 statement of at most 1 row, and 2 statements of at most 1,500 rows', () => {
    expect(renderReport({ ok: true, syncs: [applied(1, 1)] })).toContain('✔ s: applied +1 ~0 -0, 0 DDL with the direct writer (1 statement of at most 1 row, 0.0 s; statement time median 3 ms, max 4 ms)');
    expect(renderReport({ ok: true, syncs: [applied(2, 1500)] })).toContain('(2 statements of at most 1,500 rows,');
  });
});
