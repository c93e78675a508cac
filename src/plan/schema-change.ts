/**
 * What a plan changes in a table's schema, as a value (pure): create the table, or add columns.
 * The SQL is made here and only here; apply dispatches on `kind`, never on the statement's text.
 */
import { quoteId } from '../model/identifiers.js';

export interface ColumnDefinition {
  readonly name: string;
  /** Type and nullability, as in `ADD COLUMN name <definition>`. */
  readonly definition: string;
}

export type SchemaChange =
  | { readonly kind: 'create_table'; readonly table: string; readonly columns: readonly ColumnDefinition[]; readonly primaryKey: readonly string[] }
  | { readonly kind: 'add_columns'; readonly table: string; readonly columns: readonly ColumnDefinition[] };

export function schemaChangeSql(change: SchemaChange): string {
  const column = ({ name, definition }: ColumnDefinition) => `${quoteId(name)} ${definition}`;
  if (change.kind === 'create_table') {
    const lines = [...change.columns.map(column), `PRIMARY KEY (${change.primaryKey.map(quoteId).join(', ')})`];
    return `CREATE TABLE ${quoteId(change.table)} (\n  ${lines.join(',\n  ')}\n)`;
  }
  return `ALTER TABLE ${quoteId(change.table)} ${change.columns.map((added) => `ADD COLUMN ${column(added)}`).join(', ')}`;
}

/** Column names compare as MySQL compares them: case-insensitively. */
export const columnKey = (name: string): string => name.toLowerCase();

/**
 * Whether `fresh` (planned again after another apply changed the table) asks for nothing that
 * `planned` did not: every column it would still add is one `planned` added, defined the same.
 * Then the other apply ran (part of) this plan's DDL, and the rest of the plan still holds.
 */
export function isRemainderOf(fresh: SchemaChange | undefined, planned: SchemaChange | undefined): boolean {
  if (!fresh) return true;
  if (!planned) return false;
  if (fresh.kind === 'create_table' && planned.kind !== 'create_table') return false;
  if (fresh.kind === 'create_table' && planned.kind === 'create_table') {
    const keys = (change: typeof fresh) => change.primaryKey.map(columnKey).join('\u0000');
    if (keys(fresh) !== keys(planned) || fresh.columns.length !== planned.columns.length) return false;
  }
  const definitions = new Map(planned.columns.map((column) => [columnKey(column.name), column.definition.toLowerCase()]));
  return fresh.columns.every((column) => definitions.get(columnKey(column.name)) === column.definition.toLowerCase());
}
