/** The human summary of an apply. */
import type { RunReport } from '../apply/run-report.js';
import { PLAIN, type Style } from './style.js';

export function renderReport(report: RunReport, style: Style = PLAIN): string {
  const lines = report.syncs.map((sync) => {
    const rows = `+${sync.rows.insert} ~${sync.rows.update} -${sync.rows.delete}`;
    const timing = `${sync.statements} statements, ${(sync.elapsedMs / 1000).toFixed(1)} s, longest statement ${sync.maxStatementMs} ms`;
    const rejects = sync.rejectsFile ? `; rejected rows written to ${sync.rejectsFile}` : '';
    switch (sync.status) {
      case 'applied':
        return style.green(`✔ ${sync.name}: applied ${rows}, ${sync.ddl.length} DDL with the ${sync.strategy} writer (${timing})${rejects}`);
      case 'unchanged':
        return style.green(`✔ ${sync.name}: no changes${rejects}`);
      case 'refused':
        return style.red(`✗ ${sync.name}: refused, nothing written: ${sync.error?.code}: ${sync.error?.message}`);
      case 'failed':
        return style.red(`✗ ${sync.name}: failed: ${sync.error?.code}: ${sync.error?.message}\n  Re-running apply recomputes the diff from the destination and converges.`);
      default: {
        const never: never = sync.status;
        return String(never);
      }
    }
  });
  lines.push(report.ok ? style.bold('Apply complete.') : style.red(style.bold('Apply did not complete.')));
  return lines.join('\n') + '\n';
}
