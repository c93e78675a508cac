/**
 * The plan as a pull-request comment: summary table first, blocking items next, then one
 * <details> per sync. Sample values are left out by default (PR comments leak PII).
 */
import type { PlanJson, PlanJsonSync, PlanJsonTable } from '../plan/plan-json.js';
import { diagnosticLine, partitionLine, shardedKeyspaceLine, sharingLines, tableOf } from './text.js';
import { showChange, showRow } from './values.js';

export interface MarkdownOptions {
  /** Sample rows per operation to include; 0 (default) shows none. */
  readonly samples?: number;
}

/** GitHub refuses comments over 65,536 characters; stay clear of it. */
const MAX_CHARS = 60_000;

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The sync's <details> section, or undefined when it has nothing to show beyond its summary row. */
function details(sync: PlanJsonSync, table: PlanJsonTable | undefined, samples: number): string | undefined {
  const body: string[] = sharingLines(sync, table).map((line) => `- ${line}`);
  if (sync.sharded_keyspace) body.push(`- ${shardedKeyspaceLine(sync.sharded_keyspace)}`);
  if (sync.ddl.length) body.push('```sql', ...sync.ddl.map((statement) => `${statement};`), '```');
  if (samples > 0) {
    const lines = [
      ...sync.samples.insert.slice(0, samples).map((row) => `+ ${showRow(row)}`),
      ...sync.samples.update.slice(0, samples).map((change) =>
        `! ${showRow(change.key)} ${Object.entries(change.changes).map(([column, { before, after }]) => `${column}: ${showChange(before, after)}`).join('; ')}`,
      ),
      ...sync.samples.delete.slice(0, samples).map((row) => `- ${showRow(row)}`),
    ];
    if (lines.length) body.push('```diff', ...lines, '```');
  }
  for (const warning of sync.warnings) body.push(`- ⚠️ ${diagnosticLine(warning)}`);
  if (body.length === 0) return undefined;
  return [`<details><summary><code>${sync.name}</code> → <code>${sync.table}</code></summary>`, '', ...body, '', '</details>'].join('\n');
}

/** Appends lines while the text stays under the cap; says how many were left out. */
function appendWithin(text: string, lines: readonly string[], what: string, reserve: number): string {
  let result = text;
  for (const [index, line] of lines.entries()) {
    if (result.length + line.length + reserve > MAX_CHARS) {
      return `${result}\n_${lines.length - index} more ${what} not shown: the comment would exceed GitHub's size limit._\n`;
    }
    result += `${line}\n`;
  }
  return result;
}

export function renderMarkdown(plan: PlanJson, options: MarkdownOptions = {}): string {
  const head: string[] = [`### pssync plan${plan.partial ? ' (partial plan: only the syncs named with --sync)' : ''}`, ...(plan.partition ? [partitionLine(plan.partition)] : []), ''];
  if (!plan.changes) head.push('**No changes.** The destination matches the manifest.', '');
  head.push('| sync | table | mode | DDL | insert | update | delete | skip |', '|---|---|---|---:|---:|---:|---:|---:|');
  const total = { ddl: 0, insert: 0, update: 0, delete: 0, skip: 0 };
  for (const sync of plan.syncs) {
    const status = sync.errors.length ? ' ❌' : sync.delete_guard ? ' 🛑' : '';
    head.push(
      `| ${cell(sync.name)}${status} | ${cell(sync.table)} | ${sync.mode} | ${sync.ddl.length} | ${sync.rows.insert} | ${sync.rows.update} | ${sync.rows.delete} | ${sync.rows.skip} |`,
    );
    total.ddl += sync.ddl.length;
    total.insert += sync.rows.insert;
    total.update += sync.rows.update;
    total.delete += sync.rows.delete;
    total.skip += sync.rows.skip;
  }
  if (plan.syncs.length > 1) {
    head.push(`| **total** | | | ${total.ddl} | ${total.insert} | ${total.update} | ${total.delete} | ${total.skip} |`);
  }
  // The summary is never truncated; blocking items and details share what is left.
  let text = head.join('\n') + '\n';
  const blocking = [
    ...plan.errors.map((error) => `- ❌ ${diagnosticLine(error)}`),
    ...plan.syncs.flatMap((sync) => [
      ...sync.errors.map((error) => `- ❌ \`${sync.name}\`: ${diagnosticLine(error)}`),
      ...(sync.delete_guard ? [`- 🛑 \`${sync.name}\`: ${sync.delete_guard} (apply needs \`--allow-deletes\`)`] : []),
    ]),
  ];
  if (blocking.length) text = appendWithin(`${text}\n**Blocking**\n\n`, blocking, 'blocking item(s)', 200);
  const sections = plan.syncs.flatMap((sync) => details(sync, tableOf(plan, sync), options.samples ?? 0) ?? []);
  return appendWithin(text, sections.map((section) => `\n${section}`), 'sync detail(s)', 200);
}
