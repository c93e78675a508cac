/**
 * Every source kind end to end through the CLI: JSON arrays, Parquet, gzip-compressed CSV,
 * NDJSON and JSON, standard input, CSV options, and a MySQL query against a second database on
 * the same server. Each applies, and the next plan shows no changes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import mysql from 'mysql2/promise';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { PSSYNC_BIN, useWorkspace, type CliResult } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const sourceDb = `${db.name}_src`;
let admin: mysql.Connection;

function sourceUrl(password?: string): string {
  const user = encodeURIComponent(db.user);
  const secret = password ?? db.password;
  return `mysql://${user}${secret ? `:${encodeURIComponent(secret)}` : ''}@${db.host}:${db.port}/${sourceDb}`;
}

/** Runs the CLI with binary standard input (the workspace helper sends text). */
function runWithStdin(args: readonly string[], env: Record<string, string>, stdin: Buffer): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PSSYNC_BIN, ...args], {
      cwd: workspace.dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: 'true', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

function writeBytes(path: string, bytes: Uint8Array): void {
  const file = join(workspace.dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

const env = (): Record<string, string> => ({ TEST_DATABASE_URL: db.url, SOURCE_DATABASE_URL: sourceUrl() });

async function applyThenNoChanges(manifest: string, stdin?: Buffer): Promise<void> {
  const run = (args: string[]) => (stdin ? runWithStdin(args, env(), stdin) : workspace.run(args, env()));
  const apply = await run(['apply', '-f', manifest, '--auto-approve']);
  expect(apply.code, `${manifest}: ${apply.stdout}${apply.stderr}`).toBe(0);
  expect(apply.stderr).toContain('Apply complete');
  const plan = await run(['plan', '-f', manifest, '--format', 'json', '--detailed-exitcode']);
  expect(plan.code, `${manifest}: ${plan.stdout}${plan.stderr}`).toBe(0);
  expect(JSON.parse(plan.stdout).changes).toBe(false);
}

const HEADER = `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
`;

function parquetFacts(): Buffer {
  const columnData = [
    { name: 'id', data: [1n, 2n, 9007199254740993n] },
    { name: 'amount', data: [123456789012345678901234567890n, -5n, null] },
    { name: 'seen_at', data: [1700000000123456n, 0n, null] },
    { name: 'day', data: [19000, 0, null] },
    { name: 'address', data: [{ city: 'Oslo', zip: '0150' }, { city: 'Bergen', zip: null }, null] },
    { name: 'tags', data: [['a', 'b'], [], null] },
  ];
  const schema = [
    { name: 'root', num_children: columnData.length },
    { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
    { name: 'amount', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, converted_type: 'DECIMAL', scale: 10, precision: 38, repetition_type: 'OPTIONAL' },
    { name: 'seen_at', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type: 'OPTIONAL' },
    { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
    { name: 'address', repetition_type: 'OPTIONAL', num_children: 2 },
    { name: 'city', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    { name: 'zip', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  ];
  return Buffer.from(parquetWriteBuffer({ columnData, schema, rowGroupSize: 2 } as Parameters<typeof parquetWriteBuffer>[0]));
}

describe(`every source kind (${dialectOf(db.version)})`, () => {
  beforeAll(async () => {
    admin = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
    await admin.query(`CREATE DATABASE \`${sourceDb}\``);
    await admin.query(`CREATE TABLE \`${sourceDb}\`.users (
      id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
      email VARCHAR(100) CHARACTER SET utf8mb4 NOT NULL,
      balance DECIMAL(20,6),
      created_at DATETIME(6),
      flags BIT(3),
      profile JSON,
      tier ENUM('free','pro','vip')
    )`);
    await admin.query(`INSERT INTO \`${sourceDb}\`.users VALUES
      (18446744073709551615, 'max@example.com', 12345678901234.123456, '2024-02-29 23:59:59.999999', b'101', '{"b": 2, "a": [1, 2]}', 'vip'),
      (1, 'émoji😀@example.com', -0.000001, '1000-01-01 00:00:00.000000', b'000', NULL, 'free'),
      (2, 'nulls@example.com', NULL, NULL, NULL, NULL, NULL)`);
    // Enough rows that the driver's stream has to pause and resume.
    const many = Array.from({ length: 5000 }, (_, index) => [100 + index, `user${100 + index}@example.com`, 'pro']);
    await admin.query(`INSERT INTO \`${sourceDb}\`.users (id, email, tier) VALUES ?`, [many]);
  });

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS \`${sourceDb}\``);
    await admin?.end();
  });

  it('json, gzip json and ndjson, gzip csv, csv options and parquet: apply, then plan shows no changes', async () => {
    const people = `[
  {"id": 12345678901234567890, "name": "Ada", "score": 0.12345678901234567890, "address": {"city": "Oslo", "geo": {"lat": 59.91}}},
  {"id": 2, "name": "", "score": null, "address": {"city": null}},
  {"id": 3, "name": null, "score": 1e2}
]`;
    workspace.write('data/people.json', people);
    writeBytes('data/people2.json.gz', gzipSync(people));
    writeBytes('data/events.ndjson.gz', gzipSync('{"id": 1, "kind": "click", "payload": {"x": 1, "nested": {"deep": true}}}\n\n{"id": 2, "kind": "view", "payload": null}\n'));
    writeBytes('data/scores.csv.gz', gzipSync('id,score,note\r\n1,1.50,"quoted, with comma"\r\n2,,""\r\n'));
    workspace.write('data/semi.csv', "id;name;note\n1;'it\\'s';\\N\n2;NULL;'NULL'\n3;;''\n");
    workspace.write('data/noheader.csv', '1,alpha\n2,beta\n');
    writeBytes('data/latin1.csv', Buffer.from('id,name\n1,Ærøskøbing\n2,café ½\n', 'latin1'));
    workspace.write('data/bom.csv', '\uFEFFid,name\n1,ünïcödé\n');
    writeBytes('data/facts.parquet', parquetFacts());
    workspace.write(
      'files.yaml',
      `${HEADER}sources:
  people: { kind: json, path: data/people.json }
  people_gz: { kind: json, path: data/people2.json.gz }
  events: { kind: ndjson, path: data/events.ndjson.gz }
  scores: { kind: csv, path: data/scores.csv.gz }
  semi: { kind: csv, path: data/semi.csv, delimiter: ";", quote: "'", escape: "\\\\", null_values: ["\\\\N", "NULL"] }
  noheader: { kind: csv, path: data/noheader.csv, header: false, columns: [id, name] }
  latin1: { kind: csv, path: data/latin1.csv, encoding: latin1 }
  bom: { kind: csv, path: data/bom.csv }
  facts: { kind: parquet, path: data/facts.parquet }
syncs:
  people:
    source: people
    destination: db
    table: people
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: bigint unsigned }
      - { from: name, type: varchar(20) }
      - { from: score, type: decimal(30,20) }
      - { from: address.city, to: city, type: varchar(20) }
      - { from: address.geo.lat, to: lat, type: double }
      - { from: address, to: address_json, type: json }
  people_gz:
    source: people_gz
    destination: db
    table: people_gz
    mode: upsert
    primary_key: [id]
    fields:
      - { from: id, type: varchar(30) }
      - { from: name, type: text }
  events:
    source: events
    destination: db
    table: events
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: int }
      - { from: kind, type: varchar(10) }
      - { from: payload, type: json }
      - { from: payload.nested.deep, to: deep, type: boolean }
  scores:
    source: scores
    destination: db
    table: scores
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: int }
      - { from: score, type: decimal(4,2) }
      - { from: note, type: varchar(40) }
  semi:
    source: semi
    destination: db
    table: semi
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: int }
      - { from: name, type: varchar(10) }
      - { from: note, type: varchar(10) }
  noheader:
    source: noheader
    destination: db
    table: noheader
    mode: mirror
    primary_key: [id]
  latin1:
    source: latin1
    destination: db
    table: latin1
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: int }
      - { from: name, type: varchar(20) }
  bom:
    source: bom
    destination: db
    table: bom
    mode: mirror
    primary_key: [id]
  facts:
    source: facts
    destination: db
    table: facts
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: bigint }
      - { from: amount, type: decimal(38,10) }
      - { from: seen_at, type: datetime(6) }
      - { from: day, type: date }
      - { from: address.city, to: city, type: varchar(20) }
      - { from: tags, type: json }
`,
    );
    const validate = await workspace.run(['validate', '-f', 'files.yaml'], env());
    expect(validate.code, validate.stderr).toBe(0);
    await applyThenNoChanges('files.yaml');

    expect(await db.query('SELECT id, name, score, city, lat, address_json FROM people ORDER BY name IS NULL, name')).toEqual([
      { id: '2', name: '', score: null, city: null, lat: null, address_json: { city: null } },
      { id: '12345678901234567890', name: 'Ada', score: '0.12345678901234567890', city: 'Oslo', lat: 59.91, address_json: { city: 'Oslo', geo: { lat: 59.91 } } },
      { id: '3', name: null, score: '100.00000000000000000000', city: null, lat: null, address_json: null },
    ]);
    expect(await db.query('SELECT id, kind, deep FROM events ORDER BY id')).toEqual([
      { id: 1, kind: 'click', deep: 1 },
      { id: 2, kind: 'view', deep: null },
    ]);
    expect(await db.query('SELECT * FROM scores ORDER BY id')).toEqual([
      { id: 1, score: '1.50', note: 'quoted, with comma' },
      { id: 2, score: null, note: '' },
    ]);
    expect(await db.query('SELECT * FROM semi ORDER BY id')).toEqual([
      { id: 1, name: "it's", note: null },
      { id: 2, name: null, note: 'NULL' },
      { id: 3, name: null, note: '' },
    ]);
    expect(await db.query('SELECT * FROM noheader ORDER BY id')).toEqual([
      { id: '1', name: 'alpha' },
      { id: '2', name: 'beta' },
    ]);
    expect(await db.query('SELECT name FROM latin1 ORDER BY id')).toEqual([{ name: 'Ærøskøbing' }, { name: 'café ½' }]);
    expect(await db.query('SELECT * FROM bom')).toEqual([{ id: '1', name: 'ünïcödé' }]);
    expect(await db.query('SELECT id, amount, seen_at, day, city FROM facts ORDER BY id')).toEqual([
      { id: '1', amount: '12345678901234567890.1234567890', seen_at: '2023-11-14 22:13:20.123456', day: '2022-01-08', city: 'Oslo' },
      { id: '2', amount: '-0.0000000005', seen_at: '1970-01-01 00:00:00.000000', day: '1970-01-01', city: 'Bergen' },
      { id: '9007199254740993', amount: null, seen_at: null, day: null, city: null },
    ]);
  });

  it('standard input: csv, gzip json and parquet', async () => {
    const manifest = (kind: string, table: string) =>
      `${HEADER}sources:
  piped: { kind: ${kind}, path: "-" }
syncs:
  piped:
    source: piped
    destination: db
    table: ${table}
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: bigint }
`;
    workspace.write('stdin-csv.yaml', manifest('csv', 'stdin_csv'));
    await applyThenNoChanges('stdin-csv.yaml', Buffer.from('id\n1\n2\n3\n'));
    workspace.write('stdin-json.yaml', manifest('json', 'stdin_json'));
    await applyThenNoChanges('stdin-json.yaml', gzipSync('[{"id": 1}, {"id": 2}]'));
    workspace.write('stdin-parquet.yaml', manifest('parquet', 'stdin_parquet'));
    await applyThenNoChanges('stdin-parquet.yaml', parquetFacts());
    expect(await db.query('SELECT COUNT(*) AS n FROM stdin_csv')).toEqual([{ n: '3' }]);
    expect(await db.query('SELECT COUNT(*) AS n FROM stdin_json')).toEqual([{ n: '2' }]);
    expect(await db.query('SELECT id FROM stdin_parquet ORDER BY id')).toEqual([{ id: '1' }, { id: '2' }, { id: '9007199254740993' }]);
  });

  it('kind: mysql streams a query from a second database, values exactly as stored', async () => {
    workspace.write(
      'query.yaml',
      `${HEADER}sources:
  users:
    kind: mysql
    url: \${SOURCE_DATABASE_URL}
    query: SELECT id, email, balance, created_at, flags, profile, tier FROM users
syncs:
  users:
    source: users
    destination: db
    table: users_copy
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: bigint unsigned }
      - { from: email, type: varchar(100) }
      - { from: balance, type: decimal(20,6) }
      - { from: created_at, type: datetime(6) }
      - { from: flags, type: bit(3) }
      - { from: profile, type: json }
      - { from: tier, type: "enum('free','pro','vip')" }
`,
    );
    await applyThenNoChanges('query.yaml');
    const copied = await db.query<Record<string, unknown>>(
      'SELECT CAST(id AS CHAR) AS id, email, balance, created_at, flags + 0 AS flags, profile, tier FROM users_copy WHERE id < 100 OR id > 10000 ORDER BY users_copy.id',
    );
    expect(copied).toEqual([
      { id: '1', email: 'émoji😀@example.com', balance: '-0.000001', created_at: '1000-01-01 00:00:00.000000', flags: 0, profile: null, tier: 'free' },
      { id: '2', email: 'nulls@example.com', balance: null, created_at: null, flags: null, profile: null, tier: null },
      { id: '18446744073709551615', email: 'max@example.com', balance: '12345678901234.123456', created_at: '2024-02-29 23:59:59.999999', flags: 5, profile: { a: [1, 2], b: 2 }, tier: 'vip' },
    ]);
    expect(await db.query('SELECT COUNT(*) AS n FROM users_copy')).toEqual([{ n: '5003' }]);
  });

  it('kind: mysql errors name the source, and never show the password', async () => {
    const manifest = (url: string, query: string, table = 'users_err') => `${HEADER}sources:
  users: { kind: mysql, url: "${url}", query: "${query}" }
syncs:
  users:
    source: users
    destination: db
    table: ${table}
    mode: upsert
    primary_key: [id]
`;
    workspace.write('query-bad-password.yaml', manifest(sourceUrl('wrong-secret-8d1f'), 'SELECT 1 AS id'));
    const denied = await workspace.run(['plan', '-f', 'query-bad-password.yaml'], env());
    expect(denied.code).toBe(1);
    expect(denied.stdout).toMatch(/source "users".*PSSYNC_E_SOURCE.*cannot connect to the source database/);
    expect(denied.stdout + denied.stderr).not.toContain('wrong-secret-8d1f');

    workspace.write('query-bad-sql.yaml', manifest('${SOURCE_DATABASE_URL}', 'SELEC id FROM users'));
    const syntax = await workspace.run(['plan', '-f', 'query-bad-sql.yaml'], env());
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toMatch(/PSSYNC_E_SOURCE.*the query failed: ER_PARSE_ERROR/);

    // A plan error before the rows are read (here: the table's key is not the declared one) must
    // close the query's connection, or the process would never exit.
    await db.query('CREATE TABLE users_other_key (other INT NOT NULL PRIMARY KEY, id INT NOT NULL)');
    workspace.write('query-early-error.yaml', manifest('${SOURCE_DATABASE_URL}', 'SELECT id FROM users', 'users_other_key'));
    const early = await workspace.run(['plan', '-f', 'query-early-error.yaml'], env());
    expect(early.code).toBe(1);
    expect(early.stdout).toContain('PSSYNC_E_PRIMARY_KEY');

    workspace.write('query-write.yaml', manifest('${SOURCE_DATABASE_URL}', 'DELETE FROM users WHERE id = 2'));
    const write = await workspace.run(['plan', '-f', 'query-write.yaml'], env());
    expect(write.code).toBe(1);
    expect(write.stdout).toMatch(/PSSYNC_E_SOURCE/);
    expect(await admin.query(`SELECT id FROM \`${sourceDb}\`.users WHERE id = 2`).then(([rows]) => rows)).toHaveLength(1);
  });
});
