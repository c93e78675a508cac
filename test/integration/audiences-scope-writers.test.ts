/**
 * Audience syncs in every mode, scoped table syncs, and both writers: for every table and audience
 * mode the staging and the direct writer must leave identical tables, rows of other audiences and
 * other scopes are never touched, and a plan after apply is empty.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = () => ({ TEST_DATABASE_URL: db.url });

const STRATEGIES = ['staging', 'direct'] as const;

async function applyAndCheckConverged(file: string): Promise<{ plan: { syncs: { rows: Record<string, number> }[] }; stderr: string }> {
  const plan = await workspace.run(['plan', '-f', file, '--format', 'json'], env());
  expect(plan.code, plan.stderr).toBe(0);
  const apply = await workspace.run(['apply', '-f', file, '--auto-approve'], env());
  expect(apply.code, apply.stderr).toBe(0);
  const again = await workspace.run(['plan', '-f', file, '--format', 'json', '--detailed-exitcode'], env());
  expect(again.code, again.stdout).toBe(0);
  expect(JSON.parse(again.stdout).changes).toBe(false);
  return { plan: JSON.parse(plan.stdout), stderr: apply.stderr };
}

describe(`audience syncs, both writers (${dialectOf(db.version)})`, () => {
  const members = 'user_id,tier\nu1,gold\nu2,platinum\nu4,gold\n';
  const expected: Record<string, { rows: { insert: number; update: number; delete: number; skip: number }; vip: string[] }> = {
    add: { rows: { insert: 1, update: 0, delete: 0, skip: 1 }, vip: ['u1:gold', 'u2:silver', 'u3:gold', 'u4:gold'] },
    remove: { rows: { insert: 0, update: 0, delete: 1, skip: 2 }, vip: ['u1:gold', 'u2:silver'] },
    upsert: { rows: { insert: 1, update: 1, delete: 0, skip: 0 }, vip: ['u1:gold', 'u2:platinum', 'u3:gold', 'u4:gold'] },
    mirror: { rows: { insert: 1, update: 1, delete: 1, skip: 0 }, vip: ['u1:gold', 'u2:platinum', 'u4:gold'] },
  };

  beforeAll(() => {
    workspace.write('members.csv', members);
  });

  for (const [mode, want] of Object.entries(expected)) {
    it(`${mode}: same result through staging and direct, other audiences untouched`, async () => {
      const contents: unknown[][] = [];
      for (const strategy of STRATEGIES) {
        const table = `aud_${mode}_${strategy}`;
        await db.query(`CREATE TABLE ${table} (audience VARCHAR(255) NOT NULL, user_id VARCHAR(64) NOT NULL, tier VARCHAR(16), PRIMARY KEY (audience, user_id))`);
        await db.query(`INSERT INTO ${table} VALUES ('vip','u1','gold'),('vip','u2','silver'),('vip','u3','gold'),('other','u1','x'),('other','u9','y')`);
        const file = workspace.write(
          `${table}.yaml`,
          `version: 1
destinations: { db: { url: "\${TEST_DATABASE_URL}" } }
sources: { members: { kind: csv, path: members.csv } }
syncs:
  vip:
    audience: vip
    source: members
    destination: db
    table: ${table}
    mode: ${mode}
    member_key: [user_id]
    strategy: ${strategy}
    fields:
      - { from: user_id, to: user_id, type: varchar(64) }
      - { from: tier, to: tier, type: varchar(16) }
`,
        );
        const { plan, stderr } = await applyAndCheckConverged(file);
        expect(plan.syncs[0]!.rows).toEqual(want.rows);
        if (want.rows.insert + want.rows.update + want.rows.delete > 0) expect(stderr).toContain(`${strategy} writer`);
        const vip = await db.query<{ user_id: string; tier: string }>(`SELECT user_id, tier FROM ${table} WHERE audience = 'vip' ORDER BY user_id`);
        expect(vip.map((row) => `${row.user_id}:${row.tier}`)).toEqual(want.vip);
        const other = await db.query(`SELECT user_id, tier FROM ${table} WHERE audience = 'other' ORDER BY user_id`);
        expect(other).toEqual([
          { user_id: 'u1', tier: 'x' },
          { user_id: 'u9', tier: 'y' },
        ]);
        contents.push(await db.query(`SELECT * FROM ${table} ORDER BY audience, user_id`));
      }
      expect(contents[0]).toEqual(contents[1]);
    });
  }

  it('creates an audience table with the audience column in the primary key', async () => {
    const file = workspace.write(
      'new-audience.yaml',
      `version: 1
destinations: { db: { url: "\${TEST_DATABASE_URL}" } }
sources: { members: { kind: csv, path: members.csv } }
syncs:
  gold:
    audience: gold
    source: members
    destination: db
    table: audience_members
    mode: mirror
    member_key: [user_id]
`,
    );
    await applyAndCheckConverged(file);
    const key = await db.query<{ COLUMN_NAME: string }>(
      "SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'audience_members' AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
    );
    expect(key.map((row) => row.COLUMN_NAME)).toEqual(['audience', 'user_id']);
    expect(await db.query('SELECT audience, user_id, tier FROM audience_members ORDER BY user_id')).toEqual([
      { audience: 'gold', user_id: 'u1', tier: 'gold' },
      { audience: 'gold', user_id: 'u2', tier: 'platinum' },
      { audience: 'gold', user_id: 'u4', tier: 'gold' },
    ]);
  });
});

describe(`table modes and scope, both writers (${dialectOf(db.version)})`, () => {
  const source = 'id,amount\n1,10.5\n2,99\n5,50\n';
  const expected: Record<string, string[]> = {
    insert: ['1:10.50', '2:20.00', '3:30.00', '5:50.00'],
    update: ['1:10.50', '2:99.00', '3:30.00'],
    upsert: ['1:10.50', '2:99.00', '3:30.00', '5:50.00'],
    mirror: ['1:10.50', '2:99.00', '5:50.00'],
  };

  beforeAll(() => {
    workspace.write('amounts.csv', source);
  });

  for (const [mode, acme] of Object.entries(expected)) {
    it(`${mode} with scope: same result through staging and direct, other tenants untouched`, async () => {
      const contents: unknown[][] = [];
      for (const strategy of STRATEGIES) {
        const table = `scoped_${mode}_${strategy}`;
        await db.query(`CREATE TABLE ${table} (tenant VARCHAR(32) NOT NULL, id INT NOT NULL, amount DECIMAL(8,2), PRIMARY KEY (tenant, id))`);
        await db.query(`INSERT INTO ${table} VALUES ('acme',1,10.50),('acme',2,20),('acme',3,30),('globex',1,1),('globex',3,3)`);
        const file = workspace.write(
          `${table}.yaml`,
          `version: 1
destinations: { db: { url: "\${TEST_DATABASE_URL}" } }
sources: { amounts: { kind: csv, path: amounts.csv } }
syncs:
  acme_amounts:
    source: amounts
    destination: db
    table: ${table}
    mode: ${mode}
    primary_key: [tenant, id]
    scope: { tenant: acme }
    strategy: ${strategy}
    fields:
      - { from: id, to: id, type: int }
      - { from: amount, to: amount, type: "decimal(8,2)" }
`,
        );
        await applyAndCheckConverged(file);
        const rows = await db.query<{ id: number; amount: string }>(`SELECT id, amount FROM ${table} WHERE tenant = 'acme' ORDER BY id`);
        expect(rows.map((row) => `${row.id}:${row.amount}`)).toEqual(acme);
        expect(await db.query(`SELECT id, amount FROM ${table} WHERE tenant = 'globex' ORDER BY id`)).toEqual([
          { id: 1, amount: '1.00' },
          { id: 3, amount: '3.00' },
        ]);
        contents.push(await db.query(`SELECT * FROM ${table} ORDER BY tenant, id`));
      }
      expect(contents[0]).toEqual(contents[1]);
    });
  }
});
