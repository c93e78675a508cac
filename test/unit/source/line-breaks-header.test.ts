/**
 * Issue 11: CR-only (old Mac) CSV files are read line by line, with the right line numbers in
 * records and errors; and every reader with a header (CSV, Parquet) tells it, records or not.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/source/csv.js';
import { readCsvThreaded } from '../../../src/source/csv-threaded.js';
import { firstLineBreak } from '../../../src/source/input.js';
import { readSource } from '../../../src/source/open-source.js';
import type { SourceHeader, SourceRow } from '../../../src/source/source.js';
import { csv, file, readAll, readError, useTempDir } from './helpers.js';

const WORKER = pathToFileURL(resolve(import.meta.dirname, '../../../dist/source/csv-worker.js'));
const dir = useTempDir();

async function headerAndRows(rows: (onHeader: (header: SourceHeader) => void) => AsyncIterable<SourceRow>): Promise<{ headers: SourceHeader[]; rows: SourceRow[] }> {
  const headers: SourceHeader[] = [];
  const read: SourceRow[] = [];
  for await (const row of rows((header) => headers.push(header))) read.push(row);
  return { headers, rows: read };
}

describe('firstLineBreak', () => {
  it.each([
    ['a,b\nc', false, 'lf'],
    ['a,b\r\nc', false, 'lf'],
    ['a,b\rc', false, 'cr'],
    ['a,b\r', true, 'cr'],
    ['a,b\r', false, undefined],
    ['a,b', false, undefined],
    ['a,b', true, undefined],
  ] as const)('%j (at end: %s) → %s', (text, atEnd, expected) => {
    expect(firstLineBreak(Buffer.from(text), atEnd)).toBe(expected);
  });
});

describe('csv: CR line endings', () => {
  it('records, quoted CRs, CRLF and blank lines, each line counted once', async () => {
    const rows = await readAll(csv(dir.write('mac.csv', 'id,note\r1,a\r2,"two\rlines"\r\r3,"crlf\r\ninside"\r4,d\r')));
    expect(rows).toEqual([
      { fields: { id: '1', note: 'a' }, line: 2 },
      { fields: { id: '2', note: 'two\rlines' }, line: 3 },
      { fields: { id: '3', note: 'crlf\r\ninside' }, line: 6 },
      { fields: { id: '4', note: 'd' }, line: 8 },
    ]);
  });

  it('a file without a final line break, and a lone header line', async () => {
    expect(await readAll(csv(dir.write('mac-open.csv', 'id,note\r1,a\r2,b')))).toEqual([
      { fields: { id: '1', note: 'a' }, line: 2 },
      { fields: { id: '2', note: 'b' }, line: 3 },
    ]);
    expect(await readAll(csv(dir.write('mac-header.csv', 'id,note\r')))).toEqual([]);
  });

  it('a LF file keeps a lone CR inside a value as text', async () => {
    const rows = await readAll(csv(dir.write('lf-cr.csv', 'id,note\n1,a\rb\n2,"c\rd"\n')));
    expect(rows).toEqual([
      { fields: { id: '1', note: 'a\rb' }, line: 2 },
      { fields: { id: '2', note: 'c\rd' }, line: 3 },
    ]);
  });

  it('errors name the line: a ragged row, an unclosed quote, bytes that are not UTF-8', async () => {
    expect(await readError(csv(dir.write('mac-ragged.csv', 'id,note\r1,a\r2,"x\ry"\r3\r')))).toMatchObject({ line: 5, message: expect.stringContaining('has 1 field') });
    expect(await readError(csv(dir.write('mac-quote.csv', 'id,note\r1,a\r\r2,"open\r3,c\r')))).toMatchObject({ line: 4, message: expect.stringContaining('never closed') });
    const latin1 = Buffer.concat([Buffer.from('id,note\r1,a\r2,caf'), Buffer.from([0xe9]), Buffer.from('\r')]);
    expect(await readError(csv(dir.write('mac-latin1.csv', latin1)))).toMatchObject({ line: 3, message: expect.stringContaining('invalid UTF-8') });
  });

  it('line numbers stay right across read chunks, with a CR as the last byte of a chunk', async () => {
    let rows = '';
    for (let id = 1; id <= 60_000; id += 1) rows += `${id},n${id % 10}\r`;
    const base = `id,note\r${rows}60001\r`;
    // Files are read in 256 KiB chunks: pad the header's name until a CR is the chunk's last byte.
    const pad = 262_143 - base.lastIndexOf('\r', 262_143);
    const text = `id,note${'x'.repeat(pad)}\r${rows}60001\r`;
    expect(text[262_143]).toBe('\r');
    expect(await readError(csv(dir.write('mac-big.csv', text)))).toMatchObject({ line: 60_002, message: expect.stringContaining('has 1 field') });
    const latin1 = Buffer.concat([Buffer.from(text.slice(0, -7)), Buffer.from([0xe9]), Buffer.from('\r')]);
    expect(await readError(csv(dir.write('mac-big-latin1.csv', latin1)))).toMatchObject({ line: 60_001, message: expect.stringContaining('invalid UTF-8') });
  });

  it('the worker thread reads a CR file exactly as the main thread', async () => {
    const config = csv(dir.write('mac-threaded.csv', 'id,note\r1,a\r2,"b\rc"\r3,d\r'));
    const threaded = await headerAndRows((onHeader) => readCsvThreaded(config, WORKER, { onHeader }));
    expect(threaded).toEqual(await headerAndRows((onHeader) => readCsv(config, { onHeader })));
    expect(threaded.rows.map((row) => row.line)).toEqual([2, 3, 5]);
  });
});

describe('a header without records is still told', () => {
  it('csv: the header row, with its line; also through the worker thread', async () => {
    const config = csv(dir.write('header-only.csv', '\nid,Email\n'));
    expect(await headerAndRows((onHeader) => readSource(config, { onHeader }))).toEqual({ headers: [{ names: ['id', 'Email'], line: 2 }], rows: [] });
    expect(await headerAndRows((onHeader) => readCsvThreaded(config, WORKER, { onHeader }))).toEqual({ headers: [{ names: ['id', 'Email'], line: 2 }], rows: [] });
  });

  it('csv with header: false: `columns` are the header', async () => {
    const config = csv(dir.write('empty-noheader.csv', ''), { header: false, columns: ['id', 'name'] });
    expect(await headerAndRows((onHeader) => readSource(config, { onHeader }))).toEqual({ headers: [{ names: ['id', 'name'] }], rows: [] });
  });

  it('a zero-byte csv has no header', async () => {
    const config = csv(dir.write('zero.csv', ''));
    expect(await headerAndRows((onHeader) => readSource(config, { onHeader }))).toEqual({ headers: [], rows: [] });
  });

  it('parquet: the top-level columns of the schema', async () => {
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [] },
        { name: 'code', data: [] },
      ],
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'id', type: 'INT64', repetition_type: 'OPTIONAL' },
        { name: 'code', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    } as Parameters<typeof parquetWriteBuffer>[0]);
    const config = file('parquet', dir.write('no-rows.parquet', new Uint8Array(bytes)));
    expect(await headerAndRows((onHeader) => readSource(config, { onHeader }))).toEqual({ headers: [{ names: ['id', 'code'] }], rows: [] });
  });
});
