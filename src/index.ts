/**
 * The library API, which the CLI calls. Typical use:
 *   const { config } = await loadManifest('pssync.yaml', process.env);
 *   const destinations = new Destinations(config);
 *   const plan = await makePlan(config, destinations);
 *   const report = await applyPlan(plan, sessionsOf(config, destinations));
 *   await destinations.close();
 */
export { loadManifest, parseManifest } from './manifest/load.js';
export type { Config, SyncConfig, SourceConfig, DestinationConfig } from './manifest/types.js';
export { applyUnderLocks, makePlan, type LockedApply, type PlanOptions } from './pipeline.js';
export { Destinations, sessionsOf } from './destinations.js';
export { applyPlan, type ApplyOptions, type DestinationSession } from './apply/executor.js';
export type { RunReport, SyncRunReport } from './apply/run-report.js';
export type { Plan, SyncPlan } from './plan/plan.js';
export { planHasChanges, planHasErrors, planDiagnostics } from './plan/plan.js';
export { toPlanJson, type PlanJson } from './plan/plan-json.js';
export { renderText } from './render/text.js';
export { renderMarkdown } from './render/markdown.js';
export { formatDiagnostic, type Diagnostic } from './model/diagnostic.js';
export { PssyncError } from './model/errors.js';
export { VERSION } from './version.js';
