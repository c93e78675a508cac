/** `pssync show PLANFILE`: renders a saved plan, and warns when it has gone stale. */
import { errorMessage } from '../../model/errors.js';
import { planFileManifest, staleReasons } from '../../plan/plan-file.js';
import { loadManifest } from '../../manifest/load.js';
import type { CliIo } from '../io.js';
import { readPlanFile } from '../plan-file-io.js';
import { planSession } from '../plan-session.js';
import { renderPlan, type PlanFormat } from '../render-plan.js';

export interface ShowArgs {
  readonly planFile: string;
  readonly format: PlanFormat;
  readonly samples?: number;
}

export async function showCommand(args: ShowArgs, io: CliIo): Promise<number> {
  const saved = await readPlanFile(args.planFile);
  io.out(renderPlan(saved, args.format, io.stdoutStyle, args.samples));
  if (saved.applied_at) {
    io.err(io.stderrStyle.yellow(`⚠ this plan was applied at ${saved.applied_at}; it cannot be applied again.\n`));
    return 0;
  }
  const warning = await staleness(args.planFile, saved, io);
  if (warning) io.err(io.stderrStyle.yellow(`⚠ ${warning}\n`));
  return 0;
}

/** A warning when the plan is stale or its staleness cannot be checked; undefined when current. */
async function staleness(planFile: string, saved: Awaited<ReturnType<typeof readPlanFile>>, io: CliIo): Promise<string | undefined> {
  const { config } = await loadManifest(planFileManifest(planFile, saved), io.env);
  if (!config) return 'the manifest this plan was made from cannot be loaded, so its staleness was not checked';
  try {
    const session = await planSession(io, config, saved.partial ? saved.selected_syncs : undefined, false);
    try {
      const reasons = staleReasons(saved, session.plan, session.json);
      return reasons.length ? `this plan is stale (PSSYNC_E_PLAN_STALE); apply would refuse it:\n  - ${reasons.join('\n  - ')}` : undefined;
    } finally {
      await session.destinations.close();
    }
  } catch (error) {
    return `could not check whether this plan is stale: ${errorMessage(error)}`;
  }
}
