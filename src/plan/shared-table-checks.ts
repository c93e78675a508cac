/**
 * Syncs sharing one table must stay disjoint as the column compares their constants (pure, given
 * the equality): `VIP` and `vip` under a _ci collation, or INT scopes `1` and `01`, are one value
 * to the server, so each sync would read the other's rows as its own and overwrite (in mirror and
 * remove modes, delete) them. The manifest check (manifest/shared-tables.ts) compared the values
 * as written; this compares the canonical values under the destination's own equality.
 */
import type { Position } from '../manifest/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { TargetColumn } from '../mapping/target-columns.js';
import type { SyncPlan } from './plan.js';
import { groupByTable } from './table-plan.js';

/** Whether the server holds two canonical values of `column` in `destination` to be one key value. */
export type ConstantEquality = (destination: string, column: TargetColumn, first: string, second: string) => Promise<boolean>;

interface Constant {
  readonly column: TargetColumn;
  readonly value: string;
  readonly given: string;
}

export async function sharedTableChecks(syncs: readonly SyncPlan[], equal: ConstantEquality): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  // A sync whose planning stopped before its columns were resolved has nothing to compare.
  for (const shared of groupByTable(syncs.filter((planned) => planned.columns.length > 0))) {
    for (let later = 1; later < shared.length; later += 1) {
      for (let earlier = 0; earlier < later; earlier += 1) {
        const problem = await overlap(shared[earlier]!, shared[later]!, equal);
        if (problem) diagnostics.push(problem);
      }
    }
  }
  return diagnostics;
}

/** An error when no column is constant in both syncs with values the server tells apart. */
async function overlap(first: SyncPlan, second: SyncPlan, equal: ConstantEquality): Promise<Diagnostic | undefined> {
  const firstConstants = new Map(constantsOf(first).map((constant) => [constant.column.name.toLowerCase(), constant]));
  const common: Array<readonly [Constant, Constant]> = [];
  for (const constant of constantsOf(second)) {
    const other = firstConstants.get(constant.column.name.toLowerCase());
    if (!other) continue;
    if (!(await equal(first.destination, other.column, other.value, constant.value))) return undefined;
    common.push([other, constant]);
  }
  const same = common.length
    ? common.map(([a, b]) => `\`${a.column.name}\` ${JSON.stringify(a.given)} and ${JSON.stringify(b.given)} ${sameness(a, b)}`).join(', ')
    : 'no column is constant in both';
  const where = positionOf(common[0]?.[1]);
  return {
    code: 'PSSYNC_E_SCOPE',
    severity: 'error',
    message:
      `syncs ${named(first, common[0]?.[0])} and ${named(second, common[0]?.[1])} both write table \`${second.table}\`, and their rows are not kept apart: ${same}. ` +
      "Each would read the other's rows as its own and overwrite them (in mirror and remove modes, delete them); give them values the column tells apart" +
      (common.some(([a]) => collated(a.column)) ? ' (or give the column a binary collation such as utf8mb4_bin)' : ''),
    ...(where ? { file: where.file, line: where.line, column: where.column, path: where.path } : {}),
  };
}

function positionOf(constant: Constant | undefined): Position | undefined {
  const origin = constant?.column.origin;
  return origin?.kind === 'constant' ? origin.position : undefined;
}

/** A sync's name, with the manifest line of its constant when known (one manifest holds every sync). */
function named(sync: SyncPlan, constant: Constant | undefined): string {
  const position = positionOf(constant);
  return `\`${sync.name}\`${position ? ` (line ${position.line})` : ''}`;
}

function sameness(first: Constant, second: Constant): string {
  if (collated(first.column)) return `are equal under collation ${first.column.collation!}`;
  if (first.value === first.given && second.value === second.given) return 'are the same';
  return `are the same ${first.column.type.sql} value (${first.value})`;
}

/** Text compared under a collation (as row-key.ts keys it): character columns with one. */
function collated(column: TargetColumn): boolean {
  return column.collation !== undefined && ['char', 'varchar', 'text'].includes(column.type.family);
}

function constantsOf(sync: SyncPlan): Constant[] {
  return sync.columns.flatMap((column) =>
    column.origin.kind === 'constant' ? [{ column, value: column.origin.value, given: column.origin.given ?? column.origin.value }] : [],
  );
}
