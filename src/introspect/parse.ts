/** Pure parsing of information_schema rows into a TableSpec; tested against captured rows. */
import { parseColumnType } from '../model/column-type.js';
import type { LiveColumn, TableSpec } from '../model/table.js';

/** One row of COLUMNS_QUERY: name, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME. */
export type ColumnRow = readonly (string | null)[];

export function parseTableSpec(table: string, columnRows: readonly ColumnRow[], primaryKeyRows: readonly ColumnRow[]): TableSpec | undefined {
  if (columnRows.length === 0) return undefined;
  const columns: LiveColumn[] = columnRows.map(([name, columnType, nullable, collation]) => {
    const type = parseColumnType(columnType ?? '');
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
