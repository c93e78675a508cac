/** One line for any error that reaches the CLI, with its stable code; secrets already redacted. */
import { PssyncError, errorMessage } from '../model/errors.js';

export function formatError(error: unknown): string {
  if (error instanceof PssyncError) return `${error.code}: ${error.message}`;
  return `PSSYNC_E_INTERNAL: ${errorMessage(error)}`;
}
