/**
 * PapaParse and csv-parse read the common dialect alike (issue 12): for random texts — valid and
 * malformed, small alphabets that hit quotes, doubled quotes, delimiters, CRLF, blank lines, spaces
 * after quotes, null markers, and records cut at chunk ends — both readers give the same rows with
 * the same lines, or the same error at the same line after the same rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CsvSourceConfig } from '../../../src/manifest/types.js';
import { readCsv } from '../../../src/source/csv.js';
import { SourceError } from '../../../src/source/source.js';
import { csv, useTempDir } from './helpers.js';

const dir = useTempDir();

interface Outcome {
  readonly rows: unknown[];
  readonly error?: { readonly message: string; readonly line: number | undefined };
}

async function read(config: CsvSourceConfig, tokenizer?: 'csv-parse'): Promise<Outcome> {
  const rows: unknown[] = [];
  try {
    for await (const row of readCsv(config, tokenizer ? { tokenizer } : {})) rows.push(row);
    return { rows };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return { rows, error: { message: error.message, line: error.line } };
  }
}

/**
 * The error both readers must agree on. csv-parse's detail of the text after a closing quote names a
 * byte, not the character ("Ã" for "é"; nothing for a CR at the end), so the detail is not compared.
 * Its lines for errors inside a record (text after a closing quote, a quote in an unquoted field)
 * count a lone CR, and a CRLF inside quotes as two lines: with a CR in the text, that line is not
 * compared (the tests below check PapaParse's reader gives the true one).
 */
function comparable(text: string, error: NonNullable<Outcome['error']>): Outcome['error'] {
  const message = error.message.replace(/\(got "[^]*"\)/, '(got …)');
  const withinRecord = text.includes('\r') && /after a closing quote|quote inside an unquoted/.test(message);
  return { message, line: withinRecord ? undefined : error.line };
}

let files = 0;
async function same(text: string, options: Partial<CsvSourceConfig> = {}): Promise<Outcome> {
  const config = csv(dir.write(`t${files++}.csv`, text), options);
  const papa = await read(config);
  const reference = await read(config, 'csv-parse');
  const about = JSON.stringify(text);
  if (!reference.error) expect(papa, about).toEqual(reference);
  else {
    // csv-parse may drop records it buffered before the error; PapaParse's reader delivers them all.
    expect(papa.rows.slice(0, reference.rows.length), about).toEqual(reference.rows);
    expect(papa.error && comparable(text, papa.error), about).toEqual(comparable(text, reference.error));
  }
  return papa;
}

const pieces = ['a', 'b1', ',', ',', '"', '""', '\n', '\r\n', '\n\n', ' ', 'NULL', '', 'é', '𝄞', '\r'];
const texts = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((parts) => parts.join(''));

describe('csv: PapaParse reads as csv-parse does', () => {
  it('random texts, with a header', async () => {
    await fc.assert(fc.asyncProperty(texts, (text) => same(text).then(() => true)), { numRuns: 600 });
  }, 60_000);

  it('random texts, without a header, null markers, a semicolon delimiter', async () => {
    const semicolons = texts.map((text) => text.replaceAll(',', ';'));
    await fc.assert(
      fc.asyncProperty(semicolons, (text) => same(text, { header: false, columns: ['x', 'y', 'z'], delimiter: ';', nullValues: ['NULL'] }).then(() => true)),
      { numRuns: 400 },
    );
  }, 60_000);

  it('well-formed records across read chunks, LF and CRLF, quoted newlines and empty fields', async () => {
    const record = (i: number) => [`${i}`, i % 3 === 0 ? '' : `"v ""${i}""\n,x"`, i % 5 === 0 ? '""' : 'plain', i % 7 === 0 ? '' : 'é'].join(',');
    const text = 'id,a,b,c\n' + Array.from({ length: 40_000 }, (_, i) => record(i) + (i % 2 ? '\r\n' : '\n')).join('');
    const outcome = await same(text);
    expect(outcome.error).toBeUndefined();
    expect(outcome.rows).toHaveLength(40_000);
  });

  it('a malformed record far into a file, after a chunk boundary', async () => {
    const good = 'id,a\n' + Array.from({ length: 30_000 }, (_, i) => `${i},"q${i}"\n`).join('');
    const cases: ReadonlyArray<[bad: string, line: number]> = [['1,"x"y\n', 30_002], ['1,5"\n', 30_002], ['1,"x" \n', 30_002], ['1,2,3\n', 30_002], ['1,"open\n', 30_003]];
    for (const [bad, line] of cases) {
      const outcome = await same(good + bad + 'after,"z"\n'.repeat(20_000));
      // The unclosed quote closes at the next record's first quote; the text after it is the error.
      expect(outcome.error?.line).toBe(line);
      expect(outcome.rows).toHaveLength(30_000);
    }
  });

  it('errors inside a record name their true line after a CRLF inside quotes and a lone CR', async () => {
    const cases: ReadonlyArray<[text: string, line: number]> = [
      ['id,a\n1,"x\r\ny"z\n', 3],
      ['id,a\n1,"x\r\ny\r\nw",5"\n', 4],
      ['id,a\n1,x\ry"\n', 2],
      ['id,a\r\n1,"x\r\n\r\n" \r\n', 4],
    ];
    for (const [text, line] of cases) {
      const outcome = await read(csv(dir.write(`true-line-${line}.csv`, text)));
      expect(outcome.error?.line, JSON.stringify(text)).toBe(line);
    }
  });
});
