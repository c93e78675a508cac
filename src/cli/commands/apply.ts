/**
 * `pssync apply`: lock the tables, plan, show, confirm (TTY) or require --auto-approve, then execute.
 * `pssync apply PLANFILE`: lock the tables, re-plan from the same inputs, refuse if anything
 * changed since the plan was saved, otherwise apply it (a saved plan was reviewed already: no
 * prompt) — once. The locks are held from before the plan to the end (table-locks.ts).
 */
import { randomBytes } from 'node:crypto';
import { applyPlan } from '../../apply/executor.js';
import { lockTables, type HeldTableLocks } from '../../apply/table-locks.js';
import { Destinations, sessionsOf } from '../../destinations.js';
import type { Config } from '../../manifest/types.js';
import { PssyncError } from '../../model/errors.js';
import { makePlan, selectSyncs } from '../../pipeline.js';
import { planFileManifest, staleReasons } from '../../plan/plan-file.js';
import { planHasErrors } from '../../plan/plan.js';
import { renderReport } from '../../render/report.js';
import { renderText } from '../../render/text.js';
import type { CliIo } from '../io.js';
import { loadConfig } from '../load.js';
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
}

export async function applyCommand(args: ApplyArgs, io: CliIo): Promise<number> {
  if (args.planFile) return applySavedPlan(args, args.planFile, io);
  if (!args.autoApprove && !io.interactive) {
    throw new PssyncError('PSSYNC_E_CONFIRM', 'apply needs confirmation, and there is no terminal to ask on; review the plan and pass --auto-approve');
  }
  const config = await loadConfig(io, manifestPath(args.file, io.env, io.cwd));
  if (!config) return 1;
  // Applied at once, never saved: no fingerprints to take.
  return planUnderLock(io, config, args, args.sync, false, async (session, locks) => {
    if (!reviewable(session, io)) return 1;
    if (!hasWork(session)) return 0;
    if (!args.autoApprove) {
      const answer = await io.ask('Apply these changes? Only "yes" is accepted: ');
      if (answer.trim() !== 'yes') {
        io.err('Apply cancelled; nothing was written.\n');
        return 1;
      }
    }
    return execute(session, locks, args, io);
  });
}

async function applySavedPlan(args: ApplyArgs, planFile: string, io: CliIo): Promise<number> {
  if (args.file || args.sync?.length) {
    throw new PssyncError('PSSYNC_E_USAGE', 'a saved plan is applied as planned: -f and --sync cannot be combined with a plan file');
  }
  const saved = await readPlanFile(planFile);
  if (saved.applied_at) {
    throw new PssyncError('PSSYNC_E_PLAN_APPLIED', `plan ${saved.plan_id} in ${planFile} was applied at ${saved.applied_at}; a plan is applied once. Run pssync plan again`);
  }
  const config = await loadConfig(io, planFileManifest(planFile, saved));
  if (!config) return 1;
  return planUnderLock(io, config, args, saved.partial ? saved.selected_syncs : undefined, true, async (session, locks) => {
    const reasons = staleReasons(saved, session.plan, session.json);
    if (reasons.length) {
      throw new PssyncError('PSSYNC_E_PLAN_STALE', `the saved plan is stale; nothing was written:\n  - ${reasons.join('\n  - ')}\nRun pssync plan again and review the new plan.`);
    }
    if (!reviewable(session, io)) return 1;
    const code = hasWork(session) ? await execute(session, locks, args, io) : 0;
    if (code === 0) await writePlanFile(planFile, { ...saved, applied_at: new Date().toISOString() });
    return code;
  });
}

/** Takes the locks of the tables the syncs write, plans, runs `body`; releases and closes at the end. */
async function planUnderLock(
  io: CliIo,
  config: Config,
  args: ApplyArgs,
  syncNames: readonly string[] | undefined,
  fingerprints: boolean,
  body: (session: PlanSession, locks: HeldTableLocks) => Promise<number>,
): Promise<number> {
  const destinations = new Destinations(config);
  let locks: HeldTableLocks | undefined;
  try {
    locks = await lockTables(selectSyncs(config, syncNames), sessionsOf(config, destinations), {
      timeoutSeconds: args.lockTimeout,
      onWait: (table, holder) => io.err(`table \`${table}\`: waiting up to ${args.lockTimeout} s for ${holder}\n`),
    });
    return await body(await planSession(io, config, syncNames, true, fingerprints, destinations), locks);
  } finally {
    await locks?.releaseAll();
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

async function execute(session: PlanSession, locks: HeldTableLocks, args: ApplyArgs, io: CliIo): Promise<number> {
  const report = await applyPlan(session.plan, session.sessionFor, {
    heldLocks: locks,
    allowDeletes: args.allowDeletes,
    lockTimeoutSeconds: args.lockTimeout,
    runId: randomBytes(4).toString('hex'),
    runner: listrRunner({ enabled: true, interactive: io.liveProgress, verb: 'apply' }),
    // After a writer other than pssync changed a table's schema: is this plan still what it needs?
    replan: async (syncs) => (await makePlan(session.config, session.destinations, { syncs: syncs.map((sync) => sync.name), fingerprints: false })).syncs,
  });
  io.err(renderReport(report, io.stderrStyle));
  return report.ok ? 0 : 1;
}
