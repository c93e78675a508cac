/**
 * Hostile input cannot inject a statement. A corpus of values (test/fixtures/hostile/values.json:
 * quotes, backslashes, backticks, semicolons, comments, NUL bytes, Ctrl-Z, emoji, RTL and bidi
 * marks, `'); DROP TABLE victim; --` …) and of names (identifiers.json: table, column, scope and
 * audience names with the same characters) goes through both writers, as values, as keys and as
 * names. Afterwards the database holds exactly the expected tables (the `victim` table untouched),
 * every value landed verbatim, and a new plan has nothing to do. Names MySQL cannot store (NUL,
 * emoji, trailing space, over 64 characters) are refused with a clear message before anything is
 * written; so are types with SQL in them. And on a server whose sql_mode has NO_BACKSLASH_ESCAPES
 * (where backslash escaping would let a value end its string early), values still land verbatim.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { secondServerUnavailable, startSecondServer, type SecondServer } from '../helpers/reliability.js';
import { useWorkspace } from '../helpers/workspace.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/hostile');
const VALUES = JSON.parse(readFileSync(join(FIXTURES, 'values.json'), 'utf8')) as string[];
const NAMES = JSON.parse(readFileSync(join(FIXTURES, 'identifiers.json'), 'utf8')) as {
  table: string;
  columns: string[];
  key: string;
  scope: { column: string; value: string };
  audience: { table: string; name: string; member: string };
  keys: string[];
  rejected: Record<string, string>;
};

const db = useTestDatabase();
const workspace = useWorkspace();

/** YAML is a superset of JSON: the manifest is written as JSON, so every character is escaped exactly. */
function manifest(url: string, syncs: Record<string, unknown>, sources: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      version: 1,
      destinations: { db: { url } },
      sources: { values: { kind: 'ndjson', path: 'values.ndjson' }, keys: { kind: 'ndjson', path: 'keys.ndjson' }, ...sources },
      syncs,
    },
    null,
    1,
  );
}

/** Every value of the corpus in every hostile column (rotated, so each column gets each value). */
function valueRows(): Array<Record<string, string | number>> {
  return VALUES.map((_, row) => {
    const record: Record<string, string | number> = { id: row + 1 };
    NAMES.columns.forEach((_, column) => (record[`f${column}`] = VALUES[(row + column) % VALUES.length]!));
    return record;
  });
}

function valuesSync(table: string, strategy: string): Record<string, unknown> {
  return {
    source: 'values',
    destination: 'db',
    table,
    mode: 'mirror',
    strategy,
    primary_key: [NAMES.key],
    scope: { [NAMES.scope.column]: NAMES.scope.value },
    fields: [{ from: 'id', to: NAMES.key, type: 'int' }, ...NAMES.columns.map((column, index) => ({ from: `f${index}`, to: column, type: 'text' }))],
  };
}

async function tables(query: (sql: string) => Promise<Array<Record<string, unknown>>>): Promise<string[]> {
  const rows = await query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME');
  return rows.map((row) => String(row.name)).sort();
}

describe(`hostile names and values (${dialectOf(db.version)})`, () => {
  const env = () => ({ TEST_DATABASE_URL: db.url });
  const expectedTables = new Set(['victim']);

  beforeAll(async () => {
    await db.query('CREATE TABLE victim (id INT NOT NULL PRIMARY KEY, note VARCHAR(20))');
    await db.query("INSERT INTO victim VALUES (1, 'untouched')");
    workspace.write('values.ndjson', `${valueRows().map((row) => JSON.stringify(row)).join('\n')}\n`);
    workspace.write('keys.ndjson', `${NAMES.keys.map((key, index) => JSON.stringify({ key, n: index })).join('\n')}\n`);
  });

  afterAll(async () => {
    // Nothing else was created, nothing dropped.
    expect(await tables((sql) => db.query(sql))).toEqual([...expectedTables].sort());
    expect(await db.query('SELECT * FROM victim')).toEqual([{ id: 1, note: 'untouched' }]);
  });

  for (const strategy of ['staging', 'direct']) {
    it(`${strategy} writer: hostile names are quoted, every hostile value lands verbatim, a new plan is empty`, async () => {
      const table = `${strategy[0]}${NAMES.table}`;
      workspace.write(`${strategy}.yaml`, manifest('${TEST_DATABASE_URL}', { values: valuesSync(table, strategy) }));
      const applied = await workspace.run(['apply', '-f', `${strategy}.yaml`, '--auto-approve'], env());
      expect(applied.code, applied.stderr).toBe(0);
      expectedTables.add(table);
      expect(await tables((sql) => db.query(sql))).toEqual([...expectedTables].sort());

      const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${mysql.escapeId(table)} ORDER BY ${mysql.escapeId(NAMES.key)}`);
      expect(rows).toHaveLength(VALUES.length);
      valueRows().forEach((expected, index) => {
        const row = rows[index]!;
        expect(row[NAMES.key]).toBe(expected.id);
        expect(row[NAMES.scope.column]).toBe(NAMES.scope.value);
        NAMES.columns.forEach((column, position) => expect(row[column], `${column} of row ${index + 1}`).toBe(expected[`f${position}`]));
      });
      const again = await workspace.run(['plan', '-f', `${strategy}.yaml`, '--detailed-exitcode'], env());
      expect(again.code, again.stdout + again.stderr).toBe(0);
    });
  }

  it('hostile keys: upserted, then deleted by a mirror, by both writers', async () => {
    for (const strategy of ['staging', 'direct']) {
      const table = `${strategy}_keys`;
      const sync = { source: 'keys', destination: 'db', table, mode: 'mirror', strategy, primary_key: ['k'], fields: [{ from: 'key', to: 'k', type: 'varchar(64)' }, { from: 'n', to: 'n', type: 'int' }] };
      workspace.write(`${table}.yaml`, manifest('${TEST_DATABASE_URL}', { keys: sync }));
      workspace.write('keys.ndjson', `${NAMES.keys.map((key, index) => JSON.stringify({ key, n: index })).join('\n')}\n`);
      const first = await workspace.run(['apply', '-f', `${table}.yaml`, '--auto-approve'], env());
      expect(first.code, first.stderr).toBe(0);
      expectedTables.add(table);
      const kept = NAMES.keys.filter((_, index) => index % 2 === 0);
      workspace.write('keys.ndjson', `${kept.map((key) => JSON.stringify({ key, n: 99 })).join('\n')}\n`);
      const second = await workspace.run(['apply', '-f', `${table}.yaml`, '--auto-approve', '--allow-deletes'], env());
      expect(second.code, second.stderr).toBe(0);
      const rows = await db.query<{ k: string; n: number }>(`SELECT k, n FROM ${table}`);
      expect(rows.map((row) => row.k).sort()).toEqual([...kept].sort());
      expect(rows.every((row) => row.n === 99)).toBe(true);
    }
    workspace.write('keys.ndjson', `${NAMES.keys.map((key, index) => JSON.stringify({ key, n: index })).join('\n')}\n`);
  });

  it('an audience with a hostile name, table and member key', async () => {
    const { table, name, member } = NAMES.audience;
    const sync = { audience: name, source: 'keys', destination: 'db', table, mode: 'mirror', member_key: [member], fields: [{ from: 'key', to: member, type: 'varchar(64)' }] };
    workspace.write('audience.yaml', manifest('${TEST_DATABASE_URL}', { audience: sync }));
    const applied = await workspace.run(['apply', '-f', 'audience.yaml', '--auto-approve'], env());
    expect(applied.code, applied.stderr).toBe(0);
    expectedTables.add(table);
    const rows = await db.query<Record<string, string>>(`SELECT * FROM ${mysql.escapeId(table)}`);
    expect(rows.map((row) => row.audience)).toEqual(NAMES.keys.map(() => name));
    expect(rows.map((row) => row[member]).sort()).toEqual([...NAMES.keys].sort());
  });

  it('names MySQL cannot store are refused by validate, saying why; nothing is touched', async () => {
    const reasons: Record<string, RegExp> = {
      nul: /contains a NUL character/,
      emoji: /outside the Basic Multilingual Plane/,
      'trailing space': /ends with a space/,
      '65 characters': /at most 64 characters/,
    };
    // One sync per name and place, all in one manifest: validate reports each, by its path.
    const syncs: Record<string, unknown> = {};
    Object.values(NAMES.rejected).forEach((name, index) => {
      syncs[`as_table_${index}`] = { source: 'values', destination: 'db', table: name, mode: 'upsert', primary_key: ['id'], fields: [{ from: 'id', to: 'id', type: 'int' }] };
      syncs[`as_column_${index}`] = { source: 'values', destination: 'db', table: `fine_${index}`, mode: 'upsert', primary_key: ['id'], fields: [{ from: 'id', to: 'id', type: 'int' }, { from: 'f0', to: name, type: 'text' }] };
    });
    workspace.write('rejected.yaml', manifest('${TEST_DATABASE_URL}', syncs));
    const result = await workspace.run(['validate', '-f', 'rejected.yaml'], env());
    expect(result.code).toBe(1);
    Object.entries(NAMES.rejected).forEach(([kind], index) => {
      for (const path of [`syncs.as_table_${index}.table`, `syncs.as_column_${index}.fields[1].to`]) {
        const line = result.stderr.split('\n').find((text) => text.includes(`at ${path}:`));
        expect(line, `${kind} at ${path}:\n${result.stderr}`).toBeDefined();
        expect(line).toContain('PSSYNC_E_SCHEMA');
        expect(line).toMatch(reasons[kind]!);
      }
    });
    const applied = await workspace.run(['apply', '-f', 'rejected.yaml', '--auto-approve'], env());
    expect(applied.code).toBe(1);
  });

  it('a column name from a source header that MySQL cannot store is refused before anything is written', async () => {
    workspace.write('header.ndjson', `${JSON.stringify({ id: 1, ['emoji\u{1F600}']: 'x' })}\n`);
    workspace.write('header.yaml', manifest('${TEST_DATABASE_URL}', { header: { source: 'header', destination: 'db', table: 'from_header', mode: 'upsert', primary_key: ['id'] } }, { header: { kind: 'ndjson', path: 'header.ndjson' } }));
    const result = await workspace.run(['apply', '-f', 'header.yaml', '--auto-approve'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PSSYNC_E_IDENTIFIER');
    expect(result.stderr).toContain('column name "emoji\u{1F600}" contains a character outside the Basic Multilingual Plane');
    expect(await tables((sql) => db.query(sql))).not.toContain('from_header');
  });

  it('a destination column named like a staging bookkeeping column: staging refuses clearly, auto writes directly', async () => {
    const sync = (strategy: string) => ({ source: 'values', destination: 'db', table: 'bookkeeping', mode: 'upsert', strategy, primary_key: ['_pk'], fields: [{ from: 'id', to: '_pk', type: 'int' }, { from: 'f0', to: '_diff_op', type: 'text' }] });
    workspace.write('bookkeeping-staging.yaml', manifest('${TEST_DATABASE_URL}', { b: sync('staging') }));
    const refused = await workspace.run(['apply', '-f', 'bookkeeping-staging.yaml', '--auto-approve'], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('PSSYNC_E_IDENTIFIER');
    expect(refused.stderr).toContain('has the name of a staging table bookkeeping column; use strategy: direct');
    workspace.write('bookkeeping-auto.yaml', manifest('${TEST_DATABASE_URL}', { b: sync('auto') }));
    const applied = await workspace.run(['apply', '-f', 'bookkeeping-auto.yaml', '--auto-approve'], env());
    expect(applied.code, applied.stderr).toBe(0);
    expectedTables.add('bookkeeping');
    const rows = await db.query<{ _pk: number; _diff_op: string }>('SELECT `_pk`, `_diff_op` FROM bookkeeping ORDER BY `_pk`');
    expect(rows.map((row) => row._diff_op)).toEqual(VALUES);
  });

  it('a column type with SQL in it is refused by validate', async () => {
    for (const type of ['varchar(10)); DROP TABLE victim; --', "enum('a'); DROP TABLE victim; --')", 'text /* x */, evil int', "int DEFAULT (SELECT 1)"]) {
      const sync = { source: 'values', destination: 'db', table: 'typed', mode: 'upsert', primary_key: ['id'], fields: [{ from: 'id', to: 'id', type: 'int' }, { from: 'f0', to: 'v', type }] };
      workspace.write('typed.yaml', manifest('${TEST_DATABASE_URL}', { typed: sync }));
      const result = await workspace.run(['validate', '-f', 'typed.yaml'], env());
      expect(result.code, type).toBe(1);
      expect(result.stderr, type).toMatch(/PSSYNC_E_TYPE|PSSYNC_E_SCHEMA/);
    }
  });
});

const unavailable = secondServerUnavailable();

describe.skipIf(unavailable !== undefined)(`NO_BACKSLASH_ESCAPES on the server${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let server: SecondServer;
  const nbeWorkspace = useWorkspace();

  beforeAll(async () => {
    server = await startSecondServer(['--sql-mode=NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES', '--character-set-server=utf8mb4', '--collation-server=utf8mb4_general_ci']);
    server.sql("CREATE DATABASE nbe; CREATE USER 'nbe'@'%' IDENTIFIED BY 'nbe-password'; GRANT ALL ON nbe.* TO 'nbe'@'%'");
    nbeWorkspace.write('values.ndjson', `${valueRows().map((row) => JSON.stringify(row)).join('\n')}\n`);
    nbeWorkspace.write('keys.ndjson', '');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('plain backslash escaping would break there; pssync switches the mode off for its session and values land verbatim', async () => {
    const url = `mysql://nbe:nbe-password@127.0.0.1:${server.port}/nbe`;
    // What pssync guards against: a backslash-escaped quote does not escape under this mode.
    const naive = await mysql.createConnection(url);
    try {
      const [modes] = (await naive.query({ sql: 'SELECT @@SESSION.sql_mode', rowsAsArray: true })) as unknown as [string[][]];
      expect(modes[0]![0]).toContain('NO_BACKSLASH_ESCAPES');
      const outcome = await naive.query('SELECT ? AS v', ["\\'); DROP TABLE victim; --"]).then(
        ([rows]) => (rows as Array<{ v: string }>)[0]!.v,
        (error: Error) => error.message,
      );
      expect(outcome).not.toBe("\\'); DROP TABLE victim; --");
    } finally {
      await naive.end();
    }

    for (const strategy of ['staging', 'direct']) {
      const table = `${strategy[0]}${NAMES.table}`;
      nbeWorkspace.write(`${strategy}.yaml`, manifest(url, { values: valuesSync(table, strategy) }));
      const applied = await nbeWorkspace.run(['apply', '-f', `${strategy}.yaml`, '--auto-approve']);
      expect(applied.code, applied.stderr).toBe(0);
      const connection = await mysql.createConnection(url);
      try {
        const [rows] = (await connection.query(`SELECT * FROM ${mysql.escapeId(table)} ORDER BY ${mysql.escapeId(NAMES.key)}`)) as [Array<Record<string, unknown>>, unknown];
        valueRows().forEach((expected, index) => {
          NAMES.columns.forEach((column, position) => expect(rows[index]![column], `${column} of row ${index + 1}`).toBe(expected[`f${position}`]));
        });
        const [names] = (await connection.query({ sql: 'SHOW TABLES', rowsAsArray: true })) as unknown as [string[][]];
        expect(names.map(([name]) => name)).toContain(table);
        expect(names.map(([name]) => name).filter((name) => name!.startsWith('_pssync'))).toEqual([]);
      } finally {
        await connection.end();
      }
      const again = await nbeWorkspace.run(['plan', '-f', `${strategy}.yaml`, '--detailed-exitcode']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
    }
  });
});
