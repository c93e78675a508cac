/** Shared by plan and apply: load the manifest, open destinations, make the plan with progress. */
import type { Config } from '../manifest/types.js';
import type { Plan } from '../plan/plan.js';
import { toPlanJson, type PlanJson } from '../plan/plan-json.js';
import { Destinations } from '../destinations.js';
import { makePlan } from '../pipeline.js';
import { VERSION } from '../version.js';
import type { CliIo } from './io.js';
import { listrRunner } from './progress.js';

export interface PlanSession {
  readonly config: Config;
  readonly plan: Plan;
  readonly json: PlanJson;
  readonly destinations: Destinations;
}

/**
 * `fingerprints`: false when the plan is neither saved, nor compared with a saved one, nor printed as JSON.
 * `destinations`: already opened (apply locks its tables first); closed here only on failure.
 */
export async function planSession(
  io: CliIo,
  config: Config,
  syncs: readonly string[] | undefined,
  progress: boolean,
  fingerprints = true,
  destinations = new Destinations(config),
): Promise<PlanSession> {
  try {
    const runner = listrRunner({ enabled: progress, interactive: io.liveProgress, verb: 'plan' });
    const plan = await makePlan(config, destinations, { ...(syncs ? { syncs } : {}), runner, fingerprints });
    const json = toPlanJson(plan, { version: VERSION, baseDir: io.cwd });
    return {
      config,
      plan,
      json,
      destinations,
    };
  } catch (error) {
    await destinations.close();
    throw error;
  }
}
