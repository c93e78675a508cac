/** Turns source problems (malformed files, bad rows, missing fields) into positioned diagnostics (pure). */
import { basename } from 'node:path';
import { isQuerySource, type FieldMapping, type SourceConfig, type SyncConfig } from '../manifest/types.js';
import type { Rejection } from '../model/rejection.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { SourceError, SourceRow } from '../source/source.js';

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

/** A CSV header without a mapped field would silently read NULL for every row: refuse it. */
export function missingFieldDiagnostics(
  sync: SyncConfig,
  source: SourceConfig,
  fields: readonly FieldMapping[],
  first: SourceRow | undefined,
): Diagnostic[] {
  if (source.kind !== 'csv' || !first) return [];
  const header = new Set(Object.keys(first.fields));
  const [only] = header;
  const other = header.size === 1 ? [';', '\t', '|', ','].find((delimiter) => delimiter !== source.delimiter && only!.includes(delimiter)) : undefined;
  const hint = other ? `; the header is one column: is the delimiter ${JSON.stringify(other)}? (set \`delimiter\`)` : '';
  return fields
    .filter((field) => !header.has(field.from))
    .map((field) => ({
      code: 'PSSYNC_E_ROW_FIELD_MISSING' as const,
      severity: 'error' as const,
      sync: sync.name,
      file: field.position.file,
      line: field.position.line,
      column: field.position.column,
      path: field.position.path,
      message: `field \`${field.from}\` is not a column of ${basename(source.path)} (columns: ${[...header].join(', ')})${hint}`,
    }));
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
