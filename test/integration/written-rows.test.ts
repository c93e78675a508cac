/**
 * What apply writes and what it reports, through the CLI against the real server (issue 11):
 *   - changed rows are written as updates in every mode and by both writers, so a table with a
 *     NOT NULL column that no sync maps (and that has no default) takes updates: the server never
 *     sees an INSERT for a row that exists;
 *   - the report counts what the server did, not what was planned;
 *   - a statement that affects other rows than planned (another writer deleted one meanwhile)
 *     stops the sync with PSSYNC_E_ROW_COUNT naming the table and the key, and is rolled back.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { startCli, StatementWatcher } from '../helpers/reliability.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = () => ({ TEST_DATABASE_URL: db.url });

const STRATEGIES = ['staging', 'direct'] as const;

function manifest(table: string, mode: string, strategy: string, csv: string): string {
  return `version: 1
destinations: { db: { url: "\${TEST_DATABASE_URL}" } }
sources: { people: { kind: csv, path: ${csv} } }
syncs:
  people:
    source: people
    destination: db
    table: ${table}
    mode: ${mode}
    strategy: ${strategy}
    primary_key: [id]
    fields:
      - { from: id, to: id, type: int }
      - { from: name, to: name, type: varchar(32) }
`;
}

async function contents(table: string): Promise<string[]> {
  const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`);
  return rows.map((row) => Object.values(row).join(':'));
}

describe(`changed rows are updates, whatever the mode and the writer (${dialectOf(db.version)})`, () => {
  // Rows 1 and 2 changed, row 3 unchanged, row 4 only in the table.
  const CSV = 'id,name\n1,anna\n2,bert\n3,cleo\n';
  const expected: Record<string, { report: string; rows: string[] }> = {
    update: { report: '+0 ~2 -0', rows: ['1:anna:x1', '2:bert:x2', '3:cleo:x3', '4:dora:x4'] },
    upsert: { report: '+0 ~2 -0', rows: ['1:anna:x1', '2:bert:x2', '3:cleo:x3', '4:dora:x4'] },
    mirror: { report: '+0 ~2 -1', rows: ['1:anna:x1', '2:bert:x2', '3:cleo:x3'] },
  };

  beforeAll(() => {
    workspace.write('people.csv', CSV);
  });

  for (const [mode, want] of Object.entries(expected)) {
    it(`${mode}: a NOT NULL column without default that no sync maps keeps its values; staging and direct agree`, async () => {
      const results: string[][] = [];
      for (const strategy of STRATEGIES) {
        const table = `extra_${mode}_${strategy}`;
        await db.query(`CREATE TABLE ${table} (id INT NOT NULL PRIMARY KEY, name VARCHAR(32), extra VARCHAR(8) NOT NULL)`);
        await db.query(`INSERT INTO ${table} VALUES (1,'ann','x1'),(2,'bob','x2'),(3,'cleo','x3'),(4,'dora','x4')`);
        const file = workspace.write(`${table}.yaml`, manifest(table, mode, strategy, 'people.csv'));
        const apply = await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
        expect(apply.code, apply.stderr).toBe(0);
        expect(apply.stderr).toContain(`applied ${want.report}, 0 DDL with the ${strategy} writer`);
        expect(await contents(table)).toEqual(want.rows);
        const again = await workspace.run(['plan', '-f', file, '--format', 'json', '--detailed-exitcode'], env());
        expect(again.code, again.stdout + again.stderr).toBe(0);
        expect(JSON.parse(again.stdout).changes).toBe(false);
        results.push(await contents(table));
      }
      expect(results[0]).toEqual(results[1]);
    });
  }

  it('upsert into such a table: an added row is an INSERT, refused at plan time for the missing column (PSSYNC_E_REQUIRED_COLUMN), nothing written', async () => {
    for (const strategy of STRATEGIES) {
      const table = `extra_new_${strategy}`;
      await db.query(`CREATE TABLE ${table} (id INT NOT NULL PRIMARY KEY, name VARCHAR(32), extra VARCHAR(8) NOT NULL)`);
      await db.query(`INSERT INTO ${table} VALUES (1,'ann','x1')`);
      workspace.write(`${table}.csv`, 'id,name\n1,ann\n5,eve\n');
      const file = workspace.write(`${table}.yaml`, manifest(table, 'upsert', strategy, `${table}.csv`));
      const apply = await workspace.run(['apply', '-f', file, '--auto-approve'], env());
      expect(apply.code).toBe(1);
      expect(apply.stderr).toMatch(/extra/);
      expect(apply.stderr).toContain('PSSYNC_E_REQUIRED_COLUMN');
      expect(await contents(table)).toEqual(['1:ann:x1']);
    }
  });
});

describe(`the report counts what the server did (${dialectOf(db.version)})`, () => {
  for (const strategy of STRATEGIES) {
    it(`${strategy}: a trigger that keeps one planned update from changing its row is reported, not counted as updated`, async () => {
      const table = `counted_${strategy}`;
      await db.query(`CREATE TABLE ${table} (id INT NOT NULL PRIMARY KEY, name VARCHAR(32))`);
      await db.query(`INSERT INTO ${table} VALUES (1,'ann'),(2,'bob'),(3,'cleo')`);
      // Row 2 refuses every change of its name: the server matches it and changes nothing.
      await db.query(`CREATE TRIGGER ${table}_keep BEFORE UPDATE ON ${table} FOR EACH ROW BEGIN IF OLD.id = 2 THEN SET NEW.name = OLD.name; END IF; END`);
      workspace.write(`${table}.csv`, 'id,name\n1,anna\n2,bert\n4,dora\n');
      const file = workspace.write(`${table}.yaml`, manifest(table, 'mirror', strategy, `${table}.csv`));
      const plan = await workspace.run(['plan', '-f', file, '--format', 'json'], env());
      expect(JSON.parse(plan.stdout).syncs[0].rows).toMatchObject({ insert: 1, update: 2, delete: 1 });
      const apply = await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stderr).toContain(`applied +1 ~1 -1, 0 DDL with the ${strategy} writer`);
      expect(apply.stderr).toContain('1 planned update found its row already as planned');
      expect(await contents(table)).toEqual(['1:anna', '2:bob', '4:dora']);
    });
  }
});

describe(`a statement that affects other rows than planned stops the sync (${dialectOf(db.version)})`, () => {
  let watcher: StatementWatcher;
  let other: mysql.Connection;

  beforeAll(async () => {
    watcher = await StatementWatcher.open(db.url, db.name);
    other = await mysql.createConnection(db.url);
  });

  afterAll(async () => {
    await watcher?.close();
    await other?.end();
  });

  const cases = [
    { op: 'update', csv: 'id,name\n1,anna\n2,bert\n3,cleo\n', victim: 2, after: ['1:ann', '3:cleo'] },
    { op: 'delete', csv: 'id,name\n3,cleo\n', victim: 2, after: ['1:ann', '3:cleo'] },
  ] as const;

  for (const strategy of STRATEGIES) {
    for (const testCase of cases) {
      it(`${strategy}: another writer deletes a row the ${testCase.op} is waiting for: PSSYNC_E_ROW_COUNT names table and key, the statement is rolled back, a re-run converges`, async () => {
        const table = `raced_${testCase.op}_${strategy}`;
        await db.query(`CREATE TABLE ${table} (id INT NOT NULL PRIMARY KEY, name VARCHAR(32))`);
        await db.query(`INSERT INTO ${table} VALUES (1,'ann'),(2,'bob'),(3,'cleo')`);
        workspace.write(`${table}.csv`, testCase.csv);
        const file = workspace.write(`${table}.yaml`, manifest(table, 'mirror', strategy, `${table}.csv`));
        // Another writer holds row 2: pssync's statement waits for it, then finds it deleted.
        await other.query('BEGIN');
        await other.query(`SELECT id FROM ${table} WHERE id = ? FOR UPDATE`, [testCase.victim]);
        let committed = false;
        try {
          const run = startCli(['apply', '-f', `${table}.yaml`, '--auto-approve', '--allow-deletes'], { cwd: workspace.dir, env: env() });
          const statement = await watcher.waitFor(new RegExp(`^(UPDATE|DELETE( t)? FROM|INSERT INTO) \`${table}\``), 1, run.exited);
          expect(statement, 'never saw the statement').toBeDefined();
          await new Promise((resolve) => setTimeout(resolve, 100)); // surely waiting on the row lock
          await other.query(`DELETE FROM ${table} WHERE id = ?`, [testCase.victim]);
          await other.query('COMMIT');
          committed = true;
          const result = await run.exited;
          expect(result.code, result.stderr).toBe(1);
          expect(result.stderr).toContain('PSSYNC_E_ROW_COUNT');
          expect(result.stderr).toContain(`\`${table}\``);
          expect(result.stderr).toContain('id="2"');
          expect(result.stderr).toContain('The statement was rolled back');
          // Rolled back: the statement's other row is as it was.
          expect(await contents(table)).toEqual(testCase.after);
        } finally {
          if (!committed) await other.query('ROLLBACK');
        }
        const again = await workspace.run(['apply', '-f', `${table}.yaml`, '--auto-approve', '--allow-deletes'], env());
        expect(again.code, again.stderr).toBe(0);
        const wanted = testCase.csv.trim().split('\n').slice(1).map((line) => line.replace(',', ':'));
        expect(await contents(table)).toEqual(wanted);
      });
    }
  }
});
