/**
 * Destinations that refuse DDL (PlanetScale safe migrations: `1105 direct DDL is disabled`),
 * simulated with a user that has only SELECT/INSERT/UPDATE/DELETE, whose 1142 "command denied"
 * the dialect maps to the same refusal.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const user = `pssync_dml_${randomBytes(3).toString('hex')}`;
const password = `pw-${randomBytes(6).toString('hex')}`;

function manifest(table: string, strategy: string, extraField = ''): string {
  return `version: 1
destinations:
  db:
    host: ${db.host}
    port: ${db.port}
    database: ${db.name}
    username: ${user}
    password: \${DML_PASSWORD}
    tls: disabled
sources: { rows: { kind: csv, path: rows.csv } }
syncs:
  rows:
    source: rows
    destination: db
    table: ${table}
    mode: mirror
    primary_key: [id]
    strategy: ${strategy}
    fields:
      - { from: id, to: id, type: int }
      - { from: name, to: name, type: varchar(20) }
${extraField}`;
}

describe(`a destination that refuses DDL (${dialectOf(db.version)})`, () => {
  const env = () => ({ DML_PASSWORD: password });

  beforeAll(async () => {
    await db.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${db.name}\`.* TO '${user}'@'%'`);
    await db.query('CREATE TABLE existing (id INT NOT NULL PRIMARY KEY, name VARCHAR(20))');
    await db.query("INSERT INTO existing VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    workspace.write('rows.csv', 'id,name,extra\n1,one,a\n2,TWO,b\n4,four,c\n');
  });

  afterAll(async () => {
    await db.query(`DROP USER IF EXISTS '${user}'@'%'`);
  });

  it('auto falls back to the direct writer when the plan needs no DDL', async () => {
    workspace.write('auto.yaml', manifest('existing', 'auto'));
    const apply = await workspace.run(['apply', '-f', 'auto.yaml', '--auto-approve'], env());
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).toContain('direct writer');
    expect(apply.stderr).not.toContain(password);
    expect(await db.query('SELECT id, name FROM existing ORDER BY id')).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'TWO' },
      { id: 4, name: 'four' },
    ]);
    const again = await workspace.run(['plan', '-f', 'auto.yaml', '--format', 'json'], env());
    expect(JSON.parse(again.stdout).changes).toBe(false);
  });

  it('stops before writing any row when the plan needs CREATE TABLE, and prints the DDL for a deploy request', async () => {
    workspace.write('create.yaml', manifest('missing_table', 'auto'));
    const apply = await workspace.run(['apply', '-f', 'create.yaml', '--auto-approve'], env());
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('PSSYNC_E_DDL_REFUSED');
    expect(apply.stderr).toContain('deploy request');
    expect(apply.stderr).toMatch(/CREATE TABLE `missing_table` \(/);
    const tables = await db.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'existing'");
    expect(tables).toEqual([]);
  });

  for (const strategy of ['auto', 'direct']) {
    it(`${strategy}: stops before writing any row when the plan needs ADD COLUMN`, async () => {
      await db.query('DELETE FROM existing');
      await db.query("INSERT INTO existing VALUES (1, 'one'), (9, 'nine')");
      workspace.write(`alter-${strategy}.yaml`, manifest('existing', strategy, '      - { from: extra, to: extra, type: varchar(8) }\n'));
      const apply = await workspace.run(['apply', '-f', `alter-${strategy}.yaml`, '--auto-approve'], env());
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain('PSSYNC_E_DDL_REFUSED');
      expect(apply.stderr).toContain('ALTER TABLE `existing` ADD COLUMN `extra` VARCHAR(8)');
      expect(await db.query('SELECT id, name FROM existing ORDER BY id')).toEqual([
        { id: 1, name: 'one' },
        { id: 9, name: 'nine' },
      ]);
    });
  }

  it('strategy staging says to use direct when DDL is refused', async () => {
    workspace.write('staging.yaml', manifest('existing', 'staging'));
    const apply = await workspace.run(['apply', '-f', 'staging.yaml', '--auto-approve'], env());
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('PSSYNC_E_DDL_REFUSED');
    expect(apply.stderr).toContain('strategy: direct');
  });
});
