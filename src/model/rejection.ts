/** A bad source row: where it is, why it was refused, and the record itself for the rejects file. */
import type { DiagnosticCode } from './diagnostic.js';

export interface Rejection {
  readonly line: number;
  readonly code: DiagnosticCode;
  readonly message: string;
  /** The source record as JSON-safe values (see jsonSafe in mapping/desired-rows.ts), for the rejects file. */
  readonly fields: Readonly<Record<string, unknown>>;
}
