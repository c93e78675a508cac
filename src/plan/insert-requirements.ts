/**
 * A plan that inserts rows must give every NOT NULL column without a default a value: a
 * strict-mode INSERT that omits one fails (error 1364) mid-apply. Refused at plan time instead
 * (pure). A plan that only updates such a table is fine: changed rows are sent as UPDATEs.
 */
import type { SyncConfig } from '../manifest/types.js';
import { atSync, type Diagnostic } from '../model/diagnostic.js';
import { columnNameKey } from '../model/identifiers.js';
import type { TableSpec } from '../model/table.js';
import type { TargetColumn } from '../mapping/target-columns.js';

export function unmappedRequiredColumns(sync: SyncConfig, columns: readonly TargetColumn[], live: TableSpec | undefined, inserts: number): Diagnostic[] {
  if (!live || inserts === 0) return [];
  const written = new Set(columns.map((column) => columnNameKey(column.name)));
  const missing = live.columns.filter((column) => column.needsValueOnInsert && !written.has(columnNameKey(column.name)));
  if (missing.length === 0) return [];
  const list = missing.map((column) => `\`${column.name}\` ${column.columnType}`).join(', ');
  const them = missing.length === 1 ? 'it' : 'them';
  const orUpdate = sync.kind === 'table' ? ', or use mode update (it only changes existing rows)' : '';
  return [{
    code: 'PSSYNC_E_REQUIRED_COLUMN',
    severity: 'error',
    ...atSync(sync),
    message: `the plan inserts ${inserts} row${inserts === 1 ? '' : 's'} into table \`${live.name}\`, which has NOT NULL column(s) without a default that the sync does not map: ${list}; the server would refuse the INSERT. Map a field onto ${them}, give ${them} a DEFAULT${orUpdate}`,
  }];
}
