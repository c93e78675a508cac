/**
 * Saved plans (pure). A plan file is the JSON plan plus a plan id, the operations' fingerprints,
 * the manifest path relative to the file, and a digest of its own content. Apply re-plans from the
 * same inputs and applies only if every fingerprint still matches and the fresh plan shows what the
 * file shows (DDL, counts, samples) — then the fresh plan's operations are exactly the saved ones,
 * and they are what a reviewer of the file saw (issue 11: an edited file was applied as planned).
 */
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { operationsFingerprint } from './fingerprint.js';
import type { Plan } from './plan.js';
import { PLAN_FORMAT_VERSION, type PlanJson, type PlanJsonSync } from './plan-json.js';

export interface PlanFile extends PlanJson {
  readonly plan_id: string;
  /** sha256 of the file's content but this field and applied_at (see planFileDigest). */
  readonly file_digest?: string;
  /** Set once the plan has been applied: a plan file is applied at most once. */
  readonly applied_at?: string;
}

/** Builds the file content; the manifest path becomes relative to the plan file's directory. */
export function toPlanFile(plan: Plan, json: PlanJson, planFile: string, planId: string): PlanFile {
  const fingerprints = new Map(plan.syncs.map((sync) => [sync.name, operationsFingerprint(sync.schema.ddl, sync.rows?.ops)]));
  const content: PlanFile = {
    ...json,
    plan_id: planId,
    manifest: { ...json.manifest, path: relative(dirname(resolve(planFile)), plan.manifest) },
    syncs: json.syncs.map((sync) => ({ ...sync, fingerprints: { ...sync.fingerprints, operations: fingerprints.get(sync.name)! } })),
  };
  return { ...content, file_digest: planFileDigest(content) };
}

/**
 * The digest a plan file carries of itself: sha256 of its canonical JSON (keys sorted, no
 * whitespace), without `file_digest` and `applied_at` — so that apply's marker keeps it valid, and
 * a file reformatted by an editor or a JSON tool is still the same plan.
 */
export function planFileDigest(file: PlanFile): string {
  const { file_digest: _digest, applied_at: _applied, ...content } = file;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** Why the file is not the content pssync wrote (an edit), or undefined when it is. */
export function planFileEdit(file: PlanFile): string | undefined {
  if (typeof file.file_digest !== 'string') return 'it has no file_digest (it was edited, or written by an older pssync)';
  if (file.file_digest !== planFileDigest(file)) return 'its content no longer matches its file_digest: it was edited after pssync plan wrote it';
  return undefined;
}

/** JSON with object keys sorted at every level: one text for one value. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
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
  const savedNames = new Set(saved.syncs.map((sync) => sync.name));
  // Every sync apply would run must be one the file shows.
  for (const sync of freshJson.syncs) if (!savedNames.has(sync.name)) reasons.push(`sync "${sync.name}" would be applied, but the file does not show it`);
  for (const sync of saved.syncs) {
    const now = freshSyncs.get(sync.name);
    const plan = freshPlans.get(sync.name);
    if (!now || !plan) {
      reasons.push(`sync "${sync.name}" is no longer in the manifest`);
      continue;
    }
    reasons.push(...syncStaleReasons(sync, now, operationsFingerprint(plan.schema.ddl, plan.rows?.ops)));
  }
  if (reasons.length === 0 && saved.changes !== freshJson.changes) reasons.push(`the file shows ${saved.changes ? 'changes' : 'no changes'}, the plan made now ${freshJson.changes ? 'has changes' : 'has none'}`);
  return reasons;
}

function syncStaleReasons(saved: PlanJsonSync, now: PlanJsonSync, operations: string): string[] {
  const reasons: string[] = [];
  const where = `sync "${saved.name}"`;
  if (saved.fingerprints.source !== now.fingerprints.source) reasons.push(`${where}: the source changed`);
  if (saved.fingerprints.schema !== now.fingerprints.schema) reasons.push(`${where}: the schema of table \`${saved.table}\` changed`);
  if (saved.fingerprints.rows !== now.fingerprints.rows) reasons.push(`${where}: rows of table \`${saved.table}\` changed`);
  if (reasons.length === 0 && saved.fingerprints.operations !== operations) reasons.push(`${where}: the planned operations differ`);
  if (reasons.length === 0) reasons.push(...shownDifferences(saved, now).map((difference) => `${where}: ${difference}`));
  return reasons;
}

/**
 * Where the file shows something else than the plan apply would run: its DDL, counts or samples
 * (the same inputs give the same samples). With matching fingerprints only an edit gets here.
 */
function shownDifferences(saved: PlanJsonSync, now: PlanJsonSync): string[] {
  const differences: string[] = [];
  if (canonicalJson(saved.ddl) !== canonicalJson(now.ddl)) differences.push(`the file shows DDL ${JSON.stringify(saved.ddl)}, the plan made now runs ${JSON.stringify(now.ddl)}`);
  const counts = (rows: PlanJsonSync['rows']) => `+${rows.insert} ~${rows.update} -${rows.delete} (${rows.skip} skipped)`;
  if (canonicalJson(saved.rows) !== canonicalJson(now.rows)) differences.push(`the file shows ${counts(saved.rows)}, the plan made now ${counts(now.rows)}`);
  if (canonicalJson(saved.samples) !== canonicalJson(now.samples)) differences.push('the file shows other sample rows than the plan made now');
  return differences;
}
