/** Schema planning against a real server: CREATE TABLE, ADD COLUMN, type warnings, key refusals. */
import { describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();

function manifest(table: string, mode: string, fields: string, extra = ''): string {
  return `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  people: { kind: ndjson, path: people.ndjson }
syncs:
  people:
    source: people
    destination: db
    table: ${table}
    mode: ${mode}
    primary_key: [email]
    fields:
${fields}
${extra}`;
}

const PEOPLE = [
  { email: 'a@example.com', name: 'Ann', age: 31, born: '1993-04-01', tags: ['x'] },
  { email: 'b@example.com', name: 'Bo', age: null, born: null, tags: [] },
]
  .map((row) => JSON.stringify(row))
  .join('\n');

describe(`schema planning (${dialectOf(db.version)})`, () => {
  const env = () => ({ TEST_DATABASE_URL: db.url });

  it('creates a missing table with declared types, TEXT and VARCHAR(255) defaults and the primary key', async () => {
    workspace.write('people.ndjson', PEOPLE);
    workspace.write(
      'create.yaml',
      manifest('people_new', 'upsert', ['      - { from: email, to: email }', '      - { from: name, to: name }', '      - { from: age, to: age, type: int unsigned }', '      - { from: tags, to: tags, type: json }'].join('\n')),
    );
    const plan = await workspace.run(['plan', '-f', 'create.yaml', '--format', 'json'], env());
    expect(plan.code).toBe(0);
    const [sync] = JSON.parse(plan.stdout).syncs;
    expect(sync.ddl).toHaveLength(1);
    expect(sync.ddl[0]).toMatch(/^CREATE TABLE `people_new`/);
    expect(sync.ddl[0]).toContain('`email` VARCHAR(255) NOT NULL');
    expect(sync.ddl[0]).toContain('`name` TEXT');
    expect(sync.ddl[0]).toContain('PRIMARY KEY (`email`)');
    expect(sync.rows.insert).toBe(2);

    const apply = await workspace.run(['apply', '-f', 'create.yaml', '--auto-approve'], env());
    expect(apply.code, apply.stderr).toBe(0);
    const columns = await db.query<{ COLUMN_NAME: string; COLUMN_TYPE: string; COLUMN_KEY: string }>(
      "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people_new' ORDER BY ORDINAL_POSITION",
    );
    expect(columns.map((column) => [column.COLUMN_NAME, column.COLUMN_TYPE.replace(/int\(\d+\)/, 'int'), column.COLUMN_KEY])).toEqual([
      ['email', 'varchar(255)', 'PRI'],
      ['name', 'text', ''],
      ['age', 'int unsigned', ''],
      ['tags', dialectOf(db.version) === 'mariadb' ? 'longtext' : 'json', ''],
    ]);
    const rows = await db.query<{ email: string; name: string; age: number | null }>('SELECT email, name, age FROM people_new ORDER BY email');
    expect(rows).toEqual([
      { email: 'a@example.com', name: 'Ann', age: 31 },
      { email: 'b@example.com', name: 'Bo', age: null },
    ]);
    const again = await workspace.run(['plan', '-f', 'create.yaml', '--format', 'json'], env());
    expect(JSON.parse(again.stdout).changes).toBe(false);
  });

  it('adds missing columns with one ALTER TABLE, never drops one, and warns on a differing declared type', async () => {
    await db.query("CREATE TABLE people_old (email VARCHAR(100) NOT NULL PRIMARY KEY, name VARCHAR(20), legacy INT)");
    await db.query("INSERT INTO people_old VALUES ('a@example.com', 'Ann', 7), ('z@example.com', 'Zed', 9)");
    workspace.write(
      'alter.yaml',
      manifest('people_old', 'upsert', ['      - { from: email, to: email, type: varchar(100) }', '      - { from: name, to: name, type: varchar(50) }', '      - { from: born, to: born, type: date }'].join('\n')),
    );
    const plan = await workspace.run(['plan', '-f', 'alter.yaml', '--format', 'json'], env());
    expect(plan.code).toBe(0);
    const [sync] = JSON.parse(plan.stdout).syncs;
    expect(sync.ddl).toEqual(['ALTER TABLE `people_old` ADD COLUMN `born` DATE']);
    expect(sync.warnings.map((warning: { code: string }) => warning.code)).toContain('PSSYNC_W_TYPE_MISMATCH');
    expect(sync.rows).toEqual({ insert: 1, update: 1, delete: 0, skip: 0 });

    const apply = await workspace.run(['apply', '-f', 'alter.yaml', '--auto-approve'], env());
    expect(apply.code, apply.stderr).toBe(0);
    const rows = await db.query('SELECT email, name, legacy, born FROM people_old ORDER BY email');
    expect(rows).toEqual([
      { email: 'a@example.com', name: 'Ann', legacy: 7, born: '1993-04-01' },
      { email: 'b@example.com', name: 'Bo', legacy: null, born: null },
      { email: 'z@example.com', name: 'Zed', legacy: 9, born: null },
    ]);
    const again = await workspace.run(['plan', '-f', 'alter.yaml', '--format', 'json', '--detailed-exitcode'], env());
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).changes).toBe(false);
  });

  it('refuses upsert into a table whose primary key is not the declared one, before anything runs', async () => {
    await db.query('CREATE TABLE people_pk (id INT NOT NULL PRIMARY KEY, email VARCHAR(100))');
    workspace.write('pk.yaml', manifest('people_pk', 'upsert', ['      - { from: email, to: email, type: varchar(100) }', '      - { from: name, to: name }'].join('\n')));
    const plan = await workspace.run(['plan', '-f', 'pk.yaml', '--format', 'json'], env());
    expect(plan.code).toBe(1);
    const [sync] = JSON.parse(plan.stdout).syncs;
    expect(sync.errors[0].code).toBe('PSSYNC_E_PRIMARY_KEY');
    expect(sync.errors[0].message).toContain('(id)');
    const apply = await workspace.run(['apply', '-f', 'pk.yaml', '--auto-approve'], env());
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('Nothing was applied');
    const columns = await db.query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people_pk'");
    expect(columns).toHaveLength(2);
  });
});
