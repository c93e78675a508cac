/** One line for any error that reaches the CLI, with its stable code; secrets already redacted. */
import { PssyncError, errorMessage } from '../model/errors.js';

export function formatError(error: unknown): string {
  if (error instanceof PssyncError) return `${error.code}: ${error.message}`;
  return `PSSYNC_E_INTERNAL: ${errorMessage(error)}`;
}

/** The error as the one JSON document a machine-format command prints on stdout. */
export function errorJson(error: unknown): { format_version: '1'; error: { code: string; message: string } } {
  const code = error instanceof PssyncError ? error.code : 'PSSYNC_E_INTERNAL';
  return { format_version: '1', error: { code, message: errorMessage(error) } };
}
