/**
 * `pssync apply`: lock the tables, plan, show, confirm (TTY) or require --auto-approve, then execute.
 * `pssync apply PLANFILE`: lock the tables, re-plan from the same inputs, refuse if anything
 * changed since the plan was saved, otherwise apply it (a saved plan was reviewed already: no
 * prompt) — once. The locks are held from before the plan to the end (table-locks.ts).
 */
import { randomBytes } from 'node:crypto';
import { Destinations } from '../../destinations.js';
import type { CompareMethod, Config } from '../../manifest/types.js';
import { PssyncError } from '../../model/errors.js';
import { applyUnderLocks, makePlan } from '../../pipeline.js';
import { planFileManifest, staleReasons } from '../../plan/plan-file.js';
import { planHasErrors } from '../../plan/plan.js';
import { renderReport } from '../../render/report.js';
import { renderText } from '../../render/text.js';
import type { CliIo } from '../io.js';
import { loadConfig, withCompare, withPartition } from '../load.js';
import { describePartition, parsePartition, samePartition } from '../../model/partition.js';
import { verifyConfig } from './verify.js';
import { manifestPath } from '../manifest-path.js';
import { readPlanFile, writePlanFile } from '../plan-file-io.js';
import { planSession, type PlanSession } from '../plan-session.js';
import { listrRunner } from '../progress.js';

export interface ApplyArgs {
  readonly file?: string;
  readonly planFile?: string;
  readonly sync?: readonly string[];
  readonly autoApprove: boolean;
  readonly allowDeletes: boolean;
  readonly lockTimeout: number;
  readonly compare?: CompareMethod;
  /** Verify the destination after the apply (verify.ts); its exit code when the apply succeeded. */
  readonly verify?: boolean;
  /** `--partition K/N` (a saved plan carries its own). */
  readonly partition?: string;
}

export async function applyCommand(args: ApplyArgs, io: CliIo): Promise<number> {
  const applied = await applyOnly(args, io);
  if (applied.code !== 0 || !args.verify || !applied.config) return applied.code;
  io.err('Verifying the destination…\n');
  return verifyConfig(applied.config, { ...(applied.syncs ? { sync: applied.syncs } : {}), format: 'text', samples: false }, io);
}

/** The apply, and what a verify after it compares: the manifest and the syncs applied. */
async function applyOnly(args: ApplyArgs, io: CliIo): Promise<{ code: number; config?: Config; syncs?: readonly string[] }> {
  if (args.planFile) return applySavedPlan(args, args.planFile, io);
  if (!args.autoApprove && !io.interactive) {
    throw new PssyncError('PSSYNC_E_CONFIRM', 'apply needs confirmation, and there is no terminal to ask on; review the plan and pass --auto-approve');
  }
  const loaded = await loadConfig(io, manifestPath(args.file, io.env, io.cwd));
  if (!loaded) return { code: 1 };
  const config = withPartition(withCompare(loaded, args.compare), args.partition);
  // Applied at once, never saved: no fingerprints to take.
  const code = await planUnderLock(io, config, args, args.sync, false, async (session) => {
    if (!reviewable(session, io)) return 1;
    if (!hasWork(session)) return 0;
    if (!args.autoApprove) {
      const answer = await io.ask('Apply these changes? Only "yes" is accepted: ');
      if (answer.trim() !== 'yes') {
        io.err('Apply cancelled; nothing was written.\n');
        return 1;
      }
    }
    return undefined;
  });
  return { code, config, ...(args.sync?.length ? { syncs: args.sync } : {}) };
}

async function applySavedPlan(args: ApplyArgs, planFile: string, io: CliIo): Promise<{ code: number; config?: Config; syncs?: readonly string[] }> {
  if (args.file || args.sync?.length) {
    throw new PssyncError('PSSYNC_E_USAGE', 'a saved plan is applied as planned: -f and --sync cannot be combined with a plan file');
  }
  const saved = await readPlanFile(planFile);
  if (saved.applied_at) {
    throw new PssyncError('PSSYNC_E_PLAN_APPLIED', `plan ${saved.plan_id} in ${planFile} was applied at ${saved.applied_at}; a plan is applied once. Run pssync plan again`);
  }
  if (args.partition !== undefined && !samePartition(parsePartition(args.partition), saved.partition)) {
    throw new PssyncError('PSSYNC_E_USAGE', `the saved plan is ${saved.partition ? describePartition(saved.partition) : 'of every partition'}; --partition ${args.partition} cannot change that`);
  }
  const loaded = await loadConfig(io, planFileManifest(planFile, saved));
  if (!loaded) return { code: 1 };
  const config = withPartition(withCompare(loaded, args.compare), saved.partition);
  const code = await planUnderLock(io, config, args, saved.partial ? saved.selected_syncs : undefined, true, async (session) => {
    const reasons = staleReasons(saved, session.plan, session.json);
    if (reasons.length) {
      throw new PssyncError('PSSYNC_E_PLAN_STALE', `the saved plan is stale; nothing was written:\n  - ${reasons.join('\n  - ')}\nRun pssync plan again and review the new plan.`);
    }
    if (!reviewable(session, io)) return 1;
    return hasWork(session) ? undefined : 0;
  });
  if (code === 0) await writePlanFile(planFile, { ...saved, applied_at: new Date().toISOString() });
  return { code, config, ...(saved.partial ? { syncs: saved.selected_syncs } : {}) };
}

/**
 * Locks, plans, lets `review` decide (undefined: apply), applies and prints the report
 * (pipeline.ts: applyUnderLocks); closes the destinations at the end.
 */
async function planUnderLock(
  io: CliIo,
  config: Config,
  args: ApplyArgs,
  syncNames: readonly string[] | undefined,
  fingerprints: boolean,
  review: (session: PlanSession) => Promise<number | undefined>,
): Promise<number> {
  const destinations = new Destinations(config);
  try {
    const outcome = await applyUnderLocks(config, destinations, {
      ...(syncNames ? { syncs: syncNames } : {}),
      lockTimeoutSeconds: args.lockTimeout,
      onLockWait: (table, holder) => io.err(`table \`${table}\`: waiting up to ${args.lockTimeout} s for ${holder}\n`),
      plan: () => planSession(io, config, syncNames, true, fingerprints, destinations),
      review,
      apply: {
        allowDeletes: args.allowDeletes,
        lockTimeoutSeconds: args.lockTimeout,
        runId: randomBytes(4).toString('hex'),
        runner: listrRunner({ enabled: true, interactive: io.liveProgress, verb: 'apply' }),
        // After a writer other than pssync changed a table's schema: is this plan still what it needs?
        replan: async (syncs) => (await makePlan(config, destinations, { syncs: syncs.map((sync) => sync.name), fingerprints: false })).syncs,
      },
    });
    if ('code' in outcome) return outcome.code;
    io.err(renderReport(outcome.report, io.stderrStyle));
    return outcome.report.ok ? 0 : 1;
  } finally {
    await destinations.close();
  }
}

/** Prints the plan on stderr; false when it has errors (nothing may be applied). */
function reviewable(session: PlanSession, io: CliIo): boolean {
  io.err(renderText(session.json, io.stderrStyle));
  if (!planHasErrors(session.plan)) return true;
  io.err(io.stderrStyle.red('Nothing was applied: fix the errors above and run apply again.\n'));
  return false;
}

/** Changes to write, or rejected rows whose rejects file apply writes. */
function hasWork(session: PlanSession): boolean {
  // Staging tables left by a dead run are work too: apply drops them (under the table lock).
  return session.json.changes || session.plan.syncs.some((sync) => sync.rejections.length > 0 || sync.diagnostics.some((diagnostic) => diagnostic.code === 'PSSYNC_W_STAGING_LEFTOVER'));
}
