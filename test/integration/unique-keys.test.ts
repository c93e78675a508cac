/**
 * Unique keys besides the primary key, prefix keys and generated columns (issue 11). A write that
 * would collide with another row on a UNIQUE key is refused at plan time — INSERT … ON DUPLICATE
 * KEY UPDATE would otherwise rewrite that other row — and so are tables whose keys pssync cannot
 * match (prefix keys) and fields mapped onto generated columns. Every refusal leaves the table as
 * it was.
 */
import { describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = () => ({ TEST_DATABASE_URL: db.url });

interface SyncOptions {
  readonly mode?: string;
  readonly strategy?: string;
  readonly key?: readonly string[];
  readonly extra?: string;
}

function manifest(table: string, csv: string, fields: readonly string[], options: SyncOptions = {}): string {
  return `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  rows: { kind: csv, path: ${csv} }
syncs:
  rows:
    source: rows
    destination: db
    table: ${table}
    mode: ${options.mode ?? 'upsert'}
    strategy: ${options.strategy ?? 'staging'}
    primary_key: [${(options.key ?? ['id']).join(', ')}]
${options.extra ?? ''}    fields:
${fields.map((field) => `      - { from: ${field}, to: ${field} }`).join('\n')}
`;
}

interface PlanJson {
  syncs: Array<{ rows?: { insert: number; update: number; delete: number }; errors: Array<{ code: string; message: string; line?: number; file?: string }> }>;
}

async function planJson(file: string): Promise<{ code: number; plan: PlanJson; output: string }> {
  const result = await workspace.run(['plan', '-f', file, '--format', 'json'], env());
  return { code: result.code, plan: JSON.parse(result.stdout) as PlanJson, output: result.stdout + result.stderr };
}

async function rows(sql: string): Promise<unknown[][]> {
  return (await db.query<Record<string, unknown>>(sql)).map((row) => Object.values(row).map((value) => (typeof value === 'number' ? String(value) : value)));
}

/** Plan refuses with `code`, apply writes nothing: the table holds what it held. */
async function refused(file: string, code: string, table: string, words: RegExp): Promise<void> {
  const before = await rows(`SELECT * FROM ${table} ORDER BY 1`);
  const { code: exit, plan } = await planJson(file);
  expect(exit).toBe(1);
  const errors = plan.syncs.flatMap((sync) => sync.errors);
  expect(errors.map((error) => error.code)).toContain(code);
  expect(errors.find((error) => error.code === code)!.message).toMatch(words);
  const apply = await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
  expect(apply.code, apply.stdout + apply.stderr).toBe(1);
  expect(apply.stderr).toContain('Nothing was applied');
  expect(await rows(`SELECT * FROM ${table} ORDER BY 1`)).toEqual(before);
}

async function applyAndConverge(file: string): Promise<void> {
  const apply = await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
  expect(apply.code, apply.stdout + apply.stderr).toBe(0);
  const again = await workspace.run(['plan', '-f', file, '--detailed-exitcode'], env());
  expect(again.code, again.stdout + again.stderr).toBe(0);
}

describe(`unique keys, prefix keys, generated columns (${dialectOf(db.version)})`, () => {
  it('an insert whose UNIQUE value another row holds is refused, naming the key and both primary keys (both writers)', async () => {
    await db.query('CREATE TABLE users (id INT NOT NULL PRIMARY KEY, email VARCHAR(100) COLLATE utf8mb4_general_ci, name VARCHAR(50), UNIQUE KEY users_email (email))');
    await db.query("INSERT INTO users VALUES (1, 'x@e.com', 'old one'), (5, 'free@e.com', 'five')");
    workspace.write('users.csv', 'id,email,name\n2,x@e.com,new two\n');
    for (const strategy of ['staging', 'direct']) {
      workspace.write(`users-${strategy}.yaml`, manifest('users', 'users.csv', ['id', 'email', 'name'], { strategy }));
      await refused(`users-${strategy}.yaml`, 'PSSYNC_E_UNIQUE_KEY', 'users', /users_email.*id=2.*id=1|users_email.*id=1.*id=2/s);
    }
    // Equal under the column's collation (case, trailing space) is a collision too.
    workspace.write('users-case.csv', 'id,email,name\n2,X@E.COM ,new two\n');
    workspace.write('users-case.yaml', manifest('users', 'users-case.csv', ['id', 'email', 'name']));
    await refused('users-case.yaml', 'PSSYNC_E_UNIQUE_KEY', 'users', /users_email/);
    // An update onto another row's value is refused the same way.
    workspace.write('users-update.csv', 'id,email,name\n5,x@e.com,five\n');
    workspace.write('users-update.yaml', manifest('users', 'users-update.csv', ['id', 'email', 'name']));
    await refused('users-update.yaml', 'PSSYNC_E_UNIQUE_KEY', 'users', /id=5.*id=1/s);
  });

  it('a row keeping its own UNIQUE value (in another case), new values, and NULLs are written', async () => {
    await db.query('CREATE TABLE members (id INT NOT NULL PRIMARY KEY, email VARCHAR(100) COLLATE utf8mb4_general_ci, name VARCHAR(50), UNIQUE KEY (email))');
    await db.query("INSERT INTO members VALUES (1, 'x@e.com', 'one'), (2, NULL, 'two')");
    workspace.write('members.csv', 'id,email,name\n1,X@e.com,ONE\n2,,TWO\n3,,three\n4,y@e.com,four\n');
    workspace.write('members.yaml', manifest('members', 'members.csv', ['id', 'email', 'name']));
    const { code, plan } = await planJson('members.yaml');
    expect(code).toBe(0);
    expect(plan.syncs[0]!.rows).toMatchObject({ insert: 2, update: 2 });
    await applyAndConverge('members.yaml');
    expect(await rows('SELECT id, email, name FROM members ORDER BY id')).toEqual([
      ['1', 'X@e.com', 'ONE'],
      ['2', null, 'TWO'],
      ['3', null, 'three'],
      ['4', 'y@e.com', 'four'],
    ]);
  });

  it('a mirror that would delete the row holding the value is refused too: deletes run after inserts', async () => {
    await db.query('CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, email VARCHAR(100), UNIQUE KEY account_email (email))');
    await db.query("INSERT INTO accounts VALUES (1, 'x@e.com')");
    workspace.write('accounts.csv', 'id,email\n2,x@e.com\n');
    workspace.write('accounts.yaml', manifest('accounts', 'accounts.csv', ['id', 'email'], { mode: 'mirror', strategy: 'direct' }));
    await refused('accounts.yaml', 'PSSYNC_E_UNIQUE_KEY', 'accounts', /account_email.*deleted by this plan/s);
  });

  it('two source rows with the same UNIQUE value: the later one is a row error with its line', async () => {
    await db.query('CREATE TABLE people (id INT NOT NULL PRIMARY KEY, email VARCHAR(100) COLLATE utf8mb4_general_ci, UNIQUE KEY people_email (email))');
    workspace.write('people.csv', 'id,email\n1,a@e.com\n2,b@e.com\n3,A@E.com\n4,\n5,\n');
    workspace.write('people.yaml', manifest('people', 'people.csv', ['id', 'email']));
    const plan = await workspace.run(['plan', '-f', 'people.yaml'], env());
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toMatch(/people\.csv:4: PSSYNC_E_ROW_UNIQUE_DUPLICATE: .*people_email.*line 2/);
    // Within max_rejected_rows the later row is skipped; the others (NULLs never collide) are written.
    workspace.write('people-skip.yaml', manifest('people', 'people.csv', ['id', 'email'], { extra: '    max_rejected_rows: 1\n' }));
    const apply = await workspace.run(['apply', '-f', 'people-skip.yaml', '--auto-approve'], env());
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(await rows('SELECT id, email FROM people ORDER BY id')).toEqual([
      ['1', 'a@e.com'],
      ['2', 'b@e.com'],
      ['4', null],
      ['5', null],
    ]);
  });

  it('a composite UNIQUE key with a scope column: rows of another scope do not collide, rows of the same one do', async () => {
    await db.query('CREATE TABLE tenants (id INT NOT NULL, tenant VARCHAR(10) NOT NULL, email VARCHAR(100), PRIMARY KEY (tenant, id), UNIQUE KEY tenant_email (tenant, email))');
    await db.query("INSERT INTO tenants VALUES (1, 'a', 'x@e.com'), (2, 'b', 'y@e.com')");
    workspace.write('tenants.csv', 'id,email\n3,x@e.com\n');
    const scoped = (tenant: string) => manifest('tenants', 'tenants.csv', ['id', 'email'], { extra: `    scope: { tenant: ${tenant} }\n` });
    workspace.write('tenant-b.yaml', scoped('b'));
    const { code } = await planJson('tenant-b.yaml');
    expect(code).toBe(0);
    await applyAndConverge('tenant-b.yaml');
    expect(await rows('SELECT id, tenant, email FROM tenants ORDER BY id')).toEqual([
      ['1', 'a', 'x@e.com'],
      ['2', 'b', 'y@e.com'],
      ['3', 'b', 'x@e.com'],
    ]);
    workspace.write('tenants-a.csv', 'id,email\n4,x@e.com\n');
    workspace.write('tenant-a.yaml', manifest('tenants', 'tenants-a.csv', ['id', 'email'], { extra: '    scope: { tenant: a }\n' }));
    await refused('tenant-a.yaml', 'PSSYNC_E_UNIQUE_KEY', 'tenants', /tenant_email.*id=4.*id=1/s);
  });

  it('a scoped sync reads only its scope, but a UNIQUE index spans the table: another scope\'s row is found', async () => {
    await db.query('CREATE TABLE scoped (id INT NOT NULL, tenant VARCHAR(10) NOT NULL, email VARCHAR(100), PRIMARY KEY (tenant, id), UNIQUE KEY scoped_email (email))');
    await db.query("INSERT INTO scoped VALUES (1, 'a', 'x@e.com')");
    workspace.write('scoped.csv', 'id,email\n2,x@e.com\n');
    workspace.write('scoped.yaml', manifest('scoped', 'scoped.csv', ['id', 'email'], { mode: 'mirror', extra: '    scope: { tenant: b }\n' }));
    await refused('scoped.yaml', 'PSSYNC_E_UNIQUE_KEY', 'scoped', /scoped_email.*id=2.*id=1/s);
  });

  it('two scoped syncs of one table writing the same UNIQUE value are refused: neither sees the other\'s rows', async () => {
    await db.query('CREATE TABLE shared (id INT NOT NULL, tenant VARCHAR(10) NOT NULL, email VARCHAR(100), PRIMARY KEY (tenant, id), UNIQUE KEY shared_email (email))');
    await db.query("INSERT INTO shared VALUES (9, 'c', 'other@e.com')");
    workspace.write('shared-a.csv', 'id,email\n1,x@e.com\n2,a@e.com\n');
    workspace.write('shared-b.csv', 'id,email\n1,X@E.com\n2,b@e.com\n');
    const sync = (tenant: string) => `  ${tenant}:
    source: ${tenant}
    destination: db
    table: shared
    mode: upsert
    primary_key: [id]
    scope: { tenant: ${tenant} }
    fields:
      - { from: id, to: id }
      - { from: email, to: email }
`;
    workspace.write(
      'shared.yaml',
      `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  a: { kind: csv, path: shared-a.csv }
  b: { kind: csv, path: shared-b.csv }
syncs:
${sync('a')}${sync('b')}`,
    );
    await refused('shared.yaml', 'PSSYNC_E_UNIQUE_KEY', 'shared', /shared_email.*email="X@E.com".*sync "a"/s);
    // Without the shared value both apply, once each.
    workspace.write('shared-b.csv', 'id,email\n1,y@e.com\n2,b@e.com\n');
    await applyAndConverge('shared.yaml');
    expect(await rows('SELECT tenant, id, email FROM shared ORDER BY tenant, id')).toEqual([
      ['a', '1', 'x@e.com'],
      ['a', '2', 'a@e.com'],
      ['b', '1', 'y@e.com'],
      ['b', '2', 'b@e.com'],
      ['c', '9', 'other@e.com'],
    ]);
  });

  it('a UNIQUE key with a column the sync does not write is checked on the columns it writes', async () => {
    await db.query("CREATE TABLE regions (id INT NOT NULL PRIMARY KEY, email VARCHAR(100), region VARCHAR(10) NOT NULL DEFAULT 'eu', UNIQUE KEY region_email (email, region))");
    await db.query("INSERT INTO regions VALUES (1, 'x@e.com', 'eu')");
    workspace.write('regions.csv', 'id,email\n2,x@e.com\n');
    workspace.write('regions.yaml', manifest('regions', 'regions.csv', ['id', 'email']));
    await refused('regions.yaml', 'PSSYNC_E_UNIQUE_KEY', 'regions', /region_email.*region/s);
  });

  it('refuses a table whose primary key is a prefix of its column, before anything is written', async () => {
    await db.query('CREATE TABLE prefixed (name VARCHAR(20) NOT NULL, v INT, PRIMARY KEY (name(4)))');
    await db.query("INSERT INTO prefixed VALUES ('abcd-one', 1)");
    workspace.write('prefixed.csv', 'name,v\nabcd-two,2\n');
    workspace.write('prefixed.yaml', manifest('prefixed', 'prefixed.csv', ['name', 'v'], { key: ['name'] }));
    await refused('prefixed.yaml', 'PSSYNC_E_PRIMARY_KEY', 'prefixed', /prefix.*`name`.*4/s);
  });

  it('refuses a prefix UNIQUE key over a mapped column; one over an unmapped column is fine', async () => {
    await db.query('CREATE TABLE codes (id INT NOT NULL PRIMARY KEY, code VARCHAR(20), note VARCHAR(20), UNIQUE KEY code_prefix (code(3)), UNIQUE KEY note_prefix (note(2)))');
    await db.query("INSERT INTO codes VALUES (1, 'abc-1', NULL)");
    workspace.write('codes.csv', 'id,code\n2,abc-2\n');
    workspace.write('codes.yaml', manifest('codes', 'codes.csv', ['id', 'code']));
    await refused('codes.yaml', 'PSSYNC_E_UNIQUE_KEY', 'codes', /code_prefix.*prefix.*`code`.*3/s);
    await db.query('ALTER TABLE codes DROP INDEX code_prefix');
    await applyAndConverge('codes.yaml');
    expect(await rows('SELECT id, code FROM codes ORDER BY id')).toEqual([
      ['1', 'abc-1'],
      ['2', 'abc-2'],
    ]);
  });

  it('refuses a field mapped onto a generated column; unmapped generated and auto_increment columns are fine', async () => {
    const persistent = dialectOf(db.version) === 'mariadb' ? 'PERSISTENT' : 'STORED';
    await db.query(
      `CREATE TABLE computed (id INT NOT NULL PRIMARY KEY, a INT, doubled INT AS (a * 2) VIRTUAL, tripled INT AS (a * 3) ${persistent}, seq BIGINT NOT NULL AUTO_INCREMENT, UNIQUE KEY (seq))`,
    );
    await db.query('INSERT INTO computed (id, a) VALUES (1, 1)');
    for (const column of ['doubled', 'tripled']) {
      workspace.write(`computed-${column}.csv`, `id,a,${column}\n2,2,4\n`);
      workspace.write(`computed-${column}.yaml`, manifest('computed', `computed-${column}.csv`, ['id', 'a', column]));
      await refused(`computed-${column}.yaml`, 'PSSYNC_E_GENERATED_COLUMN', 'computed', new RegExp(`\`${column}\`.*generated`));
    }
    workspace.write('computed.csv', 'id,a\n1,5\n2,2\n');
    for (const strategy of ['staging', 'direct']) {
      workspace.write(`computed-ok-${strategy}.yaml`, manifest('computed', 'computed.csv', ['id', 'a'], { strategy }));
      await applyAndConverge(`computed-ok-${strategy}.yaml`);
    }
    expect(await rows('SELECT id, a, doubled, tripled FROM computed ORDER BY id')).toEqual([
      ['1', '5', '10', '15'],
      ['2', '2', '4', '6'],
    ]);
  });
});
