import { describe, expect, it } from 'vitest';
import type { SafetyConfig } from '../../../src/manifest/types.js';
import { deleteGuardViolation, tableLimitDiagnostic } from '../../../src/plan/checks.js';
import type { SyncPlan } from '../../../src/plan/plan.js';
import { NO_ROWS } from '../../helpers/plan-builders.js';
import type { RowDiff } from '../../../src/plan/row-diff.js';

function rows(deletes: number, actualRows: number): RowDiff {
  return {
    ops: { inserts: NO_ROWS, updates: NO_ROWS, deletes: [] },
    counts: { insert: 0, update: 0, delete: deletes, skip: 0, unchanged: actualRows - deletes },
    samples: { insert: [], update: [], delete: [] },
    actualRows,
  };
}

/** deleteGuardViolation reads a sync's safety settings, its row diff, and how many source rows were accepted. */
function syncPlan(safety: SafetyConfig, diff: RowDiff | undefined): SyncPlan {
  const plan: Pick<SyncPlan, 'name' | 'mode' | 'safety' | 'rows' | 'sourceRows' | 'rejections'> = {
    name: 'customer_ltv',
    mode: 'mirror',
    safety,
    sourceRows: 10,
    rejections: [],
    ...(diff ? { rows: diff } : {}),
  };
  return plan as SyncPlan;
}

describe('deleteGuardViolation: max_deletes', () => {
  it('exactly at the limit is fine', () => {
    expect(deleteGuardViolation(syncPlan({ maxDeletes: 1000 }, rows(1000, 100_000)))).toBeUndefined();
  });

  it('one over is refused, with the numbers', () => {
    expect(deleteGuardViolation(syncPlan({ maxDeletes: 1000 }, rows(1001, 100_000)))).toBe(
      '1001 deletes exceed safety.max_deletes (1000)',
    );
  });

  it('max_deletes: 0 forbids any delete, but a plan without deletes passes', () => {
    expect(deleteGuardViolation(syncPlan({ maxDeletes: 0 }, rows(1, 10)))).toBe('1 deletes exceed safety.max_deletes (0)');
    expect(deleteGuardViolation(syncPlan({ maxDeletes: 0 }, rows(0, 10)))).toBeUndefined();
  });
});

describe('deleteGuardViolation: max_delete_ratio', () => {
  it('exactly at the ratio is fine', () => {
    expect(deleteGuardViolation(syncPlan({ maxDeleteRatio: 0.2 }, rows(20, 100)))).toBeUndefined();
    expect(deleteGuardViolation(syncPlan({ maxDeleteRatio: 0.3 }, rows(3, 10)))).toBeUndefined();
    expect(deleteGuardViolation(syncPlan({ maxDeleteRatio: 0.07 }, rows(7, 100)))).toBeUndefined();
  });

  it('one row over is refused, with the percentage', () => {
    expect(deleteGuardViolation(syncPlan({ maxDeleteRatio: 0.2 }, rows(21, 100)))).toBe(
      '21 of 100 rows deleted (21.0%) exceeds safety.max_delete_ratio (0.2)',
    );
  });

  it('ratio 1 allows deleting everything; ratio 0 allows nothing', () => {
    expect(deleteGuardViolation(syncPlan({ maxDeleteRatio: 1 }, rows(50, 50)))).toBeUndefined();
    expect(deleteGuardViolation(syncPlan({ maxDeleteRatio: 0 }, rows(1, 50)))).toBe(
      '1 of 50 rows deleted (2.0%) exceeds safety.max_delete_ratio (0)',
    );
  });

  it('max_deletes is checked first when both are set', () => {
    const plan = syncPlan({ maxDeletes: 5, maxDeleteRatio: 0.01 }, rows(6, 10));
    expect(deleteGuardViolation(plan)).toBe('6 deletes exceed safety.max_deletes (5)');
    expect(deleteGuardViolation(syncPlan({ maxDeletes: 5, maxDeleteRatio: 0.01 }, rows(5, 10)))).toBe(
      '5 of 10 rows deleted (50.0%) exceeds safety.max_delete_ratio (0.01)',
    );
  });
});

describe('deleteGuardViolation: nothing to guard', () => {
  it('no safety settings: any number of deletes passes', () => {
    expect(deleteGuardViolation(syncPlan({}, rows(1_000_000, 1_000_000)))).toBeUndefined();
  });

  it('no rows compared (planning stopped early)', () => {
    expect(deleteGuardViolation(syncPlan({ maxDeletes: 0, maxDeleteRatio: 0 }, undefined))).toBeUndefined();
  });
});

describe('tableLimitDiagnostic', () => {
  it('exactly at the limit (existing + created + staging) is fine', () => {
    expect(tableLimitDiagnostic('warehouse', 2045, 2, 1, 2048)).toBeUndefined();
    expect(tableLimitDiagnostic('warehouse', 2048, 0, 0, 2048)).toBeUndefined();
  });

  it('one over is an error naming the numbers', () => {
    expect(tableLimitDiagnostic('warehouse', 2046, 2, 1, 2048)).toEqual({
      code: 'PSSYNC_E_TABLE_LIMIT',
      severity: 'error',
      message: 'destination "warehouse" has 2046 tables; this plan needs 2 new and 1 staging table(s), over the limit of 2048',
    });
  });

  it('staging tables alone can push a full database over the limit', () => {
    expect(tableLimitDiagnostic('warehouse', 2048, 0, 1, 2048)?.code).toBe('PSSYNC_E_TABLE_LIMIT');
  });
});

describe('deleteGuardViolation: an empty source', () => {
  const empty = (sourceRows: number, rejected: number, diff: RowDiff): SyncPlan =>
    ({ ...syncPlan({}, diff), sourceRows, rejections: Array.from({ length: rejected }, (_, line) => ({ line, code: 'PSSYNC_E_ROW_VALUE', message: 'bad', fields: {} })) }) as SyncPlan;

  it('holds a mirror of an empty source that would delete rows, even without safety settings', () => {
    expect(deleteGuardViolation(empty(0, 0, rows(3, 3)))).toBe('the source is empty, so mirror would delete all 3 row(s) in scope');
  });

  it('holds a mirror whose every source row was rejected', () => {
    expect(deleteGuardViolation(empty(2, 2, rows(3, 3)))).toBe("every one of the source's 2 row(s) was rejected, so mirror would delete all 3 row(s) in scope");
  });

  it('does not hold an empty source that deletes nothing', () => {
    expect(deleteGuardViolation(empty(0, 0, rows(0, 0)))).toBeUndefined();
  });
});
