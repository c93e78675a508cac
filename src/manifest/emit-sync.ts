/** Writes a manifest sync for an existing table (`pssync introspect`), as YAML text that validates. */
import { parseColumnType } from '../model/column-type.js';
import type { TableSpec } from '../model/table.js';

export interface EmitSyncOptions {
  readonly destination: string;
  readonly source: string;
  readonly syncName: string;
  readonly mode: string;
}

/** Plain YAML scalars where safe, JSON-quoted (valid YAML) otherwise. */
function scalar(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(text) ? text : JSON.stringify(text);
}

export function emitSync(table: TableSpec, options: EmitSyncOptions): { yaml: string; skipped: string[] } {
  const skipped: string[] = [];
  const fields: string[] = [];
  for (const column of table.columns) {
    const type = column.type ?? parseColumnType(column.columnType);
    if (!type) {
      skipped.push(`${column.name} (${column.columnType})`);
      continue;
    }
    const name = scalar(column.name);
    fields.push(`      - { from: ${name}, to: ${name}, type: ${JSON.stringify(type.sql)} }`);
  }
  const lines = [
    `# pssync introspect: table \`${table.name}\` of destination "${options.destination}".`,
    `# Point \`source\` at the source that feeds it (fields are matched by name), then review the mode.`,
    ...(skipped.length ? [`# Columns pssync cannot write, left out: ${skipped.join(', ')}`] : []),
    'syncs:',
    `  ${scalar(options.syncName)}:`,
    `    source: ${scalar(options.source)}`,
    `    destination: ${scalar(options.destination)}`,
    `    table: ${scalar(table.name)}`,
    `    mode: ${options.mode}`,
    `    primary_key: [${table.primaryKey.map(scalar).join(', ')}]`,
    '    fields:',
    ...fields,
  ];
  return { yaml: `${lines.join('\n')}\n`, skipped };
}
