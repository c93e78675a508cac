/**
 * `kind: postgres` end to end against the real PostgreSQL on this machine (see
 * test/helpers/postgres.ts): every type PostgreSQL hands over arrives exactly in MariaDB, the
 * rows come from one read-only, repeatable-read snapshot, a saved plan's fingerprint covers the
 * query's rows, errors name the source and the row, and the password never shows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useTestPostgres } from '../helpers/postgres.js';
import { useWorkspace, type CliResult } from '../helpers/workspace.js';
import { readSource } from '../../src/source/open-source.js';

const db = useTestDatabase();
const pgdb = useTestPostgres();
const workspace = useWorkspace();

const env = (): Record<string, string> => ({ TEST_DATABASE_URL: db.url, PG_URL: pgdb.url });
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

const TYPES_MANIFEST = `${HEADER}sources:
  scores:
    kind: postgres
    url: \${PG_URL}
    query: >-
      SELECT id, big, amount, small, ratio, active, seen_at, seen_at AS seen_ts, local_at, day,
             at_time, profile, raw, blob, uid, tags, counts, prices, note, max_id
      FROM scores
syncs:
  scores:
    source: scores
    destination: db
    table: scores
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: bigint }
      - { from: big, type: "decimal(38,10)" }
      - { from: amount, type: "decimal(12,2)" }
      - { from: small, type: smallint }
      - { from: ratio, type: double }
      - { from: active, type: boolean }
      - { from: seen_at, type: datetime(6) }
      - { from: seen_ts, type: timestamp(6) }
      - { from: local_at, type: datetime(6) }
      - { from: day, type: date }
      - { from: at_time, type: time(3) }
      - { from: profile, type: json }
      - { from: raw, type: json }
      - { from: blob, type: varbinary(16) }
      - { from: uid, type: char(36) }
      - { from: tags, type: json }
      - { from: counts, type: json }
      - { from: prices, type: json }
      - { from: note, type: text }
      - { from: max_id, type: bigint unsigned }
`;

describe(`kind: postgres (into ${dialectOf(db.version)})`, () => {
  beforeAll(async () => {
    await pgdb.query(`CREATE TABLE scores (
      id bigint PRIMARY KEY, big numeric(38,10), amount numeric(12,2), small smallint, ratio double precision,
      active boolean, seen_at timestamptz, local_at timestamp(6), day date, at_time time(3), profile jsonb,
      raw json, blob bytea, uid uuid, tags text[], counts int[], prices numeric[], note text, max_id numeric(20)
    )`);
    await pgdb.query(`INSERT INTO scores VALUES
      (1, 1234567890123456789012345678.1234567890, 12.5, -32768, 0.1, true, '2024-02-29 23:59:59.999999+05:30',
       '1999-12-31 23:59:59.123456', '2024-02-29', '23:59:59.999', '{"b": 12345678901234567890, "a": [1, 2.5]}',
       '{"keep": "as is"}', '\\x68656c6c6f00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a b","c\\"d",NULL,"NULL"}',
       '{1,NULL,-3}', '{1.10,-2.5}', 'émoji 😀', 18446744073709551615),
      (2, NULL, NULL, NULL, NULL, false, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', NULL),
      (3, -0.0000000001, 0, 32767, -1.5e300, NULL, '1970-01-01 01:00:01+01', '2038-01-19 03:14:08', '1000-01-01',
       '00:00:00', '[]', 'null', '\\x', '00000000-0000-0000-0000-000000000000', '{}', '{}', '{}', NULL, 0)`);
  });

  it('every type arrives exactly; apply, then plan shows no changes', async () => {
    workspace.write('types.yaml', TYPES_MANIFEST);
    await applyThenNoChanges('types.yaml');
    const rows = await db.query<Record<string, unknown>>(
      `SELECT id, big, amount, small, ratio, active, seen_at, seen_ts, local_at, day, at_time, profile, raw,
              HEX(\`blob\`) AS \`blob\`, uid, tags, counts, prices, note, CAST(max_id AS CHAR) AS max_id FROM scores ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        id: '1',
        big: '1234567890123456789012345678.1234567890',
        amount: '12.50',
        small: -32768,
        ratio: 0.1,
        active: 1,
        // timestamptz in UTC, into DATETIME and TIMESTAMP alike, unshifted.
        seen_at: '2024-02-29 18:29:59.999999',
        seen_ts: '2024-02-29 18:29:59.999999',
        local_at: '1999-12-31 23:59:59.123456',
        day: '2024-02-29',
        at_time: '23:59:59.999',
        profile: expect.objectContaining({ a: [1, 2.5] }),
        raw: { keep: 'as is' },
        blob: '68656C6C6F00',
        uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        tags: ['a b', 'c"d', null, 'NULL'],
        counts: [1, null, -3],
        prices: [1.1, -2.5],
        note: 'émoji 😀',
        max_id: '18446744073709551615',
      },
      {
        id: '2',
        big: null,
        amount: null,
        small: null,
        ratio: null,
        active: 0,
        seen_at: null,
        seen_ts: null,
        local_at: null,
        day: null,
        at_time: null,
        profile: null,
        raw: null,
        blob: null,
        uid: null,
        tags: null,
        counts: null,
        prices: null,
        note: '',
        max_id: null,
      },
      {
        id: '3',
        big: '-0.0000000001',
        amount: '0.00',
        small: 32767,
        ratio: -1.5e300,
        active: null,
        seen_at: '1970-01-01 00:00:01.000000',
        seen_ts: '1970-01-01 00:00:01.000000',
        local_at: '2038-01-19 03:14:08.000000',
        day: '1000-01-01',
        at_time: '00:00:00.000',
        profile: [],
        raw: null,
        blob: '',
        uid: '00000000-0000-0000-0000-000000000000',
        tags: [],
        counts: [],
        prices: [],
        note: null,
        max_id: '0',
      },
    ]);
    // A JSON integer beyond a double, digit for digit (the test driver would round it).
    const [text] = await db.query<{ profile: string }>('SELECT CAST(profile AS CHAR) AS profile FROM scores WHERE id = 1');
    expect(text!.profile.replace(/\s/g, '')).toMatch(/"b":12345678901234567890\b/);
  });

  it('bytea is bytes, whatever they are; the rows come from one read-only, repeatable-read snapshot', async () => {
    const rows = [];
    for await (const row of readSource({
      kind: 'postgres',
      name: 'raw',
      url: pgdb.url,
      query: "SELECT '\\x00ff41'::bytea AS bytes, current_setting('transaction_isolation') AS isolation, current_setting('transaction_read_only') AS read_only",
      position: { file: 'x', line: 1, column: 1, path: '' },
    })) rows.push(row);
    expect(rows).toEqual([{ fields: { bytes: Buffer.from([0x00, 0xff, 0x41]), isolation: 'repeatable read', read_only: 'on' }, line: 1 }]);
  });

  it('bytea that is not UTF-8 goes into VARBINARY and BLOB byte for byte, and converges', async () => {
    workspace.write(
      'bytes.yaml',
      `${HEADER}sources:
  rows: { kind: postgres, url: "\${PG_URL}", query: "SELECT 1 AS id, '\\\\x00ff41c3'::bytea AS vb, '\\\\x80'::bytea AS bl" }
syncs:
  bytes:
    source: rows
    destination: db
    table: pg_bytes
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: int }
      - { from: vb, type: varbinary(4) }
      - { from: bl, type: blob }
`,
    );
    await applyThenNoChanges('bytes.yaml');
    expect(await db.query('SELECT id, HEX(vb) AS vb, HEX(bl) AS bl FROM pg_bytes')).toEqual([{ id: 1, vb: '00FF41C3', bl: '80' }]);
  });

  it('a saved plan is stale when the query returns other rows', async () => {
    await pgdb.query('CREATE TABLE stale (id int PRIMARY KEY, name text)');
    await pgdb.query("INSERT INTO stale VALUES (1, 'a'), (2, 'b')");
    workspace.write(
      'stale.yaml',
      `${HEADER}sources:
  rows: { kind: postgres, url: "\${PG_URL}", query: "SELECT id, name FROM stale" }
syncs:
  stale:
    source: rows
    destination: db
    table: pg_stale
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: int }
      - { from: name, type: varchar(10) }
`,
    );
    const plan = await workspace.run(['plan', '-f', 'stale.yaml', '--out', 'stale.plan.json'], env());
    expect(plan.code, said(plan)).toBe(0);
    await pgdb.query("UPDATE stale SET name = 'z' WHERE id = 2");
    const apply = await workspace.run(['apply', 'stale.plan.json'], env());
    expect(apply.code, said(apply)).toBe(1);
    expect(apply.stderr).toContain('PSSYNC_E_PLAN_STALE');
    expect(apply.stderr).toMatch(/sync "stale": the source changed/);
    expect(await db.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'pg_stale'")).toEqual([{ n: '0' }]);
    await applyThenNoChanges('stale.yaml');
    expect(await db.query('SELECT id, name FROM pg_stale ORDER BY id')).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'z' },
    ]);
  });

  it('100,000 rows: apply, the table holds them all, then plan shows no changes', async () => {
    await pgdb.query(`CREATE TABLE many AS
      SELECT g::bigint AS id, (g * 1.01)::numeric(14,2) AS amount, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' AS seen_at
      FROM generate_series(1, 100000) AS g`);
    workspace.write(
      'many.yaml',
      `${HEADER}sources:
  many: { kind: postgres, url: "\${PG_URL}", query: "SELECT id, amount, seen_at FROM many" }
syncs:
  many:
    source: many
    destination: db
    table: pg_many
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: bigint }
      - { from: amount, type: decimal(14,2) }
      - { from: seen_at, type: datetime }
`,
    );
    await applyThenNoChanges('many.yaml');
    const [totals] = await db.query<Record<string, string>>('SELECT COUNT(*) AS n, CAST(SUM(amount) AS CHAR) AS amount, MAX(seen_at) AS last FROM pg_many');
    const [expected] = await pgdb.query<Record<string, string>>("SELECT count(*)::text AS n, sum(amount)::text AS amount, to_char(max(seen_at), 'YYYY-MM-DD HH24:MI:SS') AS last FROM many");
    expect(totals).toEqual(expected);
  }, 120_000);

  describe('errors name the source and the row; the password never shows', () => {
    const manifest = (url: string, query: string, type = 'int') => `${HEADER}sources:
  users: { kind: postgres, url: "${url}", query: "${query}" }
syncs:
  users:
    source: users
    destination: db
    table: pg_errors
    mode: upsert
    primary_key: [id]
    fields:
      - { from: id, type: ${type} }
`;
    let serverPort: string;
    beforeAll(() => {
      serverPort = new URL(pgdb.url).port || '5432';
    });

    it('a server that does not answer, and a database that does not exist', async () => {
      workspace.write('down.yaml', manifest('postgres://postgres:hunter2-secret-71c@127.0.0.1:1/postgres', 'SELECT 1 AS id'));
      const down = await workspace.run(['plan', '-f', 'down.yaml'], env());
      expect(down.code).toBe(1);
      expect(down.stdout).toMatch(/source "users".*PSSYNC_E_SOURCE.*cannot connect to the source database \(127\.0\.0\.1:1\/postgres\)/);
      expect(said(down)).not.toContain('hunter2-secret-71c');

      workspace.write('no-db.yaml', manifest(`postgres://postgres:hunter2-secret-71c@127.0.0.1:${serverPort}/no_such_database_h14`, 'SELECT 1 AS id'));
      const missing = await workspace.run(['plan', '-f', 'no-db.yaml'], env());
      expect(missing.code).toBe(1);
      expect(missing.stdout).toMatch(/PSSYNC_E_SOURCE.*cannot connect.*no_such_database_h14/);
      expect(said(missing)).not.toContain('hunter2-secret-71c');
    });

    it('a query the server refuses, a query that writes, a failure mid-result', async () => {
      workspace.write('syntax.yaml', manifest('${PG_URL}', 'SELEC 1 AS id'));
      const syntax = await workspace.run(['plan', '-f', 'syntax.yaml'], env());
      expect(syntax.code).toBe(1);
      expect(syntax.stdout).toMatch(/source "users".*PSSYNC_E_SOURCE.*the query failed: 42601: syntax error at or near "SELEC" at character 1/);

      await pgdb.query('CREATE TABLE victims (id int)');
      await pgdb.query('INSERT INTO victims VALUES (1)');
      workspace.write('write.yaml', manifest('${PG_URL}', 'DELETE FROM victims RETURNING id'));
      const write = await workspace.run(['plan', '-f', 'write.yaml'], env());
      expect(write.code).toBe(1);
      expect(write.stdout).toMatch(/PSSYNC_E_SOURCE.*25006: cannot execute DELETE in a read-only transaction/);
      expect(await pgdb.query('SELECT id FROM victims')).toEqual([{ id: 1 }]);

      // Past the first batch of rows: the error says how far the result got.
      workspace.write('midway.yaml', manifest('${PG_URL}', 'SELECT g AS id, 1 / (3000 - g) AS x FROM generate_series(1, 5000) g'));
      const midway = await workspace.run(['plan', '-f', 'midway.yaml'], env());
      expect(midway.code).toBe(1);
      expect(midway.stdout).toMatch(/source "users":\d+: PSSYNC_E_SOURCE.*the query failed after \d+ row\(s\): 22012: division by zero/);
    });

    it('a value that does not fit its column names the source and the row', async () => {
      workspace.write('fit.yaml', manifest('${PG_URL}', 'SELECT g AS id FROM generate_series(126, 129) g', 'tinyint'));
      const fit = await workspace.run(['plan', '-f', 'fit.yaml'], env());
      expect(fit.code).toBe(1);
      expect(fit.stdout).toMatch(/source "users":3: PSSYNC_E_ROW_VALUE: column `id`: 128 is out of range/);
      expect(fit.stdout).toMatch(/source "users":4: PSSYNC_E_ROW_VALUE/);
    });
  });
});
