/**
 * The whole flow on one screen:
 *   manifest → Config;  source → desired rows;  destination → actual schema + rows;
 *   desired × actual → Plan (pure);  Plan → apply → RunReport.
 * Plan: each sync on its own (plan-sync.ts), then the syncs of one table merged into one DDL, then
 * the checks across syncs. Apply: lock the tables, plan under the locks, review, apply, release.
 * Everything else is a room this file calls.
 */
import { applyPlan, type ApplyOptions } from './apply/executor.js';
import type { RunReport } from './apply/run-report.js';
import { lockTables, type HeldTableLocks } from './apply/table-locks.js';
import { sessionsOf, type Destinations } from './destinations.js';
import { keyValuesEqual } from './introspect/collation-probe.js';
import { COMPARE_METHODS, type CompareMethod, type Config, type SyncConfig } from './manifest/types.js';
import { PssyncError } from './model/errors.js';
import { destinationIdentity } from './plan/fingerprint.js';
import type { Plan } from './plan/plan.js';
import { sharedTableChecks } from './plan/shared-table-checks.js';
import { planTables } from './plan/table-plan.js';
import { planSync, sharedUniqueKeys, tableLimits } from './plan-sync.js';
import { sequentialRunner, type SyncRunner } from './progress.js';

export interface PlanOptions {
  /** Plan only these syncs (`--sync`). */
  readonly syncs?: readonly string[];
  readonly now?: () => Date;
  readonly runner?: SyncRunner;
  /**
   * Fingerprint the source and the destination rows (default true): what a saved plan is checked
   * against. Reading the source file twice and hashing every destination row costs ~10% of a
   * large plan, so plans that are only shown or applied at once skip it (the fields are then '').
   */
  readonly fingerprints?: boolean;
  /** Overrides each sync's `compare` (`--compare`, or the PSSYNC_COMPARE self-check: see compare-rows.ts). */
  readonly compare?: CompareMethod;
}

export function selectSyncs(config: Config, names: readonly string[] | undefined): readonly SyncConfig[] {
  if (!names || names.length === 0) return config.syncs;
  const unknown = names.filter((name) => !config.syncs.some((sync) => sync.name === name));
  if (unknown.length) {
    const known = config.syncs.map((sync) => sync.name).join(', ');
    throw new PssyncError('PSSYNC_E_USAGE', `unknown sync ${unknown.map((name) => `"${name}"`).join(', ')} (the manifest has: ${known})`);
  }
  return config.syncs.filter((sync) => names.includes(sync.name));
}

/**
 * How a sync's rows are compared: `options.compare` (`--compare`), else the manifest's `compare`,
 * and where that is `auto`, the PSSYNC_COMPARE environment variable when set — the switch that
 * runs the test suite with `both` (every plan made both ways, refused when they disagree).
 */
function compareMethodOf(sync: SyncConfig, override: CompareMethod | undefined): CompareMethod {
  if (override) return override;
  if (sync.compare !== 'auto') return sync.compare;
  const fromEnvironment = process.env.PSSYNC_COMPARE;
  if (fromEnvironment === undefined || fromEnvironment === '') return 'auto';
  if (!COMPARE_METHODS.includes(fromEnvironment as CompareMethod)) throw new PssyncError('PSSYNC_E_USAGE', `PSSYNC_COMPARE must be one of ${COMPARE_METHODS.join(', ')} (it is ${JSON.stringify(fromEnvironment)})`);
  return fromEnvironment as CompareMethod;
}

export async function makePlan(config: Config, destinations: Destinations, options: PlanOptions = {}): Promise<Plan> {
  const now = options.now ?? (() => new Date());
  const runner = options.runner ?? sequentialRunner;
  const selected = selectSyncs(config, options.syncs);
  const fingerprinting = options.fingerprints ?? true;
  const planned = await runner(selected, (sync, onProgress) => planSync(config, sync, destinations, onProgress, { fingerprinting, compare: compareMethodOf(sync, options.compare) }));
  // Syncs sharing a table get one DDL for it, run once (table-plan.ts).
  const { syncs: merged, tables } = planTables(planned, config.syncs);
  const syncs = await sharedUniqueKeys(merged, destinations);
  return {
    manifest: config.file,
    manifestDigest: config.digest,
    createdAt: now().toISOString(),
    partial: selected.length !== config.syncs.length,
    ...(config.partition ? { partition: config.partition } : {}),
    destinations: Object.fromEntries(
      [...new Set(selected.map((sync) => sync.destination))].map((name) => [name, destinationIdentity(config.destinations.get(name)!)]),
    ),
    syncs,
    tables,
    diagnostics: [
      ...(await tableLimits(syncs, destinations)),
      // Constants of syncs sharing a table, compared as the server compares them (issue 11).
      ...(await sharedTableChecks(syncs, async (destination, column, a, b) => keyValuesEqual((await destinations.get(destination)).collations, column, a, b))),
    ],
  };
}

export interface LockedApply<Planned extends { readonly plan: Plan }> {
  /** Apply only these syncs (`--sync`, or a saved partial plan's). */
  readonly syncs?: readonly string[];
  readonly lockTimeoutSeconds: number;
  /** Told when a table's lock is held by another apply and this one waits. */
  readonly onLockWait?: (table: string, holder: string) => void;
  /** Makes the plan, once the locks are held (the CLI adds progress and its JSON). */
  readonly plan: () => Promise<Planned>;
  /** Shows, confirms, compares with a saved plan: undefined to apply, else the exit code to stop with. */
  readonly review: (planned: Planned) => Promise<number | undefined>;
  readonly apply: Omit<ApplyOptions, 'heldLocks'>;
}

/**
 * Apply: the tables the syncs write are locked before the plan is made, so no other apply can
 * change them between plan and write (table-locks.ts); the locks are held through the review
 * (a prompt too, as Terraform holds its state lock) and released at the end, whatever happens.
 */
export async function applyUnderLocks<Planned extends { readonly plan: Plan }>(config: Config, destinations: Destinations, flow: LockedApply<Planned>): Promise<{ readonly code: number } | { readonly report: RunReport }> {
  let locks: HeldTableLocks | undefined;
  try {
    const sessionFor = sessionsOf(config, destinations);
    locks = await lockTables(selectSyncs(config, flow.syncs), sessionFor, { timeoutSeconds: flow.lockTimeoutSeconds, ...(flow.onLockWait ? { onWait: flow.onLockWait } : {}), ...(config.partition ? { partition: config.partition } : {}) });
    const planned = await flow.plan();
    const stop = await flow.review(planned);
    if (stop !== undefined) return { code: stop };
    return { report: await applyPlan(planned.plan, sessionFor, { ...flow.apply, heldLocks: locks }) };
  } finally {
    await locks?.releaseAll();
  }
}
