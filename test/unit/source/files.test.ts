import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandFiles, readFiles } from '../../../src/source/files.js';
import { SourceError, type SourceRow } from '../../../src/source/source.js';
import { useTempDir } from './helpers.js';

const temp = useTempDir();
// A folder whose own name has glob characters: it must be taken literally.
const root = temp.path('exports [v1]');
const touch = (name: string): string => {
  const file = `${root}/${name}`;
  mkdirSync(file.slice(0, file.lastIndexOf('/')), { recursive: true });
  writeFileSync(file, '');
  return file;
};
for (const name of ['part-10.csv', 'part-02.csv', 'part-01.csv', '.part-00.csv', '_SUCCESS', 'sub/part-03.csv', 'B.csv', 'a.csv']) touch(name);

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

describe('expandFiles', () => {
  it('sorts a glob\'s matches by name, skips dot files, and takes the folder literally', async () => {
    expect(await expandFiles('x', { dir: root, entries: ['part-*.csv'] })).toEqual([`${root}/part-01.csv`, `${root}/part-02.csv`, `${root}/part-10.csv`]);
    expect(await expandFiles('x', { dir: root, entries: ['**/part-0[13].csv'] })).toEqual([`${root}/part-01.csv`, `${root}/sub/part-03.csv`]);
    expect(await expandFiles('x', { dir: root, entries: ['*.csv'] }).then((files) => files.slice(0, 2))).toEqual([`${root}/B.csv`, `${root}/a.csv`]);
  });

  it('reads a list in its order; globs may climb out of the folder or be absolute', async () => {
    expect(await expandFiles('x', { dir: `${root}/sub`, entries: ['../a.csv', '../part-0{1,2}.csv', 'part-03.csv'] })).toEqual([
      `${root}/a.csv`,
      `${root}/part-01.csv`,
      `${root}/part-02.csv`,
      `${root}/sub/part-03.csv`,
    ]);
    expect(await expandFiles('x', { dir: '/', entries: [`${root.replace(/[[\]]/g, '\\$&')}/part-1*.csv`] })).toEqual([`${root}/part-10.csv`]);
  });

  it('refuses a glob that matches nothing, a missing file, a folder, and a file named twice', async () => {
    expect((await failure(expandFiles('exports/*.parquet', { dir: root, entries: ['*.parquet'] }))).message).toMatch(/`\*\.parquet` matches no file/);
    expect(await failure(expandFiles('x', { dir: root, entries: ['missing.csv'] }))).toMatchObject({ file: `${root}/missing.csv`, message: 'cannot open: no such file' });
    expect((await failure(expandFiles('x', { dir: root, entries: ['sub'] }))).message).toMatch(/a directory/);
    expect((await failure(expandFiles('x', { dir: root, entries: ['a.csv', '?.csv'] }))).message).toMatch(/a\.csv is named twice/);
  });
});

describe('readFiles', () => {
  const rows = (file: string, lines: number[], fields: Record<string, unknown> = { id: 1 }): AsyncIterable<SourceRow> =>
    (async function* () {
      for (const line of lines) yield { fields, line };
    })();

  it('numbers lines on across files and says where each record is', async () => {
    const read: SourceRow[] = [];
    const parts: Record<string, number[]> = { a: [2, 3, 7], b: [], c: [2] };
    for await (const row of readFiles(['a', 'b', 'c'], (file) => rows(file, parts[file]!), true)) read.push(row);
    expect(read.map((row) => [row.line, row.origin])).toEqual([
      [2, { file: 'a', line: 2 }],
      [3, { file: 'a', line: 3 }],
      [7, { file: 'a', line: 7 }],
      [9, { file: 'c', line: 2 }],
    ]);
  });

  it('refuses a file whose columns differ from the first file\'s, when asked to', async () => {
    const read = async (sameColumns: boolean): Promise<number> => {
      let count = 0;
      for await (const _ of readFiles(['a', 'b'], (file) => rows(file, [2], file === 'a' ? { id: 1, name: 'x' } : { id: 2 }), sameColumns)) count++;
      return count;
    };
    expect(await read(false)).toBe(2);
    expect(await failure(read(true))).toMatchObject({ file: 'b', line: 2, message: expect.stringMatching(/its columns differ from those of a \(the first file\): it lacks `name`/) });
  });
});
