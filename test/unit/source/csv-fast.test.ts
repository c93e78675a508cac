/**
 * The CSV fast path (src/source/csv-fast.ts) against the csv-parse reader: for random inputs —
 * well-formed and broken, LF/CRLF/CR, BOMs, quotes, NULL markers, other delimiters — both must
 * yield the same records with the same lines, or fail with the same error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CsvSourceConfig } from '../../../src/manifest/types.js';
import { readCsvFast } from '../../../src/source/csv-fast.js';
import { readCsv } from '../../../src/source/csv.js';

const dir = mkdtempSync(join(tmpdir(), 'pssync-csv-fast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(path: string, overrides: Partial<CsvSourceConfig> = {}): CsvSourceConfig {
  return { kind: 'csv', name: 'src', path, delimiter: ',', quote: '"', escape: '"', header: true, nullValues: [], encoding: 'utf-8', ...overrides } as CsvSourceConfig;
}

async function outcome(read: AsyncIterable<{ fields: unknown; line: number }>): Promise<unknown> {
  const records: unknown[] = [];
  try {
    for await (const record of read) records.push([record.line, record.fields]);
    return { records };
  } catch (error) {
    return { records, error: (error as Error).message, line: (error as { line?: number }).line };
  }
}

/**
 * Same records, or the same error at the same line. Before an error, how many records arrived is
 * a streaming detail (csv-parse drops those of the chunk that failed; the sync fails either way):
 * one list must be the start of the other.
 */
function expectSame(actual: unknown, expected: unknown, what: string): void {
  const a = actual as { records: unknown[]; error?: string; line?: number };
  const e = expected as { records: unknown[]; error?: string; line?: number };
  if (e.error === undefined) {
    expect(a, what).toEqual(e);
    return;
  }
  expect({ error: a.error, line: a.line }, what).toEqual({ error: e.error, line: e.line });
  const shorter = Math.min(a.records.length, e.records.length);
  expect(a.records.slice(0, shorter), what).toEqual(e.records.slice(0, shorter));
}

let files = 0;
function write(content: string | Buffer): string {
  const path = join(dir, `f${files++}.csv`);
  writeFileSync(path, content);
  return path;
}

async function fastOutcome(cfg: CsvSourceConfig): Promise<{ records: unknown[]; done: boolean }> {
  const records: unknown[] = [];
  const iterator = readCsvFast(cfg);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { records, done: next.value.done };
    records.push([next.value.line, next.value.fields]);
  }
}

/** Deterministic PRNG. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('CSV fast path', () => {
  it('reads well-formed files itself, exactly as csv-parse does', async () => {
    const random = rng(7);
    const values = ['', 'a', 'hello world', 'é€😀', 'NULL', '\\N', ' x ', 'say "hi"', 'a,b', 'two\nlines', '""', '12.50'];
    for (let round = 0; round < 60; round += 1) {
      const crlf = round % 3 === 0;
      const delimiter = [',', ';', '\t'][round % 3]!;
      const columns = 1 + Math.floor(random() * 4);
      const lines = [Array.from({ length: columns }, (_, index) => (index === 0 && round % 4 === 0 ? `"c${index}"` : ` c${index} `)).join(delimiter)];
      const rows = Math.floor(random() * 6);
      for (let row = 0; row < rows; row += 1) {
        const fields = Array.from({ length: columns }, () => {
          const value = values[Math.floor(random() * values.length)]!;
          if (crlf && value.includes('\n')) return '"x"';
          const needsQuotes = value.includes(delimiter) || value.includes('"') || value.includes('\n') || value === '""';
          if (value === '' && random() < 0.5) return '""';
          return needsQuotes || random() < 0.2 ? `"${value.replace(/"/g, '""')}"` : value;
        });
        lines.push(fields.join(delimiter));
        if (random() < 0.1) lines.push('');
      }
      const text = (round % 5 === 0 ? '\ufeff' : '') + lines.join(crlf ? '\r\n' : '\n') + (random() < 0.7 ? (crlf ? '\r\n' : '\n') : '');
      const cfg = config(write(text), { delimiter, nullValues: round % 2 ? ['NULL', '\\N'] : [] });
      const fast = await fastOutcome(cfg);
      const reference = await outcome(readCsv(cfg, { fast: false }));
      expect({ records: fast.records }, text).toEqual(reference);
      // Short files (a few bytes) are left to csv-parse; everything else is read on the fast path.
      if (Buffer.byteLength(text) >= 4) expect(fast.done, text).toBe(true);
      expect(await outcome(readCsv(cfg))).toEqual(reference);
    }
  });

  it('hands anything else over to csv-parse: same records, same errors', { timeout: 30_000 }, async () => {
    const random = rng(11);
    const pieces = ['a', 'b', '1', ',', ',', '"', '""', '\n', '\n', '\r\n', '\r', ' ', 'é', 'NULL', ';', '\t'];
    for (let round = 0; round < 400; round += 1) {
      let text = round % 7 === 0 ? '\ufeff' : '';
      text += round % 2 ? 'a,b\n' : 'x;y;z\r\n';
      const length = Math.floor(random() * 40);
      for (let index = 0; index < length; index += 1) text += pieces[Math.floor(random() * pieces.length)];
      const overrides: Partial<CsvSourceConfig> = {
        ...(round % 3 === 0 ? { delimiter: ';' } : {}),
        ...(round % 5 === 0 ? { nullValues: ['NULL'] } : {}),
        ...(round % 11 === 0 ? { encoding: 'latin1' as const } : {}),
        ...(round % 13 === 0 ? { header: false, columns: ['p', 'q'] } : {}),
      };
      const cfg = config(write(text), overrides);
      const reference = await outcome(readCsv(cfg, { fast: false }));
      expectSame(await outcome(readCsv(cfg)), reference, JSON.stringify(text));
    }
  });

  it('reads big files across chunk boundaries', async () => {
    const lines = ['id,name,note'];
    for (let index = 1; index <= 30_000; index += 1) lines.push(`${index},"name ""${index}""",${index % 3 ? `"multi\nline ${index}"` : ''}`);
    const cfg = config(write(lines.join('\n') + '\n'));
    const fast = await fastOutcome(cfg);
    expect(fast.done).toBe(true);
    expect(fast.records).toEqual((await outcome(readCsv(cfg, { fast: false })) as { records: unknown[] }).records);
  });

  it('gives invalid UTF-8, missing files and broken quoting to csv-parse, which reports them', async () => {
    for (const content of [Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x31, 0x2c, 0xff, 0x0a]), 'a,b\n1,"x\n', 'a,b\n1,2,3\n', 'a,a\n1,2\n']) {
      const cfg = config(write(content));
      const reference = await outcome(readCsv(cfg, { fast: false }));
      expect((reference as { error?: string }).error).toBeDefined();
      expectSame(await outcome(readCsv(cfg)), reference, String(content));
    }
    const missing = config(join(dir, 'missing.csv'));
    expect(await outcome(readCsv(missing))).toEqual(await outcome(readCsv(missing, { fast: false })));
  });
});
