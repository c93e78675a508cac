import { describe, expect, it } from 'vitest';
import { quotedFields, type CsvSyntax } from '../../../src/source/csv-quoting.js';
import { csv, readAll, readError, useTempDir } from './helpers.js';

const dir = useTempDir();

/** The fields of every row of a CSV text. */
async function fields(name: string, content: string | Buffer, options: Parameters<typeof csv>[1] = {}): Promise<unknown[]> {
  return (await readAll(csv(dir.write(name, content), options))).map((row) => row.fields);
}

describe('csv: quoted versus unquoted empty fields and null markers', () => {
  it('an empty field is NULL unquoted and text quoted, first, middle and last', async () => {
    expect(await fields('positions.csv', 'a,b,c\n,,\n"","",""\n,"",\n"",,""\n')).toEqual([
      { a: null, b: null, c: null },
      { a: '', b: '', c: '' },
      { a: null, b: '', c: null },
      { a: '', b: null, c: '' },
    ]);
  });

  it('a quoted null marker is its text, an unquoted one NULL', async () => {
    const rows = await fields('markers.csv', 'a,b,c,d\nNULL,"NULL",\\N,"\\N"\n"NULL",NULL,"\\N",\\N\n', { nullValues: ['NULL', '\\N'] });
    expect(rows).toEqual([
      { a: null, b: 'NULL', c: null, d: '\\N' },
      { a: 'NULL', b: null, c: '\\N', d: null },
    ]);
  });

  it('a quoted field holding a delimiter, a doubled quote and a newline, then an unquoted empty field', async () => {
    const rows = await readAll(csv(dir.write('tricky.csv', 'id,note,empty,last\n1,"a,b ""c""\nd",,""\n2,x,"",\n')));
    expect(rows).toEqual([
      { fields: { id: '1', note: 'a,b "c"\nd', empty: null, last: '' }, line: 2 },
      { fields: { id: '2', note: 'x', empty: '', last: null }, line: 4 },
    ]);
  });

  it('a quoted field ending in a doubled quote, then empty fields', async () => {
    expect(await fields('doubled.csv', 'a,b,c\n"x""",,""\n"""",,\n')).toEqual([
      { a: 'x"', b: null, c: '' },
      { a: '"', b: null, c: null },
    ]);
  });

  it('a custom delimiter, quote and escape', async () => {
    const content = "id;note;a;b\n1;'it\\'s; \\\\';;''\n2;'\\\\';'';\n3;'x\\'';NULL;'NULL'\n";
    const rows = await fields('custom.csv', content, { delimiter: ';', quote: "'", escape: '\\', nullValues: ['NULL'] });
    expect(rows).toEqual([
      { id: '1', note: "it's; \\", a: null, b: '' },
      { id: '2', note: '\\', a: '', b: null },
      { id: '3', note: "x'", a: null, b: 'NULL' },
    ]);
  });

  it('CRLF line endings with a trailing empty field', async () => {
    const rows = await readAll(csv(dir.write('crlf.csv', 'id,v\r\n1,\r\n2,""\r\n\r\n3,\r\n4,')));
    expect(rows).toEqual([
      { fields: { id: '1', v: null }, line: 2 },
      { fields: { id: '2', v: '' }, line: 3 },
      { fields: { id: '3', v: null }, line: 5 },
      { fields: { id: '4', v: null }, line: 6 },
    ]);
  });

  it('a BOM before a quoted empty first field', async () => {
    const rows = await readAll(csv(dir.write('bom-quoted.csv', '\uFEFF"",x\n,y\n'), { header: false, columns: ['a', 'b'] }));
    expect(rows).toEqual([
      { fields: { a: '', b: 'x' }, line: 1 },
      { fields: { a: null, b: 'y' }, line: 2 },
    ]);
  });

  it('latin1, with non-ASCII text before the empty fields', async () => {
    const content = Buffer.from('n,a,b\n"caf\xe9, \xbd",,""\n\xe9,"",\n', 'latin1');
    expect(await fields('latin1-nulls.csv', content, { encoding: 'latin1' })).toEqual([
      { n: 'café, ½', a: null, b: '' },
      { n: 'é', a: '', b: null },
    ]);
  });

  it('utf-8 text with characters outside the BMP before the empty fields', async () => {
    expect(await fields('astral.csv', 'n,a,b\n"𝄞,☕",,""\n')).toEqual([{ n: '𝄞,☕', a: null, b: '' }]);
  });
});

describe('csv: line numbers', () => {
  it('after records with newlines inside quotes and after blank lines, LF and CRLF', async () => {
    const content = '\nid,v\n\n1,"a\nb\nc"\n\r\n\r\n2,\n3,"x\r\ny"\r\n\n\n4,""\r\n5,z';
    const rows = await readAll(csv(dir.write('lines2.csv', content)));
    expect(rows.map((row) => [row.fields.id, row.line])).toEqual([['1', 4], ['2', 9], ['3', 10], ['4', 14], ['5', 15]]);
    expect(rows[1]!.fields.v).toBeNull();
  });

  it('a header spanning lines', async () => {
    const rows = await readAll(csv(dir.write('long-header.csv', '"i\nd",v\n1,2\n')));
    expect(rows).toEqual([{ fields: { 'i\nd': '1', v: '2' }, line: 3 }]);
  });

  it('a record after a long run of blank lines', async () => {
    const rows = await readAll(csv(dir.write('blanks.csv', 'id\n1\n' + '\n'.repeat(5000) + '2\n')));
    expect(rows.map((row) => row.line)).toEqual([2, 5003]);
  });
});

describe('csv: errors keep file order', () => {
  it('without a header, a first record that does not match `columns`', async () => {
    const error = await readError(csv(dir.write('noheader-ragged.csv', '1,x,extra\n2,y,z\n3,"unclosed\n'), { header: false, columns: ['id', 'name'] }));
    expect(error.message).toMatch(/has 3 field\(s\), expected 2/);
    expect(error.line).toBe(1);
  });

  it('a bad header is reported even when a later record is malformed too', async () => {
    const error = await readError(csv(dir.write('bad-header-then-quote.csv', 'id,id\n1,2\n3,"unclosed\n')));
    expect(error.message).toMatch(/names `id` twice/);
    expect(error.line).toBe(1);
  });

  it('a ragged row, itself spanning lines, after records with newlines inside quotes, CRLF and blank lines: its first line', async () => {
    const error = await readError(csv(dir.write('ragged-late.csv', 'id,v\r\n1,"a\r\nb"\r\n\r\n2,"x\r\ny",z\r\n')));
    expect(error.message).toMatch(/has 3 field\(s\), expected 2/);
    expect(error.line).toBe(5);
  });

  it('an unclosed quote after blank lines: the line its record starts on', async () => {
    const error = await readError(csv(dir.write('unclosed-late.csv', 'id,v\n1,"a\nb"\n\n\n2,"x\n3,y\n')));
    expect(error.message).toMatch(/starting on line 6 is never closed/);
    expect(error.line).toBe(6);
  });
});

describe('quotedFields', () => {
  const rfc: CsvSyntax = { delimiter: ',', quote: '"', escape: '"' };
  const backslash: CsvSyntax = { delimiter: ';', quote: "'", escape: '\\' };

  it('finds which fields start with the quote', () => {
    expect(quotedFields('"",a,"b,""c""\nd",,""\n', 0, rfc, 4)).toEqual([true, false, true, false, true]);
    expect(quotedFields("'\\'';x\\y;'a\\\\';''\r", 0, backslash, 3)).toEqual([true, false, true, true]);
  });

  it('starts after skipped blank lines and stops at the last field asked for', () => {
    expect(quotedFields('\n\r"",x,"y"', 2, rfc, 1)).toEqual([true, false]);
  });
});
