/** Temporary files and config builders for the source reader tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll } from 'vitest';
import type { CsvSourceConfig, SourceConfig } from '../../../src/manifest/types.js';
import { readSource } from '../../../src/source/open-source.js';
import { SourceError, type SourceRow } from '../../../src/source/source.js';

const position = { file: 'pssync.yaml', line: 1, column: 1, path: 'sources.s' };

export function useTempDir(): { path(name: string): string; write(name: string, content: string | Uint8Array): string } {
  const dir = mkdtempSync(join(tmpdir(), 'pssync-source-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    path: (name) => join(dir, name),
    write(name, content) {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    },
  };
}

export function csv(path: string, options: Partial<CsvSourceConfig> = {}): CsvSourceConfig {
  return { kind: 'csv', name: 's', path, position, delimiter: ',', quote: '"', escape: '"', header: true, nullValues: [], encoding: 'utf-8', ...options };
}

export function file(kind: 'ndjson' | 'json' | 'parquet', path: string): SourceConfig {
  return { kind, name: 's', path, position };
}

export async function readAll(config: SourceConfig, stdin?: Uint8Array | string): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  const options = stdin === undefined ? {} : { stdin: Readable.from([typeof stdin === 'string' ? Buffer.from(stdin) : Buffer.from(stdin)]) };
  for await (const row of readSource(config, options)) rows.push(row);
  return rows;
}

/** The SourceError reading fails with (the test fails if reading succeeds). */
export async function readError(config: SourceConfig, stdin?: Uint8Array | string): Promise<SourceError> {
  try {
    await readAll(config, stdin);
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('expected the source to fail');
}
