/**
 * `validate` checks file sources offline with the same preparation as `plan` (prepare-source.ts):
 * missing fields and bad rows are found; what only the database can decide is not claimed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/index.js';
import { validateSources } from '../../../src/mapping/validate-sources.js';

const dir = mkdtempSync(join(tmpdir(), 'pssync-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function validate(csv: string, fields: string | undefined): Promise<string[]> {
  writeFileSync(join(dir, 'data.csv'), csv);
  const manifest = `
version: 1
destinations:
  db: { url: "mysql://root@127.0.0.1:3306/x" }
sources:
  data: { kind: csv, path: data.csv }
syncs:
  s:
    source: data
    destination: db
    table: t
    mode: mirror
    primary_key: [id]
${fields ? `    fields:\n${fields}` : ''}`;
  const { config, diagnostics } = parseManifest(manifest, join(dir, 'pssync.yaml'), {});
  expect(diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return (await validateSources(config!)).map((diagnostic) => `${diagnostic.line ?? '-'} ${diagnostic.code}: ${diagnostic.message}`);
}

describe('validateSources', () => {
  it('a bad value is reported with its line', async () => {
    const found = await validate('id,n\n1,5\n2,five\n', '      - { from: id, type: int }\n      - { from: n, type: int }\n');
    expect(found).toEqual([
      "3 PSSYNC_E_ROW_VALUE: column `n`: 'five' is not an integer",
      '- PSSYNC_E_REJECTS_EXCEEDED: 1 bad row(s) in the source, more than max_rejected_rows (0); nothing will be written for this sync',
    ]);
  });

  it('a mapped field the source lacks is reported', async () => {
    const found = await validate('id\n1\n', '      - { from: id, type: int }\n      - { from: missing, type: int }\n');
    expect(found.join('\n')).toMatch(/missing/);
  });

  it('an empty source without `fields` is not an error offline: the table may exist (plan decides)', async () => {
    expect(await validate('', undefined)).toEqual([]);
  });

  it('a header-only file lacking a mapped field is reported: no rows do not make it an empty source (issue 11)', async () => {
    const found = await validate('id,name\n', '      - { from: id, type: int }\n      - { from: amount, type: int }\n');
    expect(found).toEqual(['16 PSSYNC_E_ROW_FIELD_MISSING: field `amount` is not a column of data.csv (columns: id, name)']);
  });

  it('a CR-only header line lacking a mapped field is reported, the same', async () => {
    const found = await validate('id,name\r', '      - { from: id, type: int }\n      - { from: amount, type: int }\n');
    expect(found).toEqual(['16 PSSYNC_E_ROW_FIELD_MISSING: field `amount` is not a column of data.csv (columns: id, name)']);
  });

  it('without `fields`, header names MySQL takes as one column are reported at the header line, rows or not (issue 11)', async () => {
    for (const csv of ['id,Email,email\n', 'id,Email,email\n1,a,b\n', '\rid,Ä,ä\r1,a,b\r']) {
      const found = await validate(csv, undefined);
      expect(found, csv).toHaveLength(1);
      expect(found[0]).toMatch(/^[12] PSSYNC_E_SOURCE: the source's fields `(Email|Ä)` and `(email|ä)` are one column to MySQL/);
    }
  });

  it('without `fields`, names that differ in accents are two columns', async () => {
    expect(await validate('id,É,E\n1,a,b\n', undefined)).toEqual([]);
  });

  it('a clean file has nothing to report', async () => {
    expect(await validate('id,n\n1,5\n2,6\n', undefined)).toEqual([]);
  });
});
