/** NDJSON: one JSON object per line, streamed line by line; blank lines are skipped. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { NdjsonSourceConfig } from '../manifest/types.js';
import { openInput } from './input.js';
import { SourceError, type SourceRow } from './source.js';

export async function* readNdjson(config: NdjsonSourceConfig): AsyncGenerator<SourceRow> {
  const input = openInput(config.path, (path) => createReadStream(path, { encoding: 'utf8' }));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (text.trim() === '') continue;
      yield { fields: parseObject(config.path, text, line), line };
    }
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(config.path, `cannot read: ${(error as Error).message}`, line || undefined, { cause: error });
  }
}

function parseObject(file: string, text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line === 1 ? text.replace(/^\uFEFF/, '') : text);
  } catch (error) {
    throw new SourceError(file, `invalid JSON: ${(error as Error).message}`, line, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SourceError(file, 'expected a JSON object on this line', line);
  }
  return value as Record<string, unknown>;
}
