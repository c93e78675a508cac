/**
 * The plan as a pull-request comment: summary table first, blocking items next, then one
 * <details> per sync. Sample values are left out by default (PR comments leak PII).
 */
import type { PlanJson, PlanJsonSync } from '../plan/plan-json.js';
import { diagnosticLine } from './text.js';
import { showChange, showRow } from './values.js';

export interface MarkdownOptions {
  /** Sample rows per operation to include; 0 (default) shows none. */
  readonly samples?: number;
}

/** GitHub refuses comments over 65,536 characters; stay clear of it. */
const MAX_CHARS = 60_000;

const cell = (text: string) => text.replace(/\|/g, '\\|');

function details(sync: PlanJsonSync, samples: number): string {
  const body: string[] = [];
  if (sync.ddl.length) body.push('```sql', ...sync.ddl.map((statement) => `${statement};`), '```');
  if (samples > 0) {
    const lines = [
      ...sync.samples.insert.slice(0, samples).map((row) => `+ ${showRow(row)}`),
      ...sync.samples.update.slice(0, samples).map((change) =>
        `~ ${showRow(change.key)} ${Object.entries(change.changes).map(([column, { before, after }]) => `${column}: ${showChange(before, after)}`).join(', ')}`,
      ),
      ...sync.samples.delete.slice(0, samples).map((row) => `- ${showRow(row)}`),
    ];
    if (lines.length) body.push('```diff', ...lines, '```');
  }
  for (const warning of sync.warnings) body.push(`- ⚠️ ${diagnosticLine(warning)}`);
  if (body.length === 0) body.push('_No DDL._');
  return [`<details><summary><code>${sync.name}</code> → <code>${sync.table}</code></summary>`, '', ...body, '', '</details>'].join('\n');
}

export function renderMarkdown(plan: PlanJson, options: MarkdownOptions = {}): string {
  const head: string[] = [`### pssync plan${plan.partial ? ' (partial plan)' : ''}`, ''];
  head.push(plan.changes ? '' : '**No changes.** The destination matches the manifest.\n');
  head.push('| sync | table | mode | DDL | insert | update | delete | skip |', '|---|---|---|---:|---:|---:|---:|---:|');
  for (const sync of plan.syncs) {
    const status = sync.errors.length ? ' ❌' : '';
    head.push(
      `| ${cell(sync.name)}${status} | ${cell(sync.table)} | ${sync.mode} | ${sync.ddl.length} | ${sync.rows.insert} | ${sync.rows.update} | ${sync.rows.delete} | ${sync.rows.skip} |`,
    );
  }
  const blocking = [
    ...plan.errors.map((error) => `- ❌ ${diagnosticLine(error)}`),
    ...plan.syncs.flatMap((sync) => [
      ...sync.errors.map((error) => `- ❌ \`${sync.name}\`: ${diagnosticLine(error)}`),
      ...(sync.delete_guard ? [`- 🛑 \`${sync.name}\`: ${sync.delete_guard} (apply needs \`--allow-deletes\`)`] : []),
    ]),
  ];
  if (blocking.length) head.push('', '**Blocking**', '', ...blocking);
  let text = head.join('\n') + '\n';
  const sections = plan.syncs.map((sync) => details(sync, options.samples ?? 0));
  for (const [index, section] of sections.entries()) {
    if (text.length + section.length + 200 > MAX_CHARS) {
      text += `\n_${sections.length - index} more sync(s) not shown: the comment would exceed GitHub's size limit._\n`;
      break;
    }
    text += `\n${section}\n`;
  }
  return text;
}
