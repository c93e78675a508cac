/**
 * Keys kept for a whole plan hold their own text (issue 12): the CSV reader hands out values sliced
 * from its decoded chunks, and a key index of slices would keep every chunk, so the whole file, in
 * memory. A child with a V8 heap far below the file's size reads a CSV of long text keys (on the
 * main thread, as standard input is read, and through the CSV thread) and keeps every key as a
 * plan's key index does; it would die of heap exhaustion if the keys were slices.
 *
 * Needs the build (`npm run build`): the child imports dist/.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DIST = resolve(import.meta.dirname, '../../dist');
const dir = mkdtempSync(join(tmpdir(), 'pssync-key-memory-'));
const file = join(dir, 'keys.csv');
const ROWS = 400_000;
const HEAP_MB = 96;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const out = createWriteStream(file);
  out.write('email,filler\n');
  const filler = 'x'.repeat(340);
  for (let id = 0; id < ROWS; id += 1) {
    if (!out.write(`user.${id}@example.com,${filler}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
});

function keepKeys(reader: 'main' | 'thread'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `
    const { readCsv } = await import(${JSON.stringify(`${DIST}/source/csv.js`)});
    const { readCsvSource } = await import(${JSON.stringify(`${DIST}/source/csv-threaded.js`)});
    const { makeKeyOf } = await import(${JSON.stringify(`${DIST}/mapping/row-key.js`)});
    const config = { kind: 'csv', name: 's', path: process.argv[1], delimiter: ',', quote: '"', escape: '"', header: true, nullValues: [], encoding: 'utf-8' };
    const keyOf = makeKeyOf([{ name: 'email', isKey: true, type: { family: 'varchar' }, collation: undefined }, { name: 'filler', isKey: false, type: { family: 'text' } }]);
    const keys = new Map();
    const rows = process.argv[2] === 'main' ? readCsv(config) : readCsvSource(config);
    for await (const row of rows) keys.set(keyOf([row.fields.email, row.fields.filler]), row.line);
    process.stdout.write(String(keys.size));
  `;
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--input-type=module', '-e', script, file, reader], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

describe('a key index of a large CSV', () => {
  it('the file is far larger than the heap', () => {
    expect(statSync(file).size / 1024 / 1024).toBeGreaterThan(HEAP_MB * 1.4);
  });

  for (const reader of ['main', 'thread'] as const) {
    it(`keeps its keys, not the file (${reader === 'main' ? 'read on the main thread' : 'read through the CSV thread'})`, async () => {
      const result = await keepKeys(reader);
      expect(result.stderr).not.toMatch(/heap/i);
      expect(result.code).toBe(0);
      expect(Number(result.stdout)).toBe(ROWS);
    }, 120_000);
  }
});
