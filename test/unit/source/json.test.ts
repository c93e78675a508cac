import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { JsonArrayScanner } from '../../../src/source/json.js';
import { ExactNumber } from '../../../src/source/exact-number.js';
import { SourceError } from '../../../src/source/source.js';
import { file, readAll, readError, useTempDir } from './helpers.js';

const dir = useTempDir();

const SAMPLE = `[
  {"id": 1, "name": "a", "address": {"city": "Oslo", "zip": "0150"}},
  {"id": 2,
   "name": "has ] and } and \\" and \\\\",
   "tags": ["x", {"y": [1, 2]}]},

  {"id": 3, "name": null, "note": ""}
]
`;

describe('json: an array of objects, streamed', () => {
  it('reads elements with the line they start on, nested values intact', async () => {
    const rows = await readAll(file('json', dir.write('sample.json', SAMPLE)));
    expect(rows).toEqual([
      { fields: { id: 1, name: 'a', address: { city: 'Oslo', zip: '0150' } }, line: 2 },
      { fields: { id: 2, name: 'has ] and } and " and \\', tags: ['x', { y: [1, 2] }] }, line: 3 },
      { fields: { id: 3, name: null, note: '' }, line: 7 },
    ]);
  });

  it('gives the same rows whatever the chunk boundaries', () => {
    const whole = new JsonArrayScanner('f').push(SAMPLE);
    for (let cut = 1; cut < SAMPLE.length; cut++) {
      const scanner = new JsonArrayScanner('f');
      const rows = [...scanner.push(SAMPLE.slice(0, cut)), ...scanner.push(SAMPLE.slice(cut))];
      scanner.end();
      expect(rows).toEqual(whole);
    }
  });

  it('keeps every digit: big integers as bigint, long decimals exact', async () => {
    const rows = await readAll(file('json', dir.write('numbers.json', '[{"id": 12345678901234567890, "small": 9007199254740991, "d": 0.1234567890123456789, "f": 1.5}]')));
    expect(rows[0]!.fields).toEqual({ id: 12345678901234567890n, small: 9007199254740991, d: new ExactNumber('0.1234567890123456789'), f: 1.5 });
  });

  it('reads an empty array, a BOM, gzip and standard input', async () => {
    expect(await readAll(file('json', dir.write('empty.json', ' [ ] \n')))).toEqual([]);
    expect(await readAll(file('json', dir.write('bom.json', '\uFEFF[{"a":1}]')))).toHaveLength(1);
    expect(await readAll(file('json', dir.write('data.json.gz', gzipSync(SAMPLE))))).toHaveLength(3);
    expect(await readAll(file('json', '-'), '[{"a": 1}]')).toEqual([{ fields: { a: 1 }, line: 1 }]);
  });
});

describe('json: malformed input is an error with the line', () => {
  const cases: ReadonlyArray<[name: string, text: string | Buffer, line: number, words: RegExp]> = [
    ['an object instead of an array', '{"id": 1}\n', 1, /starts with `\{`, not `\[`.*ndjson/],
    ['NDJSON', '{"id": 1}\n{"id": 2}\n', 1, /not `\[`/],
    ['a trailing comma', '[\n{"id": 1},\n]\n', 3, /trailing commas/],
    ['a missing comma', '[\n{"id": 1}\n{"id": 2}\n]', 3, /expected `,` or `\]` after element 1/],
    ['an element that is not an object', '[\n{"id": 1},\n 42\n]', 3, /element 2 of the array is not an object/],
    ['an array element', '[[1, 2]]', 1, /element 1 of the array is not an object/],
    ['a bad token inside an element', '[\n{"id": 1},\n{"id": 2,\n "name": tru}\n]', 4, /invalid JSON in element 2/],
    ['single quotes', "[\n{'id': 1}\n]", 2, /invalid JSON in element 1/],
    ['NaN', '[{"id": 1, "x": NaN}]', 1, /invalid JSON/],
    ['a file cut inside an element', '[\n{"id": 1},\n{"id": 2, "name": "ab', 3, /ends inside element 2 \(which starts on line 3\): it is truncated/],
    ['a file cut before the closing bracket', '[\n{"id": 1},\n{"id": 2}\n', 4, /before the array is closed/],
    ['text after the array', '[{"id": 1}]\nxyz', 2, /unexpected `x` after the end of the array/],
    ['an empty file', '', 1, /the file is empty/],
    ['invalid UTF-8', Buffer.from('[\n{"name": "caf\xe9"}\n]', 'latin1'), 2, /invalid UTF-8/],
  ];
  for (const [name, text, line, words] of cases) {
    it(name, async () => {
      const path = dir.write(`bad-${name.replace(/\W+/g, '-')}.json`, text);
      const error = await readError(file('json', path));
      expect(error).toBeInstanceOf(SourceError);
      expect(error.message).toMatch(words);
      expect(error.line).toBe(line);
    });
  }

  it('a truncated gzip stream (the producer stopped mid-write)', async () => {
    const full = gzipSync(`[${Array.from({ length: 5000 }, (_, i) => `{"id": ${i}, "pad": "${'x'.repeat(40)}"}`).join(',\n')}]`);
    const error = await readError(file('json', dir.write('cut.json.gz', full.subarray(0, full.length - 40))));
    expect(error.message).toMatch(/gzip data ends early/);
  });
});

describe('ndjson', () => {
  it('one object per line; blank lines skipped; exact numbers', async () => {
    const rows = await readAll(file('ndjson', dir.write('a.ndjson', '{"id": 1}\n\n{"id": 18446744073709551615, "a": {"b": 2}}\r\n')));
    expect(rows).toEqual([
      { fields: { id: 1 }, line: 1 },
      { fields: { id: 18446744073709551615n, a: { b: 2 } }, line: 3 },
    ]);
  });

  const cases: ReadonlyArray<[name: string, text: string | Buffer, line: number, words: RegExp]> = [
    ['invalid JSON', '{"id": 1}\n{"id": 2,}\n', 2, /invalid JSON at character 10/],
    ['an array line', '{"id": 1}\n[1, 2]\n', 2, /expected a JSON object on this line, found an array/],
    ['a cut-off last line', '{"id": 1}\n{"id": 2, "na', 2, /invalid JSON/],
    ['invalid UTF-8', Buffer.from('{"id": 1}\n{"id": "\xff"}\n', 'latin1'), 2, /invalid UTF-8/],
  ];
  for (const [name, text, line, words] of cases) {
    it(name, async () => {
      const error = await readError(file('ndjson', dir.write(`bad-${name.replace(/\W+/g, '-')}.ndjson`, text)));
      expect(error.message).toMatch(words);
      expect(error.line).toBe(line);
    });
  }
});
