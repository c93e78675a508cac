import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { csv, readAll, readError, useTempDir } from './helpers.js';

const dir = useTempDir();

describe('csv: values and NULL', () => {
  it('reads an unquoted empty field as NULL and a quoted one as the empty string', async () => {
    const rows = await readAll(csv(dir.write('nulls.csv', 'id,a,b\n1,,""\n')));
    expect(rows).toEqual([{ fields: { id: '1', a: null, b: '' }, line: 2 }]);
  });

  it('null_values mark NULL only when unquoted', async () => {
    const rows = await readAll(csv(dir.write('markers.csv', 'id,a,b,c\n1,\\N,NULL,"NULL"\n'), { nullValues: ['\\N', 'NULL'] }));
    expect(rows[0]!.fields).toEqual({ id: '1', a: null, b: null, c: 'NULL' });
  });

  it('numbers records by the line they start on, across quoted newlines and blank lines', async () => {
    const rows = await readAll(csv(dir.write('lines.csv', 'id,note\n1,"two\nlines"\n\n2,x\n3,"a\r\nb"\n4,y')));
    expect(rows.map((row) => [row.fields.id, row.line])).toEqual([['1', 2], ['2', 5], ['3', 6], ['4', 8]]);
    expect(rows[2]!.fields.note).toBe('a\r\nb');
  });

  it('accepts LF and CRLF line endings, mixed', async () => {
    const rows = await readAll(csv(dir.write('endings.csv', 'id,v\r\n1,a\n2,b\r\n3,c\r\n')));
    expect(rows.map((row) => row.fields)).toEqual([{ id: '1', v: 'a' }, { id: '2', v: 'b' }, { id: '3', v: 'c' }]);
  });

  it('trims header names', async () => {
    const rows = await readAll(csv(dir.write('spaces.csv', ' id , name\n1,x\n')));
    expect(rows[0]!.fields).toEqual({ id: '1', name: 'x' });
  });
});

describe('csv: options', () => {
  it('delimiter, quote and escape', async () => {
    const rows = await readAll(csv(dir.write('semi.csv', "id;name\n1;'it\\'s; here'\n"), { delimiter: ';', quote: "'", escape: '\\' }));
    expect(rows[0]!.fields).toEqual({ id: '1', name: "it's; here" });
  });

  it('a tab delimiter', async () => {
    const rows = await readAll(csv(dir.write('tab.tsv', 'id\tname\n1\tx y\n'), { delimiter: '\t' }));
    expect(rows[0]!.fields).toEqual({ id: '1', name: 'x y' });
  });

  it('header: false with columns names the fields; line 1 is a row', async () => {
    const rows = await readAll(csv(dir.write('noheader.csv', '1,x\n2,y\n'), { header: false, columns: ['id', 'name'] }));
    expect(rows).toEqual([
      { fields: { id: '1', name: 'x' }, line: 1 },
      { fields: { id: '2', name: 'y' }, line: 2 },
    ]);
  });

  it('header: true with columns renames the header fields', async () => {
    const rows = await readAll(csv(dir.write('rename.csv', 'ID,Full Name\n1,x\n'), { columns: ['id', 'name'] }));
    expect(rows[0]!.fields).toEqual({ id: '1', name: 'x' });
  });

  it('utf-8 with a byte-order mark', async () => {
    const rows = await readAll(csv(dir.write('bom.csv', '\uFEFFid,name\n1,café\n')));
    expect(rows[0]!.fields).toEqual({ id: '1', name: 'café' });
  });

  it('latin1', async () => {
    const rows = await readAll(csv(dir.write('latin1.csv', Buffer.from('id,name\n1,caf\xe9 \xbd\n', 'latin1')), { encoding: 'latin1' }));
    expect(rows[0]!.fields).toEqual({ id: '1', name: 'café ½' });
  });

  it('gzip by the .gz suffix', async () => {
    const rows = await readAll(csv(dir.write('data.csv.gz', gzipSync('id,name\n1,x\n2,y\n'))));
    expect(rows.map((row) => row.fields.name)).toEqual(['x', 'y']);
  });

  it('standard input, plain or gzip-compressed', async () => {
    expect((await readAll(csv('-'), 'id\n7\n'))[0]!.fields).toEqual({ id: '7' });
    expect((await readAll(csv('-'), gzipSync('id\n8\n')))[0]!.fields).toEqual({ id: '8' });
  });

  it('an empty file and a header-only file have no rows', async () => {
    expect(await readAll(csv(dir.write('empty.csv', '')))).toEqual([]);
    expect(await readAll(csv(dir.write('header-only.csv', 'id,name\n')))).toEqual([]);
  });
});

describe('csv: malformed input is an error with the line', () => {
  const cases: ReadonlyArray<[name: string, content: string | Buffer, line: number | undefined, words: RegExp, options?: object]> = [
    ['an unclosed quote', 'id,name\n1,x\n2,"y\n3,z\n', 3, /never closed/],
    ['a short row', 'id,name\n1,x\n2\n', 3, /has 1 field\(s\), expected 2/],
    ['a long row', 'id,name\n1,x,extra\n', 2, /has 3 field\(s\), expected 2/],
    ['text after a closing quote', 'id,name\n1,"x"y\n', 2, /after a closing quote/],
    ['a quote inside an unquoted field', 'id,name\n1,5"\n', 2, /quote inside an unquoted field/],
    ['a header naming a field twice', 'id,id\n1,2\n', 1, /names `id` twice/],
    ['a header with an empty name', 'id,,name\n1,2,3\n', 1, /column 2 of the header row has no name/],
    ['columns not matching the header', 'a,b,c\n1,2,3\n', 1, /header row has 3 column\(s\) but `columns` names 2/, { columns: ['x', 'y'] }],
    ['Latin-1 bytes in a utf-8 file', Buffer.from('id,name\n1,ok\n2,caf\xe9\n', 'latin1'), 3, /invalid UTF-8 \(byte 0xE9 .*character 6 of the line\).*encoding: latin1/],
    ['a lone continuation byte', Buffer.from([...Buffer.from('id\n'), 0x80, 0x0a]), 2, /invalid UTF-8 \(byte 0x80/],
    ['an overlong encoding', Buffer.from([...Buffer.from('id\n1\n'), 0xc0, 0xaf, 0x0a]), 3, /invalid UTF-8 \(byte 0xC0/],
    ['an encoded surrogate', Buffer.from([...Buffer.from('id\n'), 0xed, 0xa0, 0x80, 0x0a]), 2, /invalid UTF-8/],
    ['a file ending inside a character', Buffer.from([...Buffer.from('id\nx'), 0xc3]), 2, /ends in the middle of a UTF-8 character/],
    ['UTF-16', Buffer.from('\uFEFFid\n1\n', 'utf16le'), 1, /UTF-16/],
    ['gzip data without a .gz name', gzipSync('id\n1\n'), 1, /gzip-compressed; give it a .gz name/],
  ];
  for (const [name, content, line, words, options] of cases) {
    it(name, async () => {
      const path = dir.write(`bad-${name.replace(/\W+/g, '-')}.csv`, content);
      const error = await readError(csv(path, options));
      expect(error.message).toMatch(words);
      expect(error.file).toBe(path);
      expect(error.line).toBe(line);
    });
  }

  it('finds invalid UTF-8 far into a file, across chunk boundaries, at the right line', async () => {
    const good = 'id,name\n' + Array.from({ length: 50_000 }, (_, i) => `${i},café ☕ 𝄞 ${i}\n`).join('');
    const bytes = Buffer.concat([Buffer.from(good), Buffer.from([0x31, 0x2c, 0xff, 0x0a])]);
    const error = await readError(csv(dir.write('late-bad.csv', bytes)));
    expect(error.line).toBe(50_002);
    expect(error.message).toMatch(/byte 0xFF/);
  });

  it('a .gz file that is not gzip, and a truncated one', async () => {
    const notGzip = await readError(csv(dir.write('fake.csv.gz', 'id\n1\n')));
    expect(notGzip.message).toMatch(/not valid gzip data/);
    const full = gzipSync('id,name\n' + Array.from({ length: 20_000 }, (_, i) => `${i},row ${i}\n`).join(''));
    const truncated = await readError(csv(dir.write('cut.csv.gz', full.subarray(0, Math.floor(full.length / 2)))));
    expect(truncated.message).toMatch(/gzip data ends early: the file is truncated/);
    expect(truncated.line).toBeGreaterThan(1);
  });

  it('a missing file and a directory', async () => {
    expect((await readError(csv(dir.path('nope.csv')))).message).toMatch(/cannot open: no such file/);
    expect((await readError(csv(dir.path('')))).message).toMatch(/directory/);
  });
});
