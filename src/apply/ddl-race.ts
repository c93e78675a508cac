/**
 * "Duplicate column name" (1060) from an `ALTER TABLE … ADD COLUMN …` is benign only when another
 * writer added exactly these columns first (pure). Anything else — a column of that name with
 * another definition, a column among several that is still missing (ALTER TABLE is all or
 * nothing), a CREATE TABLE naming one column twice — is an error to report, not to swallow.
 */
import type { Dialect } from '../dialect/dialect.js';
import { parseColumnType } from '../model/column-type.js';
import { findColumn, type TableSpec } from '../model/table.js';

export interface AddedColumn {
  readonly name: string;
  /** The type as the DDL writes it, e.g. `VARCHAR(255)`. */
  readonly type: string;
  readonly notNull: boolean;
}

export interface AddColumns {
  readonly table: string;
  readonly columns: readonly AddedColumn[];
}

const ALTER = 'ALTER TABLE ';
const ADD = ' ADD COLUMN ';

/** The table and columns of pssync's own `ALTER TABLE t ADD COLUMN c TYPE[ NOT NULL], …` (schema-diff.ts); undefined for other DDL. */
export function addedColumnsOf(statement: string): AddColumns | undefined {
  if (!statement.startsWith(ALTER)) return undefined;
  const table = quotedIdentifier(statement, ALTER.length);
  if (!table) return undefined;
  const columns: AddedColumn[] = [];
  let position = table.end;
  while (position < statement.length) {
    if (!statement.startsWith(columns.length === 0 ? ADD : `,${ADD}`, position)) return undefined;
    position += columns.length === 0 ? ADD.length : ADD.length + 1;
    const name = quotedIdentifier(statement, position);
    if (!name || statement[name.end] !== ' ') return undefined;
    const end = definitionEnd(statement, name.end + 1);
    const definition = statement.slice(name.end + 1, end);
    const notNull = definition.endsWith(' NOT NULL');
    columns.push({ name: name.text, type: notNull ? definition.slice(0, -' NOT NULL'.length) : definition, notNull });
    position = end;
  }
  return columns.length > 0 ? { table: table.text, columns } : undefined;
}

/**
 * Why the live table is not what the DDL would have made (a column missing or defined otherwise),
 * or undefined when every added column exists as planned: then another writer won the race.
 */
export function raceMismatch(added: AddColumns, live: TableSpec | undefined, dialect: Dialect): string | undefined {
  if (!live) return `table \`${added.table}\` does not exist`;
  for (const column of added.columns) {
    const found = findColumn(live, column.name);
    const planned = `\`${column.name}\` ${column.type}${column.notNull ? ' NOT NULL' : ''}`;
    if (!found) return `column \`${column.name}\` is still missing (an ALTER TABLE adds all its columns or none)`;
    const plannedType = parseColumnType(column.type);
    const sameType = plannedType && found.type ? dialect.sameType(plannedType, found.type) : found.columnType.toLowerCase() === column.type.toLowerCase();
    if (!sameType || found.nullable === column.notNull) {
      return `the table has column \`${found.name}\` ${found.columnType}${found.nullable ? '' : ' NOT NULL'}, not ${planned} as planned (MySQL column names ignore case)`;
    }
  }
  return undefined;
}

/** A backtick-quoted identifier starting at `start` (doubled backticks inside): its text and where it ends. */
function quotedIdentifier(text: string, start: number): { text: string; end: number } | undefined {
  if (text[start] !== '`') return undefined;
  let name = '';
  for (let index = start + 1; index < text.length; index += 1) {
    if (text[index] !== '`') {
      name += text[index];
    } else if (text[index + 1] === '`') {
      name += '`';
      index += 1;
    } else {
      return { text: name, end: index + 1 };
    }
  }
  return undefined;
}

/** Where a column definition ends: the next `, ADD COLUMN ` outside quotes and parentheses (ENUM members may hold anything). */
function definitionEnd(text: string, start: number): number {
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (char === "'") {
      // A quoted member: '' and \' stay inside it.
      for (index += 1; index < text.length; index += 1) {
        if (text[index] === '\\') index += 1;
        else if (text[index] === "'" && text[index + 1] === "'") index += 1;
        else if (text[index] === "'") break;
      }
    } else if (char === '(') {
      depth += 1;
    } else if (char === ')') {
      depth -= 1;
    } else if (depth === 0 && text.startsWith(`,${ADD}`, index)) {
      return index;
    }
  }
  return text.length;
}
