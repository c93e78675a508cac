/**
 * Syncs that write one table (same destination, same table name: MySQL table names compare
 * case-insensitively here) must agree on the key and be disjoint, or one sync reads the other's
 * rows as its own: it overwrites them, and in mirror/remove modes deletes them. Checked on the
 * values as written; plan/shared-table-checks.ts checks them again as the column compares them.
 */
import type { Diagnostic } from '../model/diagnostic.js';
import { tick } from './message-text.js';
import { AUDIENCE_COLUMN, type Position, type ScopeColumn, type SyncConfig } from './types.js';

export function sharedTableDiagnostics(syncs: readonly SyncConfig[]): Diagnostic[] {
  const byTable = new Map<string, SyncConfig[]>();
  for (const sync of syncs) {
    const table = `${sync.destination}\0${sync.table.toLowerCase()}`;
    byTable.set(table, [...(byTable.get(table) ?? []), sync]);
  }
  const diagnostics: Diagnostic[] = [];
  for (const shared of byTable.values()) {
    shared.forEach((later, index) => {
      for (const earlier of shared.slice(0, index)) diagnostics.push(...pairDiagnostics(earlier, later));
    });
  }
  return diagnostics;
}

function pairDiagnostics(earlier: SyncConfig, later: SyncConfig): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const both = `syncs ${tick(earlier.name)} (${where(earlier.position)}) and ${tick(later.name)} (${where(later.position)}) both write table ${tick(later.table)}`;
  const [earlierKey, laterKey] = [keyOf(earlier), keyOf(later)];
  if (!sameSet(earlierKey, laterKey)) {
    diagnostics.push(at(later, 'PSSYNC_E_SHARED_TABLE', `${both} with different keys: ${list(earlierKey)} and ${list(laterKey)}; syncs sharing a table must have the same key columns`));
  }
  const overlap = overlapReason(constantsOf(earlier), constantsOf(later), earlier.name, later.name);
  if (overlap) {
    diagnostics.push(at(later, 'PSSYNC_E_SCOPE', `${both}, and ${overlap}: each would read the other's rows as its own and overwrite them (in mirror and remove modes, delete them). Give each sync a scope (or audience) of its own`));
  }
  return diagnostics;
}

/** Why two syncs' rows may overlap, or undefined when some column is constant in both with different values. */
function overlapReason(first: readonly ScopeColumn[], second: readonly ScopeColumn[], firstName: string, secondName: string): string | undefined {
  if (first.length === 0 || second.length === 0) {
    const without = first.length === 0 && second.length === 0 ? 'neither has a scope' : `${tick(first.length === 0 ? firstName : secondName)} has no scope`;
    return without;
  }
  const values = new Map(first.map(({ column, value }) => [column.toLowerCase(), value]));
  const common = second.filter(({ column }) => values.has(column.toLowerCase()));
  if (common.some(({ column, value }) => values.get(column.toLowerCase()) !== value)) return undefined;
  if (common.length === 0) return `no column is constant in both (${list(first.map(({ column }) => column))} and ${list(second.map(({ column }) => column))})`;
  return `they have the same ${common.map(({ column, value }) => `${tick(column)} = ${JSON.stringify(value)}`).join(', ')}`;
}

/** The constants that keep a sync's rows apart: the audience name, and the scope. */
function constantsOf(sync: SyncConfig): readonly ScopeColumn[] {
  return sync.kind === 'audience' ? [{ column: AUDIENCE_COLUMN, value: sync.audience }, ...sync.scope] : sync.scope;
}

function keyOf(sync: SyncConfig): readonly string[] {
  return sync.kind === 'audience' ? [AUDIENCE_COLUMN, ...sync.memberKey] : sync.primaryKey;
}

function sameSet(first: readonly string[], second: readonly string[]): boolean {
  const folded = new Set(first.map((name) => name.toLowerCase()));
  const other = new Set(second.map((name) => name.toLowerCase()));
  return folded.size === other.size && [...folded].every((name) => other.has(name));
}

const list = (names: readonly string[]) => `[${names.join(', ')}]`;

/** Syncs are all in the one manifest: its line says which. */
const where = (position: Position) => `line ${position.line}`;

function at(sync: SyncConfig, code: Diagnostic['code'], message: string): Diagnostic {
  const { file, line, column, path } = sync.position;
  return { code, severity: 'error', message, file, line, column, path, sync: sync.name };
}
