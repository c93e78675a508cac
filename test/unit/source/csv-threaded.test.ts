/**
 * Large CSV files are read on a worker thread (csv-threaded.ts): the records, line numbers and
 * errors must be exactly those of the reader on the main thread. Runs the compiled worker (dist/).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CsvSourceConfig } from '../../../src/manifest/types.js';
import { readCsv } from '../../../src/source/csv.js';
import { decodeBatch, encodeBatch, readCsvThreaded, workerExecArgv } from '../../../src/source/csv-threaded.js';
import { SourceError, type SourceRow } from '../../../src/source/source.js';
import { csv, useTempDir } from './helpers.js';

const WORKER = pathToFileURL(resolve(import.meta.dirname, '../../../dist/source/csv-worker.js'));
const dir = useTempDir();
/** Enough rows for several read chunks, so several batches. */
const BATCH_ROWS = 10_000;

async function outcome(rows: AsyncIterable<SourceRow>): Promise<{ rows: SourceRow[]; error?: { file: string; line?: number; message: string } }> {
  const read: SourceRow[] = [];
  try {
    for await (const row of rows) read.push(row);
    return { rows: read };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return { rows: read, error: { file: error.file, message: error.message, ...(error.line !== undefined ? { line: error.line } : {}) } };
  }
}

async function same(config: CsvSourceConfig): Promise<SourceRow[]> {
  const threaded = await outcome(readCsvThreaded(config, WORKER));
  expect(threaded).toEqual(await outcome(readCsv(config)));
  return threaded.rows;
}

describe('readCsvThreaded: the same records as readCsv', () => {
  it('values, NULLs, quoted empties and line numbers, over several batches', async () => {
    let text = 'id,note,empty\n';
    for (let id = 1; id <= BATCH_ROWS * 3 + 7; id += 1) text += id % 5 === 0 ? `${id},"two\nlines",""\n` : `${id},n${id},\n`;
    const rows = await same(csv(dir.write('many.csv', text)));
    expect(rows).toHaveLength(BATCH_ROWS * 3 + 7);
    expect(rows[4]).toEqual({ fields: { id: '5', note: 'two\nlines', empty: '' }, line: 6 });
    expect(rows[5]).toEqual({ fields: { id: '6', note: 'n6', empty: null }, line: 8 });
  });

  it('options: no header with named columns, another delimiter and quote, markers, latin1', async () => {
    await same(csv(dir.write('semi.csv', "1;'it\\'s';\\N\n2;NULL;'NULL'\n"), { header: false, columns: ['id', 'a', 'b'], delimiter: ';', quote: "'", escape: '\\', nullValues: ['\\N', 'NULL'] }));
    await same(csv(dir.write('latin1.csv', Buffer.from('id,name\n1,Ærøskøbing\n', 'latin1')), { encoding: 'latin1' }));
  });

  it('errors: the same message and line, after the same records', async () => {
    let text = 'id,v\n';
    for (let id = 1; id <= BATCH_ROWS + 10; id += 1) text += `${id},x\n`;
    const ragged = await outcome(readCsvThreaded(csv(dir.write('ragged.csv', `${text}9,too,many\n`)), WORKER));
    expect(ragged.error).toMatchObject({ line: BATCH_ROWS + 12, message: expect.stringMatching(/3 field/) });
    await same(csv(dir.write('ragged2.csv', `${text}9,too,many\n`)));
    await same(csv(dir.write('unclosed.csv', 'id,v\n1,"never closed\n2,x\n')));
    await same(csv(dir.path('missing.csv')));
  });

  it('a reader that stops early ends the thread', async () => {
    let text = 'id\n';
    for (let id = 1; id <= BATCH_ROWS * 20; id += 1) text += `${id}\n`;
    const file = dir.write('stop.csv', text);
    let read = 0;
    for await (const row of readCsvThreaded(csv(file), WORKER)) {
      read += 1;
      if (row.fields.id === '10') break;
    }
    expect(read).toBe(10);
  });
});

describe('batches between the threads', () => {
  it('cross as one string with the NULLs marked, or as an array when the text holds a NUL', () => {
    const plain = { names: ['a', 'b'], values: ['x', null, '', 'é𝄞', null, null], lines: [2, 3, 5], nulFree: true };
    const joined = encodeBatch(plain);
    expect(joined).toMatchObject({ type: 'rows', joined: 'x\u0000\u0000\u0000é𝄞\u0000\u0000' });
    expect(decodeBatch(joined as Extract<typeof joined, { type: 'rows' }>)).toEqual({ ...plain, nulFree: undefined });
    const withNul = { names: ['a'], values: ['x\u0000y', null], lines: [2, 3], nulFree: false };
    const asArray = encodeBatch(withNul);
    expect(asArray).toMatchObject({ type: 'rows', values: withNul.values });
    expect(decodeBatch(asArray as Extract<typeof asArray, { type: 'rows' }>)).toEqual({ ...withNul, nulFree: undefined });
  });

  it('a NUL character in a value of a large file reaches the main thread intact', async () => {
    let text = 'id,v\n';
    for (let id = 1; id <= BATCH_ROWS * 3; id += 1) text += id === 12_345 ? `${id},"a\u0000b"\n` : `${id},v${id}\n`;
    const rows = await same(csv(dir.write('nul.csv', text)));
    expect(rows[12_344]).toEqual({ fields: { id: '12345', v: 'a\u0000b' }, line: 12_346 });
  });
});

describe('workerExecArgv', () => {
  it("inherits the parent's Node options, unless they hold entry code, which a worker refuses", () => {
    expect(workerExecArgv(['--cpu-prof', '--max-old-space-size=100'])).toBeUndefined();
    expect(workerExecArgv(['--max-semi-space-size=4', '--input-type=module', '-e', 'code'])).toEqual([]);
    expect(workerExecArgv(['--eval=x'])).toEqual([]);
  });
});
