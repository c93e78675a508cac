/** Pure parsing of information_schema rows into a TableSpec; tested against captured rows. */
import { parseColumnType } from '../model/column-type.js';
import type { LiveColumn, TableSpec } from '../model/table.js';

/** One row of COLUMNS_QUERY: name, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME. */
export type ColumnRow = readonly (string | null)[];

/** Column names of MariaDB `json_valid(`col`)` check clauses. */
export function jsonCheckedColumns(checkRows: readonly ColumnRow[]): Set<string> {
  const names = new Set<string>();
  for (const [clause] of checkRows) {
    const match = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(clause?.trim() ?? '');
    if (match) names.add(match[1]!.replace(/``/g, '`').toLowerCase());
  }
  return names;
}

export function parseTableSpec(
  table: string,
  columnRows: readonly ColumnRow[],
  primaryKeyRows: readonly ColumnRow[],
  jsonCheckRows: readonly ColumnRow[] = [],
): TableSpec | undefined {
  if (columnRows.length === 0) return undefined;
  const jsonColumns = jsonCheckedColumns(jsonCheckRows);
  const columns: LiveColumn[] = columnRows.map(([name, columnType, nullable, collation]) => {
    const isJson = columnType === 'longtext' && jsonColumns.has((name ?? '').toLowerCase());
    const type = parseColumnType(isJson ? 'json' : (columnType ?? ''));
    return {
      name: name ?? '',
      columnType: columnType ?? '',
      ...(type ? { type } : {}),
      nullable: nullable === 'YES',
      ...(collation ? { collation } : {}),
    };
  });
  return { name: table, columns, primaryKey: primaryKeyRows.map(([name]) => name ?? '') };
}
