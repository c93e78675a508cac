/**
 * Operational failures (cannot connect, SQL refused, lock held) are thrown as PssyncError.
 * Messages and meta are redacted when the error is created, so secrets never escape.
 */
import { redact } from './redaction.js';

export type ErrorCode =
  | 'PSSYNC_E_MANIFEST' // manifest has errors (diagnostics carry the detail)
  | 'PSSYNC_E_CONNECT'
  | 'PSSYNC_E_SQL'
  | 'PSSYNC_E_LOCKED'
  | 'PSSYNC_E_PLAN' // plan has errors; nothing was written
  | 'PSSYNC_E_APPLY'
  | 'PSSYNC_E_DDL_REFUSED' // the destination refuses DDL (PlanetScale safe migrations)
  | 'PSSYNC_E_DELETE_GUARD' // deletes beyond safety thresholds without --allow-deletes
  | 'PSSYNC_E_CONFIRM' // apply needs confirmation and there is no TTY
  | 'PSSYNC_E_USAGE'
  | 'PSSYNC_E_PLAN_FILE' // not a readable plan file of this version
  | 'PSSYNC_E_PLAN_STALE' // manifest, source or destination changed since the plan was saved
  | 'PSSYNC_E_PLAN_EDITED' // the plan file's content does not match its file_digest
  | 'PSSYNC_E_PLAN_APPLIED' // the plan file was applied already
  | 'PSSYNC_E_COLLATION' // keys under a collation pssync cannot match exactly
  | 'PSSYNC_E_NOT_STARTED' // an earlier sync of the same table failed before the table's DDL ran
  | 'PSSYNC_E_ROW_COUNT' // a write statement affected other rows than planned; it was rolled back
  | 'PSSYNC_E_COMPARE' // the checksum comparison disagreed with the full read (compare: both)
  | 'PSSYNC_E_IO';

export class PssyncError extends Error {
  readonly code: ErrorCode;
  readonly meta: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, meta: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(redact(message), options);
    this.name = 'PssyncError';
    this.code = code;
    this.meta = JSON.parse(redact(JSON.stringify(meta))) as Record<string, unknown>;
  }
}

/**
 * The text of any thrown value, NOT redacted: for matching patterns, or for a message that is
 * redacted on its way out (PssyncError, SourceError). `withCode` puts a driver's error code first.
 */
export function errorText(error: unknown, options: { readonly withCode?: boolean } = {}): string {
  if (!(error instanceof Error)) return String(error);
  const code = options.withCode ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code !== '' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/** A message for any thrown value, redacted. */
export function errorMessage(error: unknown): string {
  return redact(errorText(error));
}
