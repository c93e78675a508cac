/**
 * Many syncs, one table (issue 11): audiences and scoped table syncs that share a table are
 * planned as one table — one CREATE TABLE or one ADD COLUMN list, run once — and apply in one run
 * on a table that does not exist yet. Each case reads the table back with SQL and plans again.
 */
import { describe, expect, it } from 'vitest';
import { lockName } from '../../src/apply/lock.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = () => ({ TEST_DATABASE_URL: db.url });

interface PlanJson {
  changes: boolean;
  partial: boolean;
  syncs: { name: string; ddl: string[]; rows: Record<string, number>; errors: { code: string; message: string }[] }[];
  tables: { table: string; syncs: string[]; ddl: string[]; not_planned: string[] }[];
}

async function planJson(file: string, extra: string[] = []): Promise<PlanJson> {
  const result = await workspace.run(['plan', '-f', file, '--format', 'json', ...extra], env());
  return JSON.parse(result.stdout) as PlanJson;
}

async function apply(file: string, extra: string[] = []) {
  const result = await workspace.run(['apply', '-f', file, '--auto-approve', ...extra], env());
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).not.toContain('PSSYNC_E_PLAN_STALE');
  return result;
}

async function count(sql: string): Promise<number> {
  const [row] = await db.query<{ n: string | number }>(sql);
  return Number(row!.n);
}

async function expectConverged(file: string): Promise<void> {
  const again = await planJson(file);
  expect(again.changes, JSON.stringify(again.syncs.map((sync) => [sync.name, sync.rows, sync.ddl]))).toBe(false);
}

const audience = (name: string, table: string, source: string, mode: string, fields: string) => `
  ${name}:
    audience: ${name}
    source: ${source}
    destination: db
    table: ${table}
    mode: ${mode}
    member_key: [user_id]
    fields:
      - { from: user_id, to: user_id, type: varchar(64) }
${fields}`;

const scoped = (name: string, table: string, source: string, mode: string, tenant: string, fields: string) => `
  ${name}:
    source: ${source}
    destination: db
    table: ${table}
    mode: ${mode}
    primary_key: [id]
    scope: { tenant: ${tenant} }
    fields:
      - { from: id, to: id, type: int }
${fields}`;

function manifest(sources: Record<string, string>, syncs: string): string {
  const lines = Object.entries(sources).map(([name, path]) => `  ${name}: { kind: csv, path: ${path} }`);
  return `version: 1\ndestinations:\n  db: { url: "\${TEST_DATABASE_URL}" }\nsources:\n${lines.join('\n')}\nsyncs:${syncs}`;
}

describe(`syncs sharing one table (${dialectOf(db.version)})`, () => {
  it('two audiences and two scoped table syncs over two new tables apply in one run, each table created once', async () => {
    workspace.write('vip.csv', 'user_id,tier\nu1,gold\nu2,silver\n');
    workspace.write('churn.csv', 'user_id,risk\nu2,0.9\nu3,0.4\n');
    workspace.write('acme.csv', 'id,name\n1,anvil\n2,rocket\n');
    workspace.write('globex.csv', 'id,name,region\n1,widget,emea\n');
    const file = workspace.write(
      'first.yaml',
      manifest(
        { vip: 'vip.csv', churn: 'churn.csv', acme: 'acme.csv', globex: 'globex.csv' },
        audience('vip', 'members', 'vip', 'mirror', '      - { from: tier, to: tier, type: varchar(16) }') +
          scoped('acme_items', 'items', 'acme', 'mirror', 'acme', '      - { from: name, to: name, type: varchar(32) }') +
          audience('churn', 'members', 'churn', 'mirror', '      - { from: risk, to: risk, type: decimal(4,2) }') +
          scoped('globex_items', 'items', 'globex', 'upsert', 'globex', '      - { from: name, to: name, type: varchar(32) }\n      - { from: region, to: region, type: varchar(8) }'),
      ),
    );
    const plan = await planJson(file);
    expect(plan.tables.map((table) => [table.table, table.syncs])).toEqual([
      ['members', ['vip', 'churn']],
      ['items', ['acme_items', 'globex_items']],
    ]);
    for (const table of plan.tables) {
      expect(table.ddl).toHaveLength(1);
      expect(table.ddl[0]).toMatch(/^CREATE TABLE/);
    }
    // The DDL is shown once, with the table's first sync, and has every column any sync maps.
    expect(plan.syncs.map((sync) => [sync.name, sync.ddl.length])).toEqual([['vip', 1], ['churn', 0], ['acme_items', 1], ['globex_items', 0]]);
    expect(plan.tables[0]!.ddl[0]).toMatch(/`tier`[\s\S]*`risk`/);
    expect(plan.tables[1]!.ddl[0]).toMatch(/`region`/);
    const text = await workspace.run(['plan', '-f', file], env());
    expect(text.stderr + text.stdout).toContain('table shared with sync churn');

    const applied = await apply(file);
    expect(applied.stderr).not.toMatch(/failed/);
    await expectConverged(file);
    expect(await db.query('SELECT audience, user_id, tier, risk FROM members ORDER BY audience, user_id')).toEqual([
      { audience: 'churn', user_id: 'u2', tier: null, risk: '0.90' },
      { audience: 'churn', user_id: 'u3', tier: null, risk: '0.40' },
      { audience: 'vip', user_id: 'u1', tier: 'gold', risk: null },
      { audience: 'vip', user_id: 'u2', tier: 'silver', risk: null },
    ]);
    expect(await db.query('SELECT tenant, id, name, region FROM items ORDER BY tenant, id')).toEqual([
      { tenant: 'acme', id: 1, name: 'anvil', region: null },
      { tenant: 'acme', id: 2, name: 'rocket', region: null },
      { tenant: 'globex', id: 1, name: 'widget', region: 'emea' },
    ]);

    // A change to one audience touches only that audience.
    workspace.write('vip.csv', 'user_id,tier\nu1,platinum\n');
    const changed = await planJson(file);
    expect(Object.fromEntries(changed.syncs.map((sync) => [sync.name, sync.rows]))).toMatchObject({
      vip: { insert: 0, update: 1, delete: 1 },
      churn: { insert: 0, update: 0, delete: 0 },
      acme_items: { insert: 0, update: 0, delete: 0 },
      globex_items: { insert: 0, update: 0, delete: 0 },
    });
    await apply(file, ['--allow-deletes']);
    await expectConverged(file);
    expect(await db.query("SELECT user_id, tier FROM members WHERE audience = 'vip'")).toEqual([{ user_id: 'u1', tier: 'platinum' }]);
    expect(await count("SELECT COUNT(*) AS n FROM members WHERE audience = 'churn'")).toBe(2);
  });

  it('an existing table lacking the columns two syncs add gets one ALTER TABLE with both; mixed modes', async () => {
    await db.query('CREATE TABLE segs (audience VARCHAR(255) NOT NULL, user_id VARCHAR(64) NOT NULL, PRIMARY KEY (audience, user_id))');
    await db.query("INSERT INTO segs VALUES ('old', 'u9')");
    workspace.write('a.csv', 'user_id,score\nu1,5\n');
    workspace.write('b.csv', 'user_id,label\nu1,x\nu2,y\n');
    const file = workspace.write(
      'alter.yaml',
      manifest(
        { a: 'a.csv', b: 'b.csv' },
        audience('aa', 'segs', 'a', 'add', '      - { from: score, to: score, type: int }') +
          audience('bb', 'segs', 'b', 'mirror', '      - { from: label, to: label, type: varchar(8) }'),
      ),
    );
    const plan = await planJson(file);
    expect(plan.tables).toHaveLength(1);
    expect(plan.tables[0]!.ddl).toEqual(['ALTER TABLE `segs` ADD COLUMN `score` INT, ADD COLUMN `label` VARCHAR(8)']);
    await apply(file);
    await expectConverged(file);
    expect(await db.query('SELECT audience, user_id, score, label FROM segs ORDER BY audience, user_id')).toEqual([
      { audience: 'aa', user_id: 'u1', score: 5, label: null },
      { audience: 'bb', user_id: 'u1', score: null, label: 'x' },
      { audience: 'bb', user_id: 'u2', score: null, label: 'y' },
      { audience: 'old', user_id: 'u9', score: null, label: null },
    ]);
  });

  it('a partial run plans only the DDL its syncs need, and says so; the other sync adds its columns later', async () => {
    workspace.write('p1.csv', 'user_id,tier\nu1,gold\n');
    workspace.write('p2.csv', 'user_id,risk\nu1,0.5\n');
    const file = workspace.write(
      'partial.yaml',
      manifest(
        { p1: 'p1.csv', p2: 'p2.csv' },
        audience('p_one', 'partial_members', 'p1', 'mirror', '      - { from: tier, to: tier, type: varchar(16) }') +
          audience('p_two', 'partial_members', 'p2', 'mirror', '      - { from: risk, to: risk, type: decimal(4,2) }'),
      ),
    );
    const partial = await planJson(file, ['--sync', 'p_one']);
    expect(partial.partial).toBe(true);
    expect(partial.tables).toEqual([expect.objectContaining({ table: 'partial_members', syncs: ['p_one'], not_planned: ['p_two'] })]);
    expect(partial.tables[0]!.ddl[0]).not.toContain('risk');
    const text = await workspace.run(['plan', '-f', file, '--sync', 'p_one'], env());
    expect(text.stderr + text.stdout).toMatch(/also written by sync p_two, left out of this partial plan: the DDL covers only the planned syncs' columns/);
    await apply(file, ['--sync', 'p_one']);

    const second = await planJson(file, ['--sync', 'p_two']);
    expect(second.tables[0]!.ddl).toEqual(['ALTER TABLE `partial_members` ADD COLUMN `risk` DECIMAL(4,2)']);
    await apply(file, ['--sync', 'p_two']);
    await expectConverged(file);
    expect(await db.query('SELECT audience, user_id, tier, risk FROM partial_members ORDER BY audience')).toEqual([
      { audience: 'p_one', user_id: 'u1', tier: 'gold', risk: null },
      { audience: 'p_two', user_id: 'u1', tier: null, risk: '0.50' },
    ]);
  });

  it('two applies of two syncs of one new table started at once both succeed, the table made once', async () => {
    workspace.write('c1.csv', 'id,name\n1,a\n2,b\n');
    workspace.write('c2.csv', 'id,size\n1,10\n');
    const file = workspace.write(
      'concurrent.yaml',
      manifest(
        { c1: 'c1.csv', c2: 'c2.csv' },
        scoped('one', 'conc_items', 'c1', 'mirror', 'one', '      - { from: name, to: name, type: varchar(8) }') +
          scoped('two', 'conc_items', 'c2', 'mirror', 'two', '      - { from: size, to: size, type: int }'),
      ),
    );
    // The test holds the table's lock while both plan, so both plan CREATE TABLE and both wait.
    await db.query('SELECT GET_LOCK(?, 10)', [lockName(db.name, 'conc_items')]);
    const applies = Promise.all([
      workspace.run(['apply', '-f', file, '--auto-approve', '--sync', 'one', '--lock-timeout', '60'], env()),
      workspace.run(['apply', '-f', file, '--auto-approve', '--sync', 'two', '--lock-timeout', '60'], env()),
    ]);
    let waiting = 0;
    for (let tries = 0; waiting < 2 && tries < 300; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [row] = await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE ?', [`%GET_LOCK(%${lockName(db.name, 'conc_items')}%`]);
      waiting = Number(row!.n);
    }
    await db.query('SELECT RELEASE_LOCK(?)', [lockName(db.name, 'conc_items')]);
    expect(waiting, 'both applies wait for the lock').toBe(2);
    const [first, second] = await applies;
    expect(first!.code, first!.stderr).toBe(0);
    expect(second!.code, second!.stderr).toBe(0);
    await expectConverged(file);
    expect(await db.query('SELECT tenant, id, name, size FROM conc_items ORDER BY tenant, id')).toEqual([
      { tenant: 'one', id: 1, name: 'a', size: null },
      { tenant: 'one', id: 2, name: 'b', size: null },
      { tenant: 'two', id: 1, name: null, size: 10 },
    ]);
  });

  it('syncs that define a shared column differently are a plan error naming both, and nothing is created', async () => {
    workspace.write('t1.csv', 'user_id,tier\nu1,gold\n');
    const file = workspace.write(
      'conflict.yaml',
      manifest(
        { t1: 't1.csv' },
        audience('x1', 'conflict_members', 't1', 'mirror', '      - { from: tier, to: tier, type: varchar(16) }') +
          audience('x2', 'conflict_members', 't1', 'mirror', '      - { from: tier, to: tier, type: int }'),
      ),
    );
    const result = await workspace.run(['apply', '-f', file, '--auto-approve'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PSSYNC_E_SHARED_TABLE: syncs "x1" and "x2" share table `conflict_members` but define column `tier` differently \(VARCHAR\(16\) and INT\)/);
    expect(await count("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'conflict_members'")).toBe(0);
  });
});
