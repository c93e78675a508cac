/** `pssync verify` as text: one line per sync, then the sample keys of what differs. */
import type { VerifyJson, VerifySyncJson } from '../plan/verify.js';
import { PLAIN, type Style } from './style.js';
import { comparisonLine, diagnosticLine, partitionLine } from './text.js';
import { showRow } from './values.js';

export function renderVerify(result: VerifyJson, style: Style = PLAIN): string {
  const lines: string[] = [];
  if (result.partition) lines.push(style.yellow(partitionLine(result.partition)));
  for (const error of result.errors) lines.push(style.red(`✗ ${diagnosticLine(error)}`));
  for (const sync of result.syncs) lines.push(...syncLines(sync, style));
  const differing = result.syncs.filter((sync) => !sync.matches).length;
  lines.push('', result.matches ? style.green('Verified: every sync matches its destination.') : style.red(`${differing} of ${result.syncs.length} sync(s) differ from their destination.`));
  return `${lines.join('\n')}\n`;
}

function syncLines(sync: VerifySyncJson, style: Style): string[] {
  const target = `${sync.destination}.${sync.table}${sync.audience !== undefined ? ` (audience "${sync.audience}")` : ''}`;
  const head = `${sync.name}: ${target}, ${sync.mode}`;
  if (sync.errors.length) return [style.red(`✗ ${head}: not verified`), ...sync.errors.map((error) => style.red(`    ${diagnosticLine(error)}`))];
  const comparison = sync.comparison ? style.dim(`    ${comparisonLine(sync.comparison)}`) : undefined;
  if (sync.matches) return [style.green(`✓ ${head}: matches (${sync.destination_rows} rows)`), ...(comparison ? [comparison] : [])];
  const parts = [`${sync.missing} missing`, `${sync.differing} differing`, `${sync.extra} extra`];
  if (sync.ddl_pending) parts.push(`${sync.ddl_pending} DDL statement(s) pending`);
  const lines = [style.red(`✗ ${head}: ${parts.join(', ')}`)];
  if (comparison) lines.push(comparison);
  const sample = (label: string, rows: VerifySyncJson['samples']['missing']) => {
    if (rows.length) lines.push(`    ${label}: ${rows.map((row) => showRow(row)).join('; ')}`);
  };
  sample('missing', sync.samples.missing);
  sample('differing', sync.samples.differing);
  sample('extra', sync.samples.extra);
  return lines;
}
