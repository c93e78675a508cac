/** Turns source problems (malformed files, bad rows, missing fields) into positioned diagnostics (pure). */
import { basename } from 'node:path';
import { isQuerySource, type FieldMapping, type SourceConfig, type SyncConfig } from '../manifest/types.js';
import type { Rejection } from '../model/rejection.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { columnNameKey } from '../model/identifiers.js';
import type { SourceError, SourceHeader } from '../source/source.js';
import type { TargetColumn } from './target-columns.js';

/** Bad rows listed one by one before the rest are summarised. */
const LISTED_REJECTIONS = 20;

function sourceFile(source: SourceConfig): string {
  return isQuerySource(source) ? `source "${source.name}"` : source.path;
}

export function sourceDiagnostics(sync: SyncConfig, error: SourceError): Diagnostic[] {
  return [
    {
      code: 'PSSYNC_E_SOURCE',
      severity: 'error',
      sync: sync.name,
      file: error.file,
      ...(error.line !== undefined ? { line: error.line } : {}),
      message: error.message,
    },
  ];
}

/**
 * Bad rows within `max_rejected_rows` are warnings (the rows are skipped and written to the
 * rejects file on apply); beyond it every listed row is an error and the sync writes nothing.
 */
export function rejectionDiagnostics(sync: SyncConfig, source: SourceConfig, rejections: readonly Rejection[]): Diagnostic[] {
  if (rejections.length === 0) return [];
  const file = sourceFile(source);
  const over = rejections.length > sync.maxRejectedRows;
  const listed: Diagnostic[] = rejections.slice(0, LISTED_REJECTIONS).map((rejection) => ({
    code: rejection.code,
    severity: over ? 'error' : 'warning',
    sync: sync.name,
    file: rejection.file ?? file,
    line: rejection.line,
    message: rejection.message,
  }));
  const more = rejections.length - listed.length;
  const summary: Diagnostic = over
    ? {
        code: 'PSSYNC_E_REJECTS_EXCEEDED',
        severity: 'error',
        sync: sync.name,
        file,
        message: `${rejections.length}${more > 0 && rejections.length > sync.maxRejectedRows + 1 ? '+' : ''} bad row(s) in the source, more than max_rejected_rows (${sync.maxRejectedRows}); nothing will be written for this sync${more > 0 ? ` (${more} more not listed)` : ''}`,
      }
    : {
        code: 'PSSYNC_E_REJECTS_EXCEEDED',
        severity: 'warning',
        sync: sync.name,
        file,
        message: `${rejections.length} bad row(s) will be skipped (max_rejected_rows: ${sync.maxRejectedRows}) and written to the rejects file on apply`,
      };
  return [...listed, summary];
}

/**
 * A header (CSV header row, Parquet schema, query columns) without a mapped field would silently
 * read NULL for every row — or, with no rows, pass as an empty source and let a mirror empty the
 * table: refuse it, rows or not. JSON sources have no header; their records are checked one by one.
 */
export function missingFieldDiagnostics(
  sync: SyncConfig,
  source: SourceConfig,
  fields: readonly FieldMapping[],
  sourceHeader: SourceHeader | undefined,
): Diagnostic[] {
  if (!sourceHeader || (source.kind !== 'csv' && source.kind !== 'parquet' && source.kind !== 'mysql')) return [];
  const header = new Set(sourceHeader.names);
  const [only] = header;
  const other = source.kind === 'csv' && header.size === 1 ? [';', '\t', '|', ','].find((delimiter) => delimiter !== source.delimiter && only!.includes(delimiter)) : undefined;
  const hint = other ? `; the header is one column: is the delimiter ${JSON.stringify(other)}? (set \`delimiter\`)` : '';
  const what = source.kind === 'mysql' ? "the query's result" : basename(source.path);
  // Parquet structs are reached with a dotted path (`address.city`): its top-level column is enough.
  const has = (from: string) => header.has(from) || (source.kind === 'parquet' && dottedPrefixes(from).some((prefix) => header.has(prefix)));
  return fields
    .filter((field) => !has(field.from))
    .map((field) => ({
      code: 'PSSYNC_E_ROW_FIELD_MISSING' as const,
      severity: 'error' as const,
      sync: sync.name,
      file: field.position.file,
      line: field.position.line,
      column: field.position.column,
      path: field.position.path,
      message: `field \`${field.from}\` is not a column of ${what} (columns: ${[...header].join(', ') || 'none'})${hint}`,
    }));
}

function dottedPrefixes(path: string): string[] {
  const parts = path.split('.');
  return parts.slice(1).map((_, index) => parts.slice(0, index + 1).join('.'));
}

/**
 * Two columns whose names MySQL compares as equal (case does not count: `Email` and `email`) are
 * one column: CREATE TABLE refuses them, and an existing table has only one. Without `fields` the
 * source's field names are the column names, so the header is where to look; with `fields` the
 * manifest check refuses such `to:` names, and anything left (a field against a scope column)
 * points at the sync.
 */
export function duplicateColumnDiagnostics(
  sync: SyncConfig,
  source: SourceConfig,
  columns: readonly TargetColumn[],
  header: SourceHeader | undefined,
): Diagnostic[] {
  const seen = new Map<string, TargetColumn>();
  const diagnostics: Diagnostic[] = [];
  const shown = (column: TargetColumn) => `\`${column.origin.kind === 'field' ? column.origin.from : column.name}\``;
  for (const column of columns) {
    const key = columnNameKey(column.name);
    const earlier = seen.get(key);
    if (!earlier) {
      seen.set(key, column);
      continue;
    }
    const fromSource = !sync.fields && column.origin.kind === 'field';
    const pair = `${shown(earlier)} and ${shown(column)}`;
    diagnostics.push(
      fromSource
        ? {
            code: 'PSSYNC_E_SOURCE',
            severity: 'error',
            sync: sync.name,
            file: sourceFile(source),
            ...(header?.line !== undefined ? { line: header.line } : {}),
            message: `the source's fields ${pair} are one column to MySQL (column names ignore case), and without \`fields\` each field is written to the column of its name; declare \`fields\` and map one of them to another column (\`to:\`)`,
          }
        : {
            code: 'PSSYNC_E_KEY',
            severity: 'error',
            sync: sync.name,
            file: sync.position.file,
            line: sync.position.line,
            column: sync.position.column,
            path: sync.position.path,
            message: `columns ${pair} are one column to MySQL (column names ignore case); map one of them to another name`,
          },
    );
  }
  return diagnostics;
}

/** Without `fields`, the fields come from the first record; an empty source gives none to write. */
export function noFieldsDiagnostics(sync: SyncConfig, fields: readonly FieldMapping[]): Diagnostic[] {
  if (fields.length > 0) return [];
  return [
    {
      code: 'PSSYNC_E_SOURCE',
      severity: 'error',
      sync: sync.name,
      file: sync.position.file,
      line: sync.position.line,
      column: sync.position.column,
      path: sync.position.path,
      message: 'no fields to sync: the sync has no `fields`, and the source has no record to take field names from; declare `fields`',
    },
  ];
}
