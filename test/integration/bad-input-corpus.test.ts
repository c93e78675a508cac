/**
 * The bad-input corpus (test/fixtures/bad-input/cases.json): every case is run through
 * `validate`, `plan` and `apply`, each must report the expected diagnostic code at the expected
 * position, and the destination table must be byte for byte what it was (same definition, same
 * CHECKSUM TABLE, same rows, no staging table left behind).
 *
 * The commands run through the CLI's entry point (`main(argv, io)`: yargs, the command handlers,
 * the renderers) in-process, which keeps ~100 cases × 3 commands fast; a case reading standard
 * input runs the built binary (`npm run build` first). Cases run concurrently, each on its own table.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { PLAIN } from '../../src/render/style.js';
import { GENERATORS } from '../fixtures/bad-input/generate.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace, type CliResult } from '../helpers/workspace.js';

interface Case {
  readonly name: string;
  readonly about: string;
  readonly table: 'orders' | 'people';
  /** The data file (in the fixtures folder, or written by `generate`); null for query sources. */
  readonly data: string | null;
  readonly generate?: string;
  /** Piped to the CLI as standard input (for `path: "-"`). */
  readonly stdin?: string;
  /** Source options: kind, and csv options, or a query. */
  readonly source: Record<string, unknown>;
  /** Sync settings merged over the defaults (mode: mirror). */
  readonly sync?: Record<string, unknown>;
  readonly expect: {
    readonly code: string;
    /**
     * Source line/row number; null when the problem has none (a whole file, a query); "any" when
     * it depends on the zlib build (where a cut gzip stream stops decompressing).
     */
    readonly line: number | null | 'any';
    /** A regular expression the message must match. */
    readonly message: string;
  };
  /** `at: manifest`: the diagnostic points at the manifest (a mapped field the source lacks). */
  readonly at?: 'manifest';
  /** More codes the plan must also report. */
  readonly also?: readonly string[];
  /** `same`: validate reports it too; `passes`: validate cannot see it (it needs the database). */
  readonly validate: 'same' | 'passes';
  /**
   * Held by the delete guard rather than an error (an empty source on a mirror): plan succeeds and
   * shows the guard, apply refuses before any write unless --allow-deletes.
   */
  readonly guard?: boolean;
}

const FIXTURES = resolve(import.meta.dirname, '../fixtures/bad-input');
const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];

const db = useTestDatabase();
const workspace = useWorkspace();
const sourceDb = `${db.name}_src`;
let admin: mysql.Connection;

const TABLES = {
  orders: {
    ddl: (table: string) =>
      `CREATE TABLE \`${table}\` (order_id INT NOT NULL PRIMARY KEY, code VARCHAR(8), amount DECIMAL(6,2), placed_on DATE,
        placed_at DATETIME(3), qty TINYINT UNSIGNED, ratio DOUBLE, doc JSON)`,
    rows: `(1, 'A', 1.00, '2024-01-01', '2024-01-01 10:00:00.000', 1, 0.5, '{"a": 1}'),
           (2, 'B', 2.00, '2024-01-02', NULL, 2, 1.5, NULL),
           (3, 'C', 3.00, '2024-01-03', '2024-01-03 10:00:00.250', 3, 2.5, '[1, 2]')`,
    key: ['order_id'],
    fields: [
      { from: 'order_id', type: 'int' },
      { from: 'code', type: 'varchar(8)' },
      { from: 'amount', type: 'decimal(6,2)' },
      { from: 'placed_on', type: 'date' },
      { from: 'placed_at', type: 'datetime(3)' },
      { from: 'qty', type: 'tinyint unsigned' },
      { from: 'ratio', type: 'double' },
      { from: 'doc', type: 'json' },
    ],
  },
  people: {
    // utf8mb4_general_ci: case- and accent-insensitive, PAD SPACE, on MySQL 8 and MariaDB alike.
    ddl: (table: string) =>
      `CREATE TABLE \`${table}\` (email VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY, name VARCHAR(32))`,
    rows: `('a@x', 'Ann'), ('b@x', 'Bob')`,
    key: ['email'],
    fields: [
      { from: 'email', type: 'varchar(64)' },
      { from: 'name', type: 'varchar(32)' },
    ],
  },
} as const;

function env(): Record<string, string> {
  const credentials = `${encodeURIComponent(db.user)}${db.password ? `:${encodeURIComponent(db.password)}` : ''}`;
  return { TEST_DATABASE_URL: db.url, SOURCE_DATABASE_URL: `mysql://${credentials}@${db.host}:${db.port}/${sourceDb}` };
}

/** Everything that could change if something were written: definition, checksum, rows, leftovers. */
async function snapshot(table: string): Promise<unknown> {
  const [created] = await db.query<Record<string, string>>(`SHOW CREATE TABLE \`${table}\``);
  const [checksum] = await db.query<Record<string, unknown>>(`CHECKSUM TABLE \`${table}\``);
  const key = table.endsWith('orders') ? 'order_id' : 'email';
  const rows = await db.query(`SELECT * FROM \`${table}\` ORDER BY \`${key}\``);
  const tables = (await db.query<Record<string, string>>('SHOW TABLES')).map((row) => Object.values(row)[0]!);
  return { created: created!['Create Table'], checksum: checksum!.Checksum, rows, staging: tables.filter((name) => name.startsWith('_pssync')) };
}

function manifestFor(testCase: Case, table: string, dataPath: string | null): string {
  const template = TABLES[testCase.table];
  const { kind, ...options } = testCase.source;
  const source =
    kind === 'mysql'
      ? { kind, url: '${SOURCE_DATABASE_URL}', ...options }
      : { kind, path: options.path ?? dataPath, ...Object.fromEntries(Object.entries(options).filter(([name]) => name !== 'path')) };
  const manifest = {
    version: 1,
    destinations: { db: { url: '${TEST_DATABASE_URL}' } },
    sources: { input: source },
    syncs: {
      corpus: { source: 'input', destination: 'db', table, mode: 'mirror', primary_key: template.key, fields: template.fields, ...testCase.sync },
    },
  };
  // JSON is YAML: the manifest loader reads it, positions included.
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs the CLI in-process (or the built binary when the case pipes standard input). */
async function cli(args: readonly string[], stdin: string | undefined): Promise<CliResult> {
  if (stdin !== undefined) return workspace.run(args, env(), stdin);
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: { ...env(), CI: 'true', NO_COLOR: '1' },
    cwd: workspace.dir,
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    stdoutStyle: PLAIN,
    stderrStyle: PLAIN,
    interactive: false,
    liveProgress: false,
    ask: () => Promise.reject(new Error('no questions in tests')),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

interface JsonDiagnostic {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly path?: string;
}

/** The expected error in `plan --format json`: code, file (relative), line, words. */
function expectPlanError(errors: readonly JsonDiagnostic[], testCase: Case, shown: string): void {
  const found = errors.find((diagnostic) => diagnostic.code === testCase.expect.code);
  expect(found, `${testCase.expect.code} among ${JSON.stringify(errors, null, 1)}`).toBeDefined();
  expect(found!.message).toMatch(new RegExp(testCase.expect.message));
  if (testCase.at === 'manifest') {
    expect(found!.file).toBe(`${testCase.name}/pssync.yaml`);
    expect(found!.path).toMatch(/^syncs\.corpus\.fields\[\d+\]/);
  } else {
    expect(found!.file).toBe(shown);
    if (testCase.expect.line === null) expect(found!.line).toBeUndefined();
    else if (testCase.expect.line === 'any') expect(found!.line).toBeGreaterThan(1);
    else expect(found!.line).toBe(testCase.expect.line);
  }
  for (const code of testCase.also ?? []) expect(errors.map((diagnostic) => diagnostic.code)).toContain(code);
}

/** `file:line` as the text output shows the expected problem, as a regular expression. */
function positionPattern(testCase: Case, shown: string): string {
  if (testCase.at === 'manifest') return `${escapeRegExp(`${testCase.name}/pssync.yaml`)}:\\d+:\\d+`;
  if (testCase.expect.line === null) return escapeRegExp(shown);
  return `${escapeRegExp(shown)}:${testCase.expect.line === 'any' ? '\\d+' : testCase.expect.line}`;
}

describe(`bad-input corpus: ${cases.length} cases through validate, plan and apply (${dialectOf(db.version)})`, () => {
  beforeAll(async () => {
    admin = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password });
    await admin.query(`CREATE DATABASE \`${sourceDb}\``);
    await admin.query(`${TABLES.orders.ddl(`${sourceDb}\`.\`orders`)}`);
    await admin.query(`INSERT INTO \`${sourceDb}\`.orders VALUES ${TABLES.orders.rows}`);
  });

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS \`${sourceDb}\``);
    await admin?.end();
  });

  it('has at least 60 cases, each with its data file or generator, all names unique', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((testCase) => testCase.name)).size).toBe(cases.length);
    for (const testCase of cases) {
      if (testCase.generate) expect(GENERATORS[testCase.generate], testCase.name).toBeDefined();
      else if (testCase.data) expect(existsSync(join(FIXTURES, testCase.data)), testCase.name).toBe(true);
    }
    const used = new Set(cases.flatMap((testCase) => (testCase.data && !testCase.generate ? [testCase.data] : [])));
    const unused = readdirSync(FIXTURES).filter((name) => !['cases.json', 'generate.ts', 'README.md'].includes(name) && !used.has(name));
    expect(unused, 'data files no case uses').toEqual([]);
  });

  it('max_rejected_rows: bad rows within the limit are skipped and written, with reasons, to the rejects NDJSON named in the output', async () => {
    const table = 'rejects_within';
    await db.query(TABLES.orders.ddl(table));
    await db.query(`INSERT INTO \`${table}\` VALUES ${TABLES.orders.rows}`);
    const dir = join(workspace.dir, 'rejects-within');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'orders.json'),
      `[
  {"order_id": 1, "code": "A", "amount": 1.5},
  {"order_id": 12345678901234567890, "code": "BIG", "doc": {"n": 98765432109876543210}},
  {"order_id": 4, "code": "D", "amount": 4},
  {"order_id": 5, "code": "far too long", "amount": 0.12345678901234567890},
  {"order_id": 4, "code": "again"}
]`,
    );
    const testCase = { source: { kind: 'json' }, table: 'orders', sync: { max_rejected_rows: 3 } } as unknown as Case;
    writeFileSync(join(dir, 'pssync.yaml'), manifestFor(testCase, table, 'orders.json'));
    const apply = await cli(['apply', '-f', 'rejects-within/pssync.yaml', '--auto-approve'], undefined);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).toMatch(/rejects-within\/orders\.json:3: PSSYNC_E_ROW_VALUE: .*out of range for int/);
    const rejectsFile = /rejected rows written to (\S+)/.exec(apply.stderr)?.[1];
    expect(rejectsFile, apply.stderr).toBeDefined();
    const rejected = readFileSync(resolve(workspace.dir, rejectsFile!), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rejected).toEqual([
      { line: 3, code: 'PSSYNC_E_ROW_VALUE', reason: expect.stringContaining('12345678901234567890 is out of range for int'), row: { order_id: '12345678901234567890', code: 'BIG', doc: { n: '98765432109876543210' } } },
      { line: 5, code: 'PSSYNC_E_ROW_VALUE', reason: expect.stringContaining('`code`: 12 characters is longer than varchar(8)'), row: { order_id: 5, code: 'far too long', amount: '0.12345678901234567890' } },
      { line: 6, code: 'PSSYNC_E_ROW_KEY_DUPLICATE', reason: expect.stringContaining('same key as line 4'), row: { order_id: 4, code: 'again' } },
    ]);
    // The good rows were applied (mirror: rows 2 and 3 are gone), the bad ones skipped.
    expect(await db.query(`SELECT order_id, code, amount FROM \`${table}\` ORDER BY order_id`)).toEqual([
      { order_id: 1, code: 'A', amount: '1.50' },
      { order_id: 4, code: 'D', amount: '4.00' },
    ]);
  });

  describe.concurrent('each case reports its error and writes nothing', () => {
    for (const [index, testCase] of cases.entries()) {
      it(`${testCase.name}: ${testCase.about}`, async () => {
        const table = `c${String(index).padStart(3, '0')}_${testCase.table}`;
        await db.query(TABLES[testCase.table].ddl(table));
        await db.query(`INSERT INTO \`${table}\` VALUES ${TABLES[testCase.table].rows}`);
        const before = await snapshot(table);

        const dir = join(workspace.dir, testCase.name);
        mkdirSync(dir, { recursive: true });
        let dataPath: string | null = null;
        if (testCase.data) {
          dataPath = join(dir, testCase.data);
          mkdirSync(dirname(dataPath), { recursive: true });
          writeFileSync(dataPath, testCase.generate ? GENERATORS[testCase.generate]!() : readFileSync(join(FIXTURES, testCase.data)));
        }
        const manifestFile = join(dir, 'pssync.yaml');
        writeFileSync(manifestFile, manifestFor(testCase, table, testCase.data));
        const manifest = relative(workspace.dir, manifestFile);
        const shown = testCase.source.kind === 'mysql' ? 'source "input"' : testCase.stdin !== undefined ? '-' : relative(workspace.dir, dataPath!);
        const position = positionPattern(testCase, shown);

        // validate: offline, declared types only; some problems need the database to be seen.
        const validate = await cli(['validate', '-f', manifest], testCase.stdin);
        if (testCase.validate === 'same') {
          expect(validate.code, validate.stderr).toBe(1);
          expect(validate.stderr).toMatch(new RegExp(`${position}: error ${testCase.expect.code}\\b.*${testCase.expect.message}`));
        } else {
          expect(validate.code, validate.stderr).toBe(0);
        }

        if (testCase.guard) {
          const plan = await cli(['plan', '-f', manifest, '--format', 'json'], testCase.stdin);
          expect(plan.code, plan.stderr).toBe(0);
          const [sync] = (JSON.parse(plan.stdout) as { syncs: { delete_guard?: string }[] }).syncs;
          expect(sync?.delete_guard).toMatch(new RegExp(testCase.expect.message));
          const apply = await cli(['apply', '-f', manifest, '--auto-approve'], testCase.stdin);
          expect(apply.code, apply.stderr).toBe(1);
          expect(apply.stderr).toMatch(new RegExp(`${testCase.expect.code}: .*${testCase.expect.message}.*--allow-deletes`));
          expect(await snapshot(table)).toEqual(before);
          return;
        }

        // plan: the error with its position, in the JSON plan.
        const plan = await cli(['plan', '-f', manifest, '--format', 'json'], testCase.stdin);
        expect(plan.code, plan.stderr).toBe(1);
        const json = JSON.parse(plan.stdout) as { syncs: { errors: JsonDiagnostic[] }[]; errors: JsonDiagnostic[] };
        expectPlanError([...json.errors, ...json.syncs.flatMap((sync) => sync.errors)], testCase, shown);

        // apply: refuses, shows where and why, and writes nothing.
        const apply = await cli(['apply', '-f', manifest, '--auto-approve'], testCase.stdin);
        expect(apply.code, apply.stderr).toBe(1);
        expect(apply.stderr).toMatch(new RegExp(`${position}: ${testCase.expect.code}( at \\S+)?: .*${testCase.expect.message}`));
        expect(apply.stderr).toMatch(/Nothing was applied/);
        expect(await snapshot(table)).toEqual(before);
      });
    }
  });
});
