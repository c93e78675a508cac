/**
 * Several files as one source (`path` a glob or a list): warehouse exports such as
 * `part-*.csv.gz` and `part-*.parquet`. Files are read in sorted order; errors name the file and
 * its line; a glob that matches nothing is an error; a saved plan's fingerprint covers every file.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace, type CliResult } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = (): Record<string, string> => ({ TEST_DATABASE_URL: db.url });
const said = (result: CliResult): string => `${result.stdout}\n${result.stderr}`;

async function applyThenNoChanges(manifest: string): Promise<void> {
  const apply = await workspace.run(['apply', '-f', manifest, '--auto-approve'], env());
  expect(apply.code, said(apply)).toBe(0);
  expect(apply.stderr).toContain('Apply complete');
  const plan = await workspace.run(['plan', '-f', manifest, '--format', 'json', '--detailed-exitcode'], env());
  expect(plan.code, said(plan)).toBe(0);
  expect(JSON.parse(plan.stdout).changes).toBe(false);
}

const manifest = (table: string, source: string, fields = '      - { from: id, type: int }\n      - { from: name, type: varchar(8) }\n') => `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  parts: ${source}
syncs:
  ${table}:
    source: parts
    destination: db
    table: ${table}
    mode: mirror
    primary_key: [id]
    fields:
${fields}`;

const csv = (rows: readonly (readonly [number, string])[]): string => `id,name\n${rows.map(([id, name]) => `${id},${name}`).join('\n')}\n`;
const writeGz = (path: string, text: string): void => writeFileSync(join(workspace.dir, path), gzipSync(text));

function parquetPart(ids: readonly number[]): Buffer {
  const columnData = [
    { name: 'id', data: ids.map(BigInt) },
    { name: 'name', data: ids.map((id) => `n${id}`) },
  ];
  const schema = [
    { name: 'root', num_children: 2 },
    { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
    { name: 'name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  ];
  return Buffer.from(parquetWriteBuffer({ columnData, schema } as Parameters<typeof parquetWriteBuffer>[0]));
}

describe(`several files as one source (${dialectOf(db.version)})`, () => {
  it('a glob of gzip CSV parts, read in sorted order; marker files beside them are not matched', async () => {
    workspace.write('export/_SUCCESS', '');
    writeGz('export/part-00002.csv.gz', csv([[5, 'e']]));
    writeGz('export/part-00000.csv.gz', csv([[1, 'a'], [2, 'b']]));
    writeGz('export/part-00001.csv.gz', csv([[3, 'c'], [4, 'd']]));
    workspace.write('csv-glob.yaml', manifest('csv_parts', '{ kind: csv, path: "export/part-*.csv.gz" }'));
    await applyThenNoChanges('csv-glob.yaml');
    expect(await db.query('SELECT id, name FROM csv_parts ORDER BY id')).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
      { id: 4, name: 'd' },
      { id: 5, name: 'e' },
    ]);
  });

  it('a list of paths and globs (NDJSON), and a glob of Parquet parts', async () => {
    workspace.write('nd/first.ndjson', '{"id": 1, "name": "a"}\n');
    workspace.write('nd/more/b.ndjson', '{"id": 2, "name": "b"}\n{"id": 3, "name": "c"}\n');
    workspace.write('nd/more/a.ndjson', '{"id": 4, "name": "d"}\n');
    workspace.write('nd-list.yaml', manifest('nd_parts', '{ kind: ndjson, path: [nd/first.ndjson, "nd/more/*.ndjson"] }'));
    await applyThenNoChanges('nd-list.yaml');
    expect(await db.query('SELECT COUNT(*) AS n FROM nd_parts')).toEqual([{ n: '4' }]);

    writeFileSync(join(workspace.dir, 'pq-0.parquet'), parquetPart([1, 2, 3]));
    writeFileSync(join(workspace.dir, 'pq-1.parquet'), parquetPart([4, 5]));
    workspace.write('pq-glob.yaml', manifest('pq_parts', '{ kind: parquet, path: "pq-*.parquet" }'));
    await applyThenNoChanges('pq-glob.yaml');
    expect(await db.query('SELECT id, name FROM pq_parts ORDER BY id')).toEqual([1, 2, 3, 4, 5].map((id) => ({ id, name: `n${id}` })));
  });

  it('errors name the file and its line', async () => {
    const dir = join(workspace.dir, 'bad');
    workspace.write('bad/p-0.csv', csv([[1, 'a'], [2, 'b']]));
    workspace.write('bad/p-1.csv', `${csv([[3, 'c']])}4,d,extra\n`);
    workspace.write('ragged.yaml', manifest('bad_parts', '{ kind: csv, path: "bad/p-*.csv" }'));
    const ragged = await workspace.run(['plan', '-f', 'ragged.yaml'], env());
    expect(ragged.code).toBe(1);
    expect(ragged.stdout).toContain('bad/p-1.csv:3: PSSYNC_E_SOURCE: malformed CSV: the record has 3 field(s), expected 2');

    // A value that does not fit, and a key that an earlier file already had.
    workspace.write('bad/p-1.csv', csv([[3, 'c'], [4, 'far too long'], [1, 'again']]));
    const rows = await workspace.run(['plan', '-f', 'ragged.yaml'], env());
    expect(rows.code).toBe(1);
    expect(rows.stdout).toContain('bad/p-1.csv:3: PSSYNC_E_ROW_VALUE: column `name`');
    expect(rows.stdout).toContain(`bad/p-1.csv:4: PSSYNC_E_ROW_KEY_DUPLICATE: duplicate key id="1": the same key as line 2 of ${join(dir, 'p-0.csv')}`);

    // A part with other columns is another export, not more rows.
    workspace.write('bad/p-1.csv', 'id,title\n3,c\n');
    const header = await workspace.run(['plan', '-f', 'ragged.yaml'], env());
    expect(header.code).toBe(1);
    expect(header.stdout).toMatch(/p-1\.csv:2: PSSYNC_E_SOURCE: its columns differ from those of .*p-0\.csv \(the first file\): it lacks `name` and has `title` too/);

    workspace.write('empty.yaml', manifest('empty_parts', '{ kind: csv, path: "nothing-here/*.csv" }'));
    const empty = await workspace.run(['plan', '-f', 'empty.yaml'], env());
    expect(empty.code).toBe(1);
    expect(empty.stdout).toMatch(/PSSYNC_E_SOURCE: `nothing-here\/\*\.csv` matches no file/);
    const validate = await workspace.run(['validate', '-f', 'empty.yaml'], env());
    expect(validate.code).toBe(1);
    expect(validate.stdout + validate.stderr).toMatch(/matches no file/);
  });

  it("a saved plan's fingerprint covers every file: changing one, or adding one, makes it stale", async () => {
    workspace.write('fp/a.csv', csv([[1, 'a']]));
    workspace.write('fp/b.csv', csv([[2, 'b']]));
    workspace.write('fp.yaml', manifest('fp_parts', '{ kind: csv, path: "fp/*.csv" }'));
    const stale = async (change: () => void): Promise<void> => {
      const plan = await workspace.run(['plan', '-f', 'fp.yaml', '--out', 'fp.plan.json'], env());
      expect(plan.code, said(plan)).toBe(0);
      change();
      const apply = await workspace.run(['apply', 'fp.plan.json'], env());
      expect(apply.code, said(apply)).toBe(1);
      expect(apply.stderr).toMatch(/PSSYNC_E_PLAN_STALE[\s\S]*sync "fp_parts": the source changed/);
    };
    await stale(() => workspace.write('fp/b.csv', csv([[2, 'B']])));
    await stale(() => workspace.write('fp/c.csv', csv([[3, 'c']])));
    await stale(() => rmSync(join(workspace.dir, 'fp/a.csv')));

    const plan = await workspace.run(['plan', '-f', 'fp.yaml', '--out', 'fp.plan.json'], env());
    expect(plan.code, said(plan)).toBe(0);
    const apply = await workspace.run(['apply', 'fp.plan.json'], env());
    expect(apply.code, said(apply)).toBe(0);
    expect(await db.query('SELECT id, name FROM fp_parts ORDER BY id')).toEqual([
      { id: 2, name: 'B' },
      { id: 3, name: 'c' },
    ]);
  });
});
