/** Pure parsing of information_schema rows into a TableSpec; tested against captured rows. */
import { parseColumnType } from '../model/column-type.js';
import type { IndexPart, LiveColumn, TableSpec, UniqueKey } from '../model/table.js';

/** One row of COLUMNS_QUERY: name, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME, EXTRA, GENERATION_EXPRESSION, COLUMN_DEFAULT. */
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

/**
 * EXTRA of a generated column: `VIRTUAL GENERATED` or `STORED GENERATED` (MySQL, MariaDB 10.2+),
 * `PERSISTENT GENERATED` on older MariaDB. Not MySQL's `DEFAULT_GENERATED` (an expression default).
 */
const GENERATED_EXTRA = /\b(?:VIRTUAL|STORED|PERSISTENT) GENERATED\b/i;

/**
 * NOT NULL without a default (COLUMN_DEFAULT is NULL for a NOT NULL column on MySQL and MariaDB
 * alike), neither generated nor AUTO_INCREMENT: a strict-mode INSERT that omits it fails (1364).
 * Not an ENUM: the server gives it its first member, strict mode or not.
 * A row without COLUMN_DEFAULT (undefined: an older capture) says nothing.
 */
function needsValueOnInsert(nullable: string | null | undefined, extra: string | null | undefined, columnDefault: string | null | undefined): boolean {
  if (nullable !== 'NO' || columnDefault !== null) return false;
  return !/\bauto_increment\b/i.test(extra ?? '') && !GENERATED_EXTRA.test(extra ?? '');
}

/** Rows of UNIQUE_KEYS_QUERY (INDEX_NAME, COLUMN_NAME, SUB_PART, in index order) by index. */
export function parseUniqueKeys(rows: readonly ColumnRow[]): UniqueKey[] {
  const keys = new Map<string, IndexPart[]>();
  for (const [index, column, subPart] of rows) {
    const name = index ?? '';
    let parts = keys.get(name);
    if (!parts) keys.set(name, (parts = []));
    parts.push({ ...(column ? { column } : {}), ...(subPart ? { prefix: Number(subPart) } : {}) });
  }
  return [...keys].map(([name, parts]) => ({ name, parts }));
}

export function parseTableSpec(
  table: string,
  columnRows: readonly ColumnRow[],
  primaryKeyRows: readonly ColumnRow[],
  jsonCheckRows: readonly ColumnRow[] = [],
  uniqueKeyRows?: readonly ColumnRow[],
): TableSpec | undefined {
  if (columnRows.length === 0) return undefined;
  const jsonColumns = jsonCheckedColumns(jsonCheckRows);
  const columns: LiveColumn[] = columnRows.map(([name, columnType, nullable, collation, extra, expression, columnDefault]) => {
    const isJson = columnType === 'longtext' && jsonColumns.has((name ?? '').toLowerCase());
    const type = parseColumnType(isJson ? 'json' : (columnType ?? ''));
    return {
      name: name ?? '',
      columnType: columnType ?? '',
      ...(type ? { type } : {}),
      nullable: nullable === 'YES',
      ...(collation ? { collation } : {}),
      ...(extra && GENERATED_EXTRA.test(extra) ? { generated: { expression: expression ?? '' } } : {}),
      ...(type?.family !== 'enum' && needsValueOnInsert(nullable, extra, columnDefault) ? { needsValueOnInsert: true as const } : {}),
    };
  });
  const primaryKey = primaryKeyRows.map(([name]) => name ?? '');
  if (!uniqueKeyRows) return { name: table, columns, primaryKey };
  const unique = parseUniqueKeys(uniqueKeyRows);
  const primaryKeyParts = unique.find((key) => key.name === 'PRIMARY')?.parts ?? [];
  return { name: table, columns, primaryKey, primaryKeyParts, uniqueKeys: unique.filter((key) => key.name !== 'PRIMARY') };
}
