/** Writes the rows skipped under `max_rejected_rows`, with their reasons, as NDJSON. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redact } from '../model/redaction.js';
import type { Rejection } from '../model/rejection.js';

export async function writeRejectsFile(directory: string, sync: string, runId: string, rejections: readonly Rejection[]): Promise<string> {
  await mkdir(directory, { recursive: true });
  const file = join(directory, `${sync.replace(/[^\w.-]/g, '_')}-${runId}.rejects.ndjson`);
  // Redacted like all output: a rejected row that carries an interpolated secret does not leak it.
  const lines = rejections.map((rejection) =>
    redact(JSON.stringify({ ...(rejection.file ? { file: rejection.file } : {}), line: rejection.line, code: rejection.code, reason: rejection.message, row: rejection.fields })),
  );
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}
