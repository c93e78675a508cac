/** A source that changes or disappears while it is read is an error, never a silently shorter source. */
import { renameSync, truncateSync, unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSource } from '../../../src/source/open-source.js';
import { SourceError } from '../../../src/source/source.js';
import { csv, file, useTempDir } from './helpers.js';

const dir = useTempDir();
const BIG = 'id,name\n' + Array.from({ length: 200_000 }, (_, i) => `${i},name ${i}\n`).join('');

/** Reads the first row, does something to the file, then reads on: the error (or undefined). */
async function readWhile(path: string, kind: 'csv' | 'ndjson', change: () => void): Promise<{ rows: number; error?: SourceError }> {
  const config = kind === 'csv' ? csv(path) : file('ndjson', path);
  let rows = 0;
  try {
    for await (const _ of readSource(config)) {
      rows++;
      if (rows === 1) change();
    }
  } catch (error) {
    if (error instanceof SourceError) return { rows, error };
    throw error;
  }
  return { rows };
}

describe('a source that vanishes mid-read', () => {
  it('truncated while being read', async () => {
    const path = dir.write('truncated.csv', BIG);
    const { error, rows } = await readWhile(path, 'csv', () => truncateSync(path, 1000));
    expect(rows).toBeLessThan(200_000);
    expect(error?.message).toMatch(/changed while it was being read/);
  });

  it('removed while being read', async () => {
    const path = dir.write('removed.csv', BIG);
    const { error } = await readWhile(path, 'csv', () => unlinkSync(path));
    expect(error?.message).toMatch(/removed while it was being read/);
  });

  it('replaced while being read', async () => {
    const path = dir.write('replaced.csv', BIG);
    const { error } = await readWhile(path, 'csv', () => {
      writeFileSync(`${path}.new`, 'id,name\n1,x\n');
      renameSync(`${path}.new`, path);
    });
    expect(error?.message).toMatch(/replaced while it was being read/);
  });

  it('appended to while being read (its producer is still writing)', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `{"id": ${i}}\n`).join('');
    const path = dir.write('growing.ndjson', lines);
    const { error } = await readWhile(path, 'ndjson', () => appendFileSync(path, '{"id": -1}\n'));
    expect(error?.message).toMatch(/changed while it was being read/);
  });

  it('an unchanged file reads to the end', async () => {
    const path = dir.write('steady.csv', BIG);
    expect(await readWhile(path, 'csv', () => undefined)).toEqual({ rows: 200_000 });
  });
});
