/** The human plan, Terraform-like: `+` insert, `~` update, `-` delete, `!` DDL. Reads the JSON plan. */
import type { ComparisonJson, JsonDiagnostic, PlanJson, PlanJsonSync, PlanJsonTable, ShardedKeyspaceJson } from '../plan/plan-json.js';
import { PLAIN, type Style } from './style.js';
import { plural, showChange, showRow } from './values.js';

export function diagnosticLine(diagnostic: JsonDiagnostic): string {
  const where = [diagnostic.file, diagnostic.line, diagnostic.column].filter((part) => part !== undefined).join(':');
  return `${where ? `${where}: ` : ''}${diagnostic.code}${diagnostic.path ? ` at ${diagnostic.path}` : ''}: ${diagnostic.message}`;
}

/** How a sync shares its table with others, or nothing when it writes the table alone. */
export function sharingLines(sync: PlanJsonSync, table: PlanJsonTable | undefined): string[] {
  if (!table) return [];
  const others = table.syncs.filter((name) => name !== sync.name);
  const lines: string[] = [];
  if (others.length) {
    const carrier = table.syncs[0]!;
    const ddl = table.ddl.length === 0 ? '' : carrier === sync.name ? '; the table\'s DDL, below, runs once for all of them' : `; the table's DDL is shown with sync ${carrier} and runs once`;
    lines.push(`table shared with sync ${others.join(', ')}${ddl}`);
  }
  if (table.not_planned.length && table.syncs[0] === sync.name) {
    lines.push(`also written by sync ${table.not_planned.join(', ')}, left out of this partial plan: ${table.ddl.length ? 'the DDL covers only the planned syncs\' columns' : 'their columns are not checked'}`);
  }
  return lines;
}

function renderSync(sync: PlanJsonSync, table: PlanJsonTable | undefined, style: Style): string[] {
  const target = `${sync.destination}.${sync.table}`;
  const what = sync.kind === 'audience' ? `audience "${sync.audience}" → ${target}` : target;
  const lines = [style.bold(`sync ${sync.name}: ${what} (${sync.mode})`)];
  for (const line of sharingLines(sync, table)) lines.push(style.dim(`  ${line}`));
  if (sync.sharded_keyspace) lines.push(style.dim(`  ${shardedKeyspaceLine(sync.sharded_keyspace)}`));
  for (const error of sync.errors) lines.push(style.red(`  ✗ ${diagnosticLine(error)}`));
  for (const warning of sync.warnings) lines.push(style.yellow(`  ⚠ ${diagnosticLine(warning)}`));
  for (const statement of sync.ddl) {
    lines.push(...statement.split('\n').map((line, index) => style.cyan(`  ${index === 0 ? '!' : ' '} ${line}`)));
  }
  if (sync.errors.length === 0) {
    const { insert, update, delete: deletes, skip } = sync.rows;
    lines.push(
      `  ${style.green(`+${insert} insert`)}  ${style.yellow(`~${update} update`)}  ${style.red(`-${deletes} delete`)}` +
        style.dim(`  (${skip} skipped, ${sync.unchanged} unchanged; ${plural(sync.source_rows, 'source row')}${partitionRowsText(sync)}, ${plural(sync.destination_rows, 'destination row')})`),
    );
    if (sync.comparison) lines.push(style.dim(`  ${comparisonLine(sync.comparison)}`));
    for (const row of sync.samples.insert) lines.push(style.green(`    + ${showRow(row)}`));
    for (const change of sync.samples.update) {
      const diffs = Object.entries(change.changes).map(([column, { before, after }]) => `${column}: ${showChange(before, after)}`);
      lines.push(style.yellow(`    ~ ${showRow(change.key)}  ${diffs.join('; ')}`));
    }
    for (const row of sync.samples.delete) lines.push(style.red(`    - ${showRow(row)}`));
    const shown = sync.samples.insert.length + sync.samples.update.length + sync.samples.delete.length;
    if (insert + update + deletes > shown) lines.push(style.dim(`    … ${insert + update + deletes - shown} more`));
  }
  if (sync.delete_guard) lines.push(style.red(`  ✗ delete guard: ${sync.delete_guard}; apply needs --allow-deletes`));
  return lines;
}

/** Where a partition's source rows came from: a filtered query, or the whole source read. */
function partitionRowsText(sync: PlanJsonSync): string {
  if (sync.other_partition_rows === undefined) return '';
  return sync.source_filtered ? ' in the partition (the source query sent only those)' : ` in the partition, ${sync.other_partition_rows} in others`;
}

/** Which writer a sharded keyspace gets, and why. */
export function shardedKeyspaceLine(keyspace: ShardedKeyspaceJson): string {
  const what = `Vitess keyspace ${keyspace.keyspace} is sharded (${keyspace.shards.length} shards: ${keyspace.shards.join(', ')})`;
  if (keyspace.strategy === 'staging') return `${what}: the staging writer cannot run there`;
  return `${what}: written by the direct writer (multi-row INSERT … ON DUPLICATE KEY UPDATE and key-list DELETE), which vtgate routes to each row's shard by its vindex`;
}

/** What a partitioned plan covers. */
export function partitionLine(partition: { readonly index: number; readonly count: number }): string {
  return `Partition ${partition.index} of ${partition.count}: only the rows whose key hashes into it (source and destination alike).`;
}

/** How the rows were compared, and what that read from the destination. */
export function comparisonLine(comparison: ComparisonJson): string {
  const bytes = comparison.bytes_read !== undefined ? `; ${bytesText(comparison.bytes_read)} read from the destination` : '';
  if (comparison.method === 'full') return `compared by reading every row (${comparison.reason ?? 'full read'})${bytes}`;
  const read = comparison.segments_read ? `${comparison.segments_read} differed (${`${comparison.row_hashes_read} row hash${comparison.row_hashes_read === 1 ? '' : 'es'}`} and ${plural(comparison.rows_read, 'row')} read)` : 'none differed';
  const why = comparison.reason ? ` (${comparison.reason})` : '';
  return `compared by checksums${why}: ${plural(comparison.segments, 'segment')}, ${read}${bytes}`;
}

function bytesText(bytes: number): string {
  if (bytes < 10_000) return `${bytes} bytes`;
  if (bytes < 10_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export function tableOf(plan: PlanJson, sync: PlanJsonSync): PlanJsonTable | undefined {
  return plan.tables?.find((table) => table.syncs.includes(sync.name));
}

export function renderText(plan: PlanJson, style: Style = PLAIN): string {
  const lines: string[] = [];
  lines.push(style.dim(`Legend: ${'!'} DDL  + insert  ~ update  - delete`));
  if (plan.partial) lines.push(style.yellow('Partial plan: only the syncs named with --sync.'));
  if (plan.partition) lines.push(style.yellow(partitionLine(plan.partition)));
  for (const error of plan.errors) lines.push(style.red(`✗ ${diagnosticLine(error)}`));
  for (const sync of plan.syncs) lines.push('', ...renderSync(sync, tableOf(plan, sync), style));
  const total = plan.syncs.reduce(
    (sum, sync) => ({
      ddl: sum.ddl + sync.ddl.length,
      insert: sum.insert + sync.rows.insert,
      update: sum.update + sync.rows.update,
      delete: sum.delete + sync.rows.delete,
    }),
    { ddl: 0, insert: 0, update: 0, delete: 0 },
  );
  const errors = plan.errors.length + plan.syncs.reduce((sum, sync) => sum + sync.errors.length, 0);
  lines.push('');
  if (errors > 0) lines.push(style.red(style.bold(`Plan has ${plural(errors, 'error')}; apply writes nothing until they are fixed.`)));
  else if (!plan.changes) lines.push(style.green(style.bold('No changes. The destination matches the manifest.')));
  else {
    lines.push(
      style.bold(
        `Plan: ${plural(total.ddl, 'DDL statement')}, ${total.insert} to insert, ${total.update} to update, ${total.delete} to delete.`,
      ),
    );
  }
  return lines.join('\n') + '\n';
}
