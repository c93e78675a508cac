/** Plan-time checks that look across a sync's numbers: delete guards and the table limit (pure). */
import type { Diagnostic } from '../model/diagnostic.js';
import type { SyncPlan } from './plan.js';

/** Why a sync's deletes exceed its safety thresholds, or undefined when they do not. */
export function deleteGuardViolation(sync: SyncPlan): string | undefined {
  const deletes = sync.rows?.counts.delete ?? 0;
  if (deletes === 0) return undefined;
  // An empty source is far more often a broken export than a wish to empty the table. Every row
  // rejected under max_rejected_rows leaves nothing to keep either.
  const accepted = sync.sourceRows - sync.rejections.length;
  if (accepted === 0) {
    const what = sync.sourceRows === 0 ? 'the source is empty' : `every one of the source's ${sync.sourceRows} row(s) was rejected`;
    return `${what}, so ${sync.mode} would delete all ${deletes} row(s) in scope`;
  }
  const { maxDeletes, maxDeleteRatio } = sync.safety;
  if (maxDeletes !== undefined && deletes > maxDeletes) {
    return `${deletes} deletes exceed safety.max_deletes (${maxDeletes})`;
  }
  const actual = sync.rows?.actualRows ?? 0;
  if (maxDeleteRatio !== undefined && actual > 0 && deletes / actual > maxDeleteRatio) {
    return `${deletes} of ${actual} rows deleted (${((deletes / actual) * 100).toFixed(1)}%) exceeds safety.max_delete_ratio (${maxDeleteRatio})`;
  }
  return undefined;
}

/**
 * The database must stay within its table limit, counting the tables this plan creates and
 * one staging table per applying sync.
 */
export function tableLimitDiagnostic(
  destination: string,
  existingTables: number,
  createdTables: number,
  stagingTables: number,
  maxTables: number,
): Diagnostic | undefined {
  const needed = existingTables + createdTables + stagingTables;
  if (needed <= maxTables) return undefined;
  return {
    code: 'PSSYNC_E_TABLE_LIMIT',
    severity: 'error',
    message: `destination "${destination}" has ${existingTables} tables; this plan needs ${createdTables} new and ${stagingTables} staging table(s), over the limit of ${maxTables}`,
  };
}
