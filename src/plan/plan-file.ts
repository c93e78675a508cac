/**
 * Saved plans (pure). A plan file is the JSON plan plus a plan id, the operations' fingerprints,
 * and the manifest path relative to the file. Apply re-plans from the same inputs and applies only
 * if every fingerprint still matches — then the fresh plan's operations are exactly the saved ones.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { operationsFingerprint } from './fingerprint.js';
import type { Plan } from './plan.js';
import { PLAN_FORMAT_VERSION, type PlanJson, type PlanJsonSync } from './plan-json.js';

export interface PlanFile extends PlanJson {
  readonly plan_id: string;
  /** Set once the plan has been applied: a plan file is applied at most once. */
  readonly applied_at?: string;
}

/** Builds the file content; the manifest path becomes relative to the plan file's directory. */
export function toPlanFile(plan: Plan, json: PlanJson, planFile: string, planId: string): PlanFile {
  const fingerprints = new Map(plan.syncs.map((sync) => [sync.name, operationsFingerprint(sync.schema.ddl, sync.rows?.ops)]));
  return {
    ...json,
    plan_id: planId,
    manifest: { ...json.manifest, path: relative(dirname(resolve(planFile)), plan.manifest) },
    syncs: json.syncs.map((sync) => ({ ...sync, fingerprints: { ...sync.fingerprints, operations: fingerprints.get(sync.name)! } })),
  };
}

/** The manifest a plan file was made from, as an absolute path. */
export function planFileManifest(planFile: string, saved: PlanFile): string {
  return isAbsolute(saved.manifest.path) ? saved.manifest.path : resolve(dirname(resolve(planFile)), saved.manifest.path);
}

/** Why a parsed JSON value is not a plan file this version can apply, or undefined. */
export function planFileProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return 'not a JSON object';
  const file = value as Partial<PlanFile>;
  if (file.format_version !== PLAN_FORMAT_VERSION) return `format_version ${JSON.stringify(file.format_version)} is not ${PLAN_FORMAT_VERSION}`;
  if (typeof file.plan_id !== 'string') return 'no plan_id: this is plan output, not a file written by `pssync plan --out`';
  if (!Array.isArray(file.syncs) || typeof file.manifest?.digest !== 'string') return 'missing syncs or manifest digest';
  return undefined;
}

/**
 * What changed since the plan was saved, comparing it with a fresh plan of the same syncs;
 * empty when the saved plan is current.
 */
export function staleReasons(saved: PlanFile, fresh: Plan, freshJson: PlanJson): string[] {
  const reasons: string[] = [];
  if (saved.manifest.digest !== fresh.manifestDigest) reasons.push('the manifest changed');
  for (const [name, identity] of Object.entries(saved.destinations)) {
    if (fresh.destinations[name] !== identity) reasons.push(`destination "${name}" now points at a different database or user`);
  }
  const freshSyncs = new Map(freshJson.syncs.map((sync) => [sync.name, sync]));
  const freshPlans = new Map(fresh.syncs.map((sync) => [sync.name, sync]));
  for (const sync of saved.syncs) {
    const now = freshSyncs.get(sync.name);
    const plan = freshPlans.get(sync.name);
    if (!now || !plan) {
      reasons.push(`sync "${sync.name}" is no longer in the manifest`);
      continue;
    }
    reasons.push(...syncStaleReasons(sync, now, operationsFingerprint(plan.schema.ddl, plan.rows?.ops)));
  }
  return reasons;
}

function syncStaleReasons(saved: PlanJsonSync, now: PlanJsonSync, operations: string): string[] {
  const reasons: string[] = [];
  const where = `sync "${saved.name}"`;
  if (saved.fingerprints.source !== now.fingerprints.source) reasons.push(`${where}: the source changed`);
  if (saved.fingerprints.schema !== now.fingerprints.schema) reasons.push(`${where}: the schema of table \`${saved.table}\` changed`);
  if (saved.fingerprints.rows !== now.fingerprints.rows) reasons.push(`${where}: rows of table \`${saved.table}\` changed`);
  if (reasons.length === 0 && saved.fingerprints.operations !== operations) reasons.push(`${where}: the planned operations differ`);
  return reasons;
}
