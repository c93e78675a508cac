/** The human summary of an apply. */
import type { RunReport } from '../apply/run-report.js';
import { PLAIN, type Style } from './style.js';
import { plural } from './values.js';

export function renderReport(report: RunReport, style: Style = PLAIN): string {
  const lines = report.syncs.map((sync) => {
    const rows = `+${sync.rows.insert} ~${sync.rows.update} -${sync.rows.delete}`;
    const current = sync.alreadyCurrent ? `; ${sync.alreadyCurrent} planned update${sync.alreadyCurrent === 1 ? '' : 's'} found ${sync.alreadyCurrent === 1 ? 'its row' : 'their rows'} already as planned` : '';
    const most = sync.maxRowsPerStatement ? ` of at most ${sync.maxRowsPerStatement.toLocaleString('en-US')} row${sync.maxRowsPerStatement === 1 ? '' : 's'}` : '';
    const median = sync.medianStatementMs !== undefined ? `statement time median ${sync.medianStatementMs} ms, max` : 'longest statement';
    const timing = `${plural(sync.statements, 'statement')}${most}, ${(sync.elapsedMs / 1000).toFixed(1)} s; ${median} ${sync.maxStatementMs} ms`;
    const rejects = sync.rejectsFile ? `; rejected rows written to ${sync.rejectsFile}` : '';
    const retried = sync.retries || sync.reconnects ? `; ${sync.retries ?? 0} statement(s) retried after transient errors, ${sync.reconnects ?? 0} reconnect(s)` : '';
    const dropped = sync.droppedLeftovers?.length ? `\n  dropped staging table(s) left by an earlier run that did not finish: ${sync.droppedLeftovers.join(', ')}` : '';
    switch (sync.status) {
      case 'applied':
        return style.green(`✔ ${sync.name}: applied ${rows}, ${sync.ddl.length} DDL with the ${sync.strategy} writer (${timing})${current}${rejects}${retried}`) + dropped;
      case 'unchanged':
        return style.green(`✔ ${sync.name}: no changes${rejects}`) + dropped;
      case 'refused':
        return style.red(`✗ ${sync.name}: refused, nothing written: ${sync.error?.code}: ${sync.error?.message}`);
      case 'failed':
        return style.red(`✗ ${sync.name}: failed: ${sync.error?.code}: ${sync.error?.message}${retried}\n  Re-running apply recomputes the diff from the destination and converges.`) + dropped;
      default: {
        const never: never = sync.status;
        return String(never);
      }
    }
  });
  lines.push(report.ok ? style.bold('Apply complete.') : style.red(style.bold('Apply did not complete.')));
  return lines.join('\n') + '\n';
}
