/**
 * `kind: duckdb` end to end: SQL run by the embedded DuckDB over Parquet and CSV files the test
 * writes (relative paths resolve against the manifest's folder, not the working directory), on a
 * database file opened read-only, with every type DuckDB hands over arriving exactly in the
 * destination; apply, then plan shows no changes. Errors name the source (and the row).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace, type CliResult } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = (): Record<string, string> => ({ TEST_DATABASE_URL: db.url });
const said = (result: CliResult): string => `${result.stdout}\n${result.stderr}`;

const HEADER = `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
`;

async function applyThenNoChanges(manifest: string): Promise<void> {
  const apply = await workspace.run(['apply', '-f', manifest, '--auto-approve'], env());
  expect(apply.code, said(apply)).toBe(0);
  expect(apply.stderr).toContain('Apply complete');
  const plan = await workspace.run(['plan', '-f', manifest, '--format', 'json', '--detailed-exitcode'], env());
  expect(plan.code, said(plan)).toBe(0);
  expect(JSON.parse(plan.stdout).changes).toBe(false);
}

/** One part of an export: ids, exact scores (DECIMAL(12,4)), microsecond timestamps, a list. */
function scoresPart(first: number, count: number): Buffer {
  const ids = Array.from({ length: count }, (_, index) => BigInt(first + index));
  const columnData = [
    { name: 'customer_id', data: ids },
    { name: 'score', data: ids.map((id) => id * 12345n + 1n) },
    { name: 'scored_at', data: ids.map((id) => 1_700_000_000_000_000n + id * 1_000_001n) },
    { name: 'tags', data: ids.map((id) => (id % 2n === 0n ? ['even'] : [])) },
  ];
  const schema = [
    { name: 'root', num_children: columnData.length },
    { name: 'customer_id', type: 'INT64', repetition_type: 'REQUIRED' },
    { name: 'score', type: 'INT64', converted_type: 'DECIMAL', scale: 4, precision: 12, repetition_type: 'OPTIONAL' },
    { name: 'scored_at', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type: 'OPTIONAL' },
    { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  ];
  return Buffer.from(parquetWriteBuffer({ columnData, schema } as Parameters<typeof parquetWriteBuffer>[0]));
}

describe(`kind: duckdb (into ${dialectOf(db.version)})`, () => {
  beforeAll(() => {
    // The manifest lives in a subfolder; the CLI runs from the workspace root.
    const exports = join(workspace.dir, 'warehouse', 'exports');
    mkdirSync(exports, { recursive: true });
    writeFileSync(join(exports, 'part-00000.parquet'), scoresPart(1, 400));
    writeFileSync(join(exports, 'part-00001.parquet'), scoresPart(401, 400));
    writeFileSync(join(exports, 'part-00002.parquet'), scoresPart(801, 200));
    const segments = ['customer_id,segment', ...Array.from({ length: 1000 }, (_, index) => `${index + 1},${index % 3 === 0 ? 'vip' : 'regular'}`)];
    workspace.write('warehouse/segments.csv', `${segments.join('\n')}\n`);
  });

  it('a query joining a folder of Parquet parts with a CSV: apply, then plan shows no changes', async () => {
    workspace.write(
      'warehouse/pssync.yaml',
      `${HEADER}sources:
  scores:
    kind: duckdb
    query: >-
      SELECT p.customer_id, p.score, p.scored_at, p.tags, s.segment
      FROM read_parquet('exports/part-*.parquet') p
      JOIN read_csv('segments.csv') s USING (customer_id)
      WHERE p.customer_id <= 990
syncs:
  scores:
    source: scores
    destination: db
    table: duck_scores
    mode: mirror
    primary_key: [customer_id]
    fields:
      - { from: customer_id, type: bigint }
      - { from: score, type: "decimal(12,4)" }
      - { from: scored_at, type: datetime(6) }
      - { from: tags, type: json }
      - { from: segment, type: varchar(16) }
`,
    );
    await applyThenNoChanges('warehouse/pssync.yaml');
    expect(await db.query('SELECT COUNT(*) AS n FROM duck_scores')).toEqual([{ n: '990' }]);
    expect(await db.query('SELECT customer_id, score, scored_at, tags, segment FROM duck_scores WHERE customer_id IN (1, 802) ORDER BY customer_id')).toEqual([
      { customer_id: '1', score: '1.2346', scored_at: '2023-11-14 22:13:21.000001', tags: [], segment: 'vip' },
      { customer_id: '802', score: '990.0691', scored_at: '2023-11-14 22:26:42.000802', tags: ['even'], segment: 'vip' },
    ]);
  });

  it('every type arrives exactly', async () => {
    workspace.write(
      'types.yaml',
      `${HEADER}sources:
  values:
    kind: duckdb
    query: |-
      SELECT 1 AS id, 170141183460469231731687303715884105727::HUGEINT AS huge, 18446744073709551615::UBIGINT AS ubig,
             1234567890123456789012345678.1234567890::DECIMAL(38,10) AS exact, 0.1::DOUBLE AS ratio, true AS flag,
             TIMESTAMPTZ '2024-02-29 23:59:59.999999+05:30' AS tz, TIMESTAMP_NS '2024-01-02 03:04:05.123456789' AS ns,
             DATE '2024-02-29' AS day, TIME '23:59:59.999' AS at, 'hello'::BLOB AS bytes,
             '{"b": 12345678901234567890, "a": [1]}'::JSON AS doc, [1, 2, NULL] AS list,
             {'city': 'Oslo', 'zip': '0150'} AS struct, MAP {'k': 1} AS map, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID AS uid,
             NULL::VARCHAR AS nothing, 'émoji 😀' AS note
      UNION ALL
      SELECT 2, -1, 0, -0.0000000001, -1.5e300, false, TIMESTAMPTZ '1970-01-01 00:00:01+00', NULL, NULL, NULL, ''::BLOB,
             '[]'::JSON, [], {'city': NULL, 'zip': NULL}, MAP {}, NULL, NULL, ''
syncs:
  values:
    source: values
    destination: db
    table: duck_types
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: int }
      - { from: huge, type: "decimal(39,0)" }
      - { from: ubig, type: bigint unsigned }
      - { from: exact, type: "decimal(38,10)" }
      - { from: ratio, type: double }
      - { from: flag, type: boolean }
      - { from: tz, type: datetime(6) }
      - { from: tz, to: tz_ts, type: timestamp(6) }
      - { from: ns, type: datetime(6) }
      - { from: day, type: date }
      - { from: at, type: time(3) }
      - { from: bytes, type: varbinary(8) }
      - { from: doc, type: json }
      - { from: list, type: json }
      - { from: struct, type: json }
      - { from: struct.city, to: city, type: varchar(16) }
      - { from: map, type: json }
      - { from: uid, type: char(36) }
      - { from: nothing, type: varchar(8) }
      - { from: note, type: text }
`,
    );
    await applyThenNoChanges('types.yaml');
    const rows = await db.query<Record<string, unknown>>('SELECT *, CAST(doc AS CHAR) AS doc_text FROM duck_types ORDER BY id');
    expect(rows).toEqual([
      {
        id: 1,
        huge: '170141183460469231731687303715884105727',
        ubig: '18446744073709551615',
        exact: '1234567890123456789012345678.1234567890',
        ratio: 0.1,
        flag: 1,
        tz: '2024-02-29 18:29:59.999999',
        tz_ts: '2024-02-29 18:29:59.999999',
        ns: '2024-01-02 03:04:05.123457',
        day: '2024-02-29',
        at: '23:59:59.999',
        bytes: Buffer.from('hello'),
        doc: expect.objectContaining({ a: [1] }),
        list: [1, 2, null],
        struct: { city: 'Oslo', zip: '0150' },
        city: 'Oslo',
        map: { k: 1 },
        uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        nothing: null,
        note: 'émoji 😀',
        doc_text: expect.stringMatching(/"b":\s*12345678901234567890\b/),
      },
      {
        id: 2,
        huge: '-1',
        ubig: '0',
        exact: '-0.0000000001',
        ratio: -1.5e300,
        flag: 0,
        tz: '1970-01-01 00:00:01.000000',
        tz_ts: '1970-01-01 00:00:01.000000',
        ns: null,
        day: null,
        at: null,
        bytes: Buffer.alloc(0),
        doc: [],
        list: [],
        struct: { city: null, zip: null },
        city: null,
        map: {},
        uid: null,
        nothing: null,
        note: '',
        doc_text: '[]',
      },
    ]);
  });

  it('a database file, opened read-only', async () => {
    const file = join(workspace.dir, 'facts.duckdb');
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE facts AS SELECT range AS id, range * 2 AS twice FROM range(1, 101)');
    connection.closeSync();
    instance.closeSync();
    const manifest = (query: string) => `${HEADER}sources:
  facts: { kind: duckdb, database: facts.duckdb, query: "${query}" }
syncs:
  facts:
    source: facts
    destination: db
    table: duck_facts
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: int }
      - { from: twice, type: int }
`;
    workspace.write('facts.yaml', manifest('SELECT id, twice FROM facts'));
    await applyThenNoChanges('facts.yaml');
    expect(await db.query('SELECT COUNT(*) AS n, SUM(twice) AS total FROM duck_facts')).toEqual([{ n: '100', total: '10100' }]);

    workspace.write('facts-write.yaml', manifest('DELETE FROM facts RETURNING id, id AS twice'));
    const write = await workspace.run(['plan', '-f', 'facts-write.yaml'], env());
    expect(write.code).toBe(1);
    expect(write.stdout).toMatch(/source "facts".*PSSYNC_E_SOURCE.*the query failed: .*read-only/i);
  });

  it('errors name the source, and the row for a value that does not fit', async () => {
    const manifest = (query: string, type = 'int') => `${HEADER}sources:
  bad: { kind: duckdb, query: "${query}" }
syncs:
  bad:
    source: bad
    destination: db
    table: duck_bad
    mode: upsert
    primary_key: [id]
    fields:
      - { from: id, type: ${type} }
`;
    workspace.write('missing.yaml', manifest("SELECT * FROM read_parquet('nowhere/*.parquet')"));
    const missing = await workspace.run(['plan', '-f', 'missing.yaml'], env());
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/source "bad".*PSSYNC_E_SOURCE.*the query failed: IO Error: No files found that match the pattern "nowhere\/\*\.parquet"/);

    workspace.write('syntax.yaml', manifest('SELEC 1 AS id'));
    const syntax = await workspace.run(['plan', '-f', 'syntax.yaml'], env());
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toMatch(/source "bad".*PSSYNC_E_SOURCE.*the query failed: .*Parser Error: syntax error at or near "SELEC"/);

    workspace.write('fit.yaml', manifest('SELECT range AS id FROM range(126, 130)', 'tinyint'));
    const fit = await workspace.run(['plan', '-f', 'fit.yaml'], env());
    expect(fit.code).toBe(1);
    expect(fit.stdout).toMatch(/source "bad":3: PSSYNC_E_ROW_VALUE: column `id`: 128 is out of range/);
  });
});
