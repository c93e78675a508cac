/**
 * `pssync verify` as a value (pure): a plan made read-only, summarised as differences between each
 * sync's destination rows and its desired rows under its mode — rows missing (the mode would
 * insert them), differing (it would update them) and extra (it would delete them); rows the mode
 * leaves alone (an upsert's extra rows) are not differences. Sample rows show keys only unless
 * values are asked for: the output goes to CI logs.
 */
import type { JsonDiagnostic, JsonRow, PlanJson, PlanJsonSync } from './plan-json.js';
import type { Plan } from './plan.js';

export const VERIFY_FORMAT_VERSION = '1';

export interface VerifySyncJson {
  readonly name: string;
  readonly destination: string;
  readonly table: string;
  readonly mode: string;
  readonly audience?: string;
  readonly matches: boolean;
  readonly missing: number;
  readonly differing: number;
  readonly extra: number;
  /** DDL the table still needs (a column or the table itself missing). */
  readonly ddl_pending: number;
  readonly source_rows: number;
  readonly destination_rows: number;
  readonly comparison?: PlanJsonSync['comparison'];
  /** A few rows of each kind: their keys, or with `values` the whole rows (differing: key and changed columns). */
  readonly samples: { readonly missing: readonly JsonRow[]; readonly differing: readonly JsonRow[]; readonly extra: readonly JsonRow[] };
  readonly errors: readonly JsonDiagnostic[];
}

export interface VerifyJson {
  readonly format_version: string;
  readonly matches: boolean;
  /** `--partition K/N`: only that partition's rows were compared. */
  readonly partition?: { readonly index: number; readonly count: number };
  readonly syncs: readonly VerifySyncJson[];
  readonly errors: readonly JsonDiagnostic[];
}

export function toVerifyJson(plan: Plan, json: PlanJson, values: boolean): VerifyJson {
  const keysOf = new Map(plan.syncs.map((sync) => [sync.name, sync.columns.filter((column) => column.isKey).map((column) => column.name)]));
  const syncs = json.syncs.map((sync) => verifySync(sync, keysOf.get(sync.name) ?? [], values));
  const errors = json.errors;
  return { format_version: VERIFY_FORMAT_VERSION, matches: errors.length === 0 && syncs.every((sync) => sync.matches), ...(json.partition ? { partition: json.partition } : {}), syncs, errors };
}

/** 0: everything matches; 2: something differs; 1: an error (nothing could be compared for sure). */
export function verifyExitCode(result: VerifyJson): number {
  if (result.errors.length > 0 || result.syncs.some((sync) => sync.errors.length > 0)) return 1;
  return result.matches ? 0 : 2;
}

function verifySync(sync: PlanJsonSync, keys: readonly string[], values: boolean): VerifySyncJson {
  const only = (row: JsonRow): JsonRow => (values ? row : Object.fromEntries(keys.map((key) => [key, row[key] ?? null])));
  const differing = sync.samples.update.map(({ key, changes }) =>
    values ? { ...key, ...Object.fromEntries(Object.entries(changes).map(([column, { before, after }]) => [column, `${before ?? 'NULL'} → ${after ?? 'NULL'}`])) } : key,
  );
  const { insert, update, delete: extra } = sync.rows;
  return {
    name: sync.name,
    destination: sync.destination,
    table: sync.table,
    mode: sync.mode,
    ...(sync.audience !== undefined ? { audience: sync.audience } : {}),
    matches: sync.errors.length === 0 && insert + update + extra === 0 && sync.ddl.length === 0,
    missing: insert,
    differing: update,
    extra,
    ddl_pending: sync.ddl.length,
    source_rows: sync.source_rows,
    destination_rows: sync.destination_rows,
    ...(sync.comparison ? { comparison: sync.comparison } : {}),
    samples: { missing: sync.samples.insert.map(only), differing, extra: sync.samples.delete.map(only) },
    errors: sync.errors,
  };
}
