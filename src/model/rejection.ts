/** A bad source row: where it is, why it was refused, and the record itself for the rejects file. */
import type { DiagnosticCode } from './diagnostic.js';

export interface Rejection {
  readonly line: number;
  /** The file the row is in, for a source of several files (then `line` is within it). */
  readonly file?: string;
  readonly code: DiagnosticCode;
  readonly message: string;
  /** The source record as JSON-safe values (see jsonSafe in mapping/desired-rows.ts), for the rejects file. */
  readonly fields: Readonly<Record<string, unknown>>;
}
