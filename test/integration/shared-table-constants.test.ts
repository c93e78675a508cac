/**
 * Scope and audience constants (issue 11): coerced to the column's type once, at plan time, and
 * that canonical value is what is written, read and deleted; an invalid constant is one plan error
 * at its manifest line. Syncs sharing a table must be disjoint: as written (validate) and under the
 * column's type and collation (plan), so that no sync reads or deletes another's rows.
 */
import { describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = () => ({ TEST_DATABASE_URL: db.url });

const HEAD = `version: 1
destinations: { db: { url: "\${TEST_DATABASE_URL}" } }
sources:
  items: { kind: csv, path: items.csv }
  empty: { kind: csv, path: empty.csv }
syncs:
`;

async function applyAndCheckConverged(file: string, extra: readonly string[] = []): Promise<void> {
  const apply = await workspace.run(['apply', '-f', file, '--auto-approve', ...extra], env());
  expect(apply.code, apply.stderr + apply.stdout).toBe(0);
  const again = await workspace.run(['plan', '-f', file, '--format', 'json', '--detailed-exitcode'], env());
  expect(again.code, again.stdout + again.stderr).toBe(0);
  expect(JSON.parse(again.stdout).changes).toBe(false);
}

/** Lines of the manifest text where `needle` appears (1-based). */
function lineOf(text: string, needle: string, from = 0): number {
  const index = text.indexOf(needle, from);
  expect(index, needle).toBeGreaterThanOrEqual(0);
  return text.slice(0, index).split('\n').length;
}

describe(`scope and audience constants (${dialectOf(db.version)})`, () => {
  workspace.write('items.csv', 'id,v\n1,a\n2,b\n');
  workspace.write('empty.csv', 'id,v\n');

  it('a DATETIME scope given with an offset is written, read and deleted in its canonical form', async () => {
    await db.query('CREATE TABLE ev (sc DATETIME NOT NULL, id INT NOT NULL, v VARCHAR(10), PRIMARY KEY (sc, id))');
    await db.query("INSERT INTO ev VALUES ('2024-01-02 03:04:05', 9, 'old'), ('2024-01-02 08:34:05', 1, 'other')");
    const text = `${HEAD}  ev_sync:
    source: items
    destination: db
    table: ev
    mode: mirror
    primary_key: [id]
    scope: { sc: "2024-01-02T08:34:05+05:30" }
    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
`;
    const file = workspace.write('ev.yaml', text);
    const plan = await workspace.run(['plan', '-f', file, '--format', 'json'], env());
    expect(plan.code, plan.stderr).toBe(0);
    // Row 9 is in the scope (the same instant): mirror deletes it; the 08:34:05 row is another scope.
    expect(JSON.parse(plan.stdout).syncs[0].rows).toMatchObject({ insert: 2, delete: 1 });
    await applyAndCheckConverged(file);
    const rows = await db.query<{ sc: string; id: number; v: string }>("SELECT DATE_FORMAT(sc, '%Y-%m-%d %H:%i:%s') AS sc, id, v FROM ev ORDER BY sc, id");
    expect(rows).toEqual([
      { sc: '2024-01-02 03:04:05', id: 1, v: 'a' },
      { sc: '2024-01-02 03:04:05', id: 2, v: 'b' },
      { sc: '2024-01-02 08:34:05', id: 1, v: 'other' },
    ]);
  });

  it('ENUM and BIT scopes filter by the value the column stores (not by its text)', async () => {
    await db.query("CREATE TABLE sc_enum (kind ENUM('a','b') NOT NULL, flag BIT(1) NOT NULL, id INT NOT NULL, v VARCHAR(10), PRIMARY KEY (kind, flag, id))");
    await db.query("INSERT INTO sc_enum VALUES ('b', 1, 9, 'gone'), ('a', 1, 1, 'a1'), ('b', 0, 1, 'b0')");
    const text = `${HEAD}  enum_sync:
    source: items
    destination: db
    table: sc_enum
    mode: mirror
    primary_key: [id]
    scope: { kind: B, flag: true }
    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
`;
    const file = workspace.write('sc-enum.yaml', text);
    const plan = await workspace.run(['plan', '-f', file, '--format', 'json'], env());
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).syncs[0].rows).toMatchObject({ insert: 2, delete: 1 });
    await applyAndCheckConverged(file);
    expect(await db.query('SELECT kind, flag + 0 AS flag, id, v FROM sc_enum ORDER BY kind, flag, id')).toEqual([
      { kind: 'a', flag: 1, id: 1, v: 'a1' },
      { kind: 'b', flag: 0, id: 1, v: 'b0' },
      { kind: 'b', flag: 1, id: 1, v: 'a' },
      { kind: 'b', flag: 1, id: 2, v: 'b' },
    ]);
  });

  it('a scope constant the INT column cannot hold is one plan error at its line, and no row is touched', async () => {
    await db.query('CREATE TABLE sc_int (sc INT NOT NULL, id INT NOT NULL, v VARCHAR(10), PRIMARY KEY (sc, id))');
    await db.query("INSERT INTO sc_int VALUES (0, 1, 'zero'), (0, 7, 'zero')");
    for (const source of ['items', 'empty']) {
      const text = `${HEAD}  bad_scope:
    source: ${source}
    destination: db
    table: sc_int
    mode: mirror
    primary_key: [id]
    scope: { sc: "x" }
    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
`;
      const file = workspace.write(`sc-int-${source}.yaml`, text);
      const plan = await workspace.run(['plan', '-f', file], env());
      expect(plan.code, plan.stdout).toBe(1);
      const output = plan.stdout + plan.stderr;
      expect(output).toContain(`sc-int-${source}.yaml:${lineOf(text, 'sc: "x"')}`);
      expect(output).toContain('PSSYNC_E_SCOPE');
      expect(output).toMatch(/`sc`.*int/i);
      expect(output.match(/PSSYNC_E_SCOPE/g)).toHaveLength(1); // once, not once per row
      expect(output).not.toContain('PSSYNC_E_ROW_VALUE');
      const apply = await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
      expect(apply.code).toBe(1);
    }
    expect(await db.query('SELECT sc, id, v FROM sc_int ORDER BY id')).toEqual([
      { sc: 0, id: 1, v: 'zero' },
      { sc: 0, id: 7, v: 'zero' },
    ]);
  });

  it('an audience name longer than the audience column is a plan error at the audience line', async () => {
    await db.query('CREATE TABLE aud_short (audience VARCHAR(4) NOT NULL, id INT NOT NULL, v VARCHAR(10), PRIMARY KEY (audience, id))');
    const text = `${HEAD}  long_name:
    audience: platinum
    source: items
    destination: db
    table: aud_short
    mode: mirror
    member_key: [id]
    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
`;
    const file = workspace.write('aud-short.yaml', text);
    const plan = await workspace.run(['plan', '-f', file], env());
    expect(plan.code, plan.stdout).toBe(1);
    const output = plan.stdout + plan.stderr;
    expect(output).toContain(`aud-short.yaml:${lineOf(text, 'audience: platinum')}`);
    expect(output).toContain('PSSYNC_E_SCOPE');
    expect(output).toContain('varchar(4)');
    expect(output.match(/PSSYNC_E_SCOPE/g)).toHaveLength(1);
  });

  it('two audiences equal under the column collation (VIP, vip) are a plan error naming both', async () => {
    await db.query('CREATE TABLE aud_ci (audience VARCHAR(32) COLLATE utf8mb4_general_ci NOT NULL, id INT NOT NULL, v VARCHAR(10), PRIMARY KEY (audience, id))');
    await db.query("INSERT INTO aud_ci VALUES ('VIP', 1, 'a'), ('VIP', 2, 'b')");
    const text = `${HEAD}  upper_vip:
    audience: VIP
    source: items
    destination: db
    table: aud_ci
    mode: mirror
    member_key: [id]
    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
  lower_vip:
    audience: vip
    source: empty
    destination: db
    table: aud_ci
    mode: mirror
    member_key: [id]
    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
`;
    const file = workspace.write('aud-ci.yaml', text);
    const plan = await workspace.run(['plan', '-f', file], env());
    expect(plan.code, plan.stdout).toBe(1);
    const output = plan.stdout + plan.stderr;
    expect(output).toContain('PSSYNC_E_SCOPE');
    expect(output).toContain('upper_vip');
    expect(output).toContain('lower_vip');
    expect(output).toContain('utf8mb4_general_ci');
    const apply = await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
    expect(apply.code).toBe(1);
    // A table still to be created gets the database's default collation (case-insensitive here): the same.
    const fresh = workspace.write('aud-ci-new.yaml', text.replaceAll('table: aud_ci', 'table: aud_ci_new'));
    const created = await workspace.run(['apply', '-f', fresh, '--auto-approve'], env());
    expect(created.code, created.stdout).toBe(1);
    expect(created.stdout + created.stderr).toMatch(/`audience` "VIP" and "vip" are equal under collation/);
    expect(await db.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'aud_ci_new'")).toEqual([]);
    expect(await db.query('SELECT audience, id, v FROM aud_ci ORDER BY id')).toEqual([
      { audience: 'VIP', id: 1, v: 'a' },
      { audience: 'VIP', id: 2, v: 'b' },
    ]);
  });

  it('audiences that differ under a binary collation share the table, each touching only its own rows', async () => {
    await db.query('CREATE TABLE aud_bin (audience VARCHAR(32) COLLATE utf8mb4_bin NOT NULL, id INT NOT NULL, v VARCHAR(10), PRIMARY KEY (audience, id))');
    await db.query("INSERT INTO aud_bin VALUES ('vip', 5, 'keep')");
    const text = `${HEAD}  upper_vip:
    audience: VIP
    source: items
    destination: db
    table: aud_bin
    mode: mirror
    member_key: [id]
    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
  other_vip:
    audience: Vip
    source: items
    destination: db
    table: aud_bin
    mode: upsert
    member_key: [id]
    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
`;
    const file = workspace.write('aud-bin.yaml', text);
    await applyAndCheckConverged(file);
    expect(await db.query('SELECT audience, id, v FROM aud_bin ORDER BY audience, id')).toEqual([
      { audience: 'VIP', id: 1, v: 'a' },
      { audience: 'VIP', id: 2, v: 'b' },
      { audience: 'Vip', id: 1, v: 'a' },
      { audience: 'Vip', id: 2, v: 'b' },
      { audience: 'vip', id: 5, v: 'keep' },
    ]);
  });

  it('two INT scopes written differently but equal as numbers (1, 01) are a plan error', async () => {
    await db.query('CREATE TABLE sc_num (sc INT NOT NULL, id INT NOT NULL, v VARCHAR(10), PRIMARY KEY (sc, id))');
    const sync = (name: string, value: string) => `  ${name}:
    source: items
    destination: db
    table: sc_num
    mode: mirror
    primary_key: [id]
    scope: { sc: "${value}" }
    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
`;
    const file = workspace.write('sc-num.yaml', `${HEAD}${sync('one', '1')}${sync('also_one', '01')}`);
    const plan = await workspace.run(['plan', '-f', file], env());
    expect(plan.code, plan.stdout).toBe(1);
    const output = plan.stdout + plan.stderr;
    expect(output).toContain('PSSYNC_E_SCOPE');
    expect(output).toMatch(/one.*also_one|also_one.*one/s);
    const apply = await workspace.run(['apply', '-f', file, '--auto-approve'], env());
    expect(apply.code).toBe(1);
    expect(await db.query('SELECT id FROM sc_num')).toEqual([]);
  });

  it('validate refuses syncs of one table with the same scope, without a scope, or with different keys', async () => {
    const scoped = (name: string, table: string, scope: string, key = '[id]') => `  ${name}:
    source: items
    destination: db
    table: ${table}
    mode: mirror
    primary_key: ${key}
${scope ? `    scope: ${scope}\n` : ''}    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
`;
    const cases: Array<{ name: string; syncs: string; code: string; message: RegExp }> = [
      { name: 'same-scope', syncs: scoped('first', 'shared', '{ tenant: acme }') + scoped('second', 'SHARED', '{ tenant: acme }'), code: 'PSSYNC_E_SCOPE', message: /same `tenant` = "acme"/ },
      { name: 'no-scope', syncs: scoped('first', 'shared', '{ tenant: acme }') + scoped('second', 'shared', ''), code: 'PSSYNC_E_SCOPE', message: /`second` has no scope/ },
      { name: 'keys', syncs: scoped('first', 'shared', '{ tenant: acme }') + scoped('second', 'shared', '{ tenant: globex }', '[id, v]'), code: 'PSSYNC_E_SHARED_TABLE', message: /different keys: \[tenant, id\] and \[tenant, id, v\]/ },
    ];
    for (const { name, syncs, code, message } of cases) {
      const text = HEAD + syncs;
      const file = workspace.write(`validate-${name}.yaml`, text);
      const result = await workspace.run(['validate', '-f', file], env());
      expect(result.code, `${name}: ${result.stdout}${result.stderr}`).toBe(1);
      const output = result.stdout + result.stderr;
      expect(output, name).toContain(code);
      expect(output, name).toMatch(message);
      expect(output, name).toContain('first');
      expect(output, name).toContain('second');
      expect(output, name).toContain(`validate-${name}.yaml:${lineOf(text, 'second:')}`);
      expect(output, name).toContain(`(line ${lineOf(text, 'first:')})`);
    }
  });

  it('two disjoint scoped syncs share an existing table; a mirror of one leaves the other alone', async () => {
    await db.query('CREATE TABLE sc_shared (tenant VARCHAR(16) NOT NULL, id INT NOT NULL, v VARCHAR(10), PRIMARY KEY (tenant, id))');
    await db.query("INSERT INTO sc_shared VALUES ('globex', 1, 'g1'), ('globex', 3, 'g3'), ('acme', 9, 'gone')");
    workspace.write('globex.csv', 'id,v\n1,g1\n3,g3\n4,g4\n');
    const sync = (name: string, source: string, tenant: string, mode: string) => `  ${name}:
    source: ${source}
    destination: db
    table: sc_shared
    mode: ${mode}
    primary_key: [id]
    scope: { tenant: ${tenant} }
    fields:
      - { from: id, to: id, type: int }
      - { from: v, to: v, type: varchar(10) }
`;
    const file = workspace.write('sc-shared.yaml', `${HEAD.replace('sources:\n', 'sources:\n  globex: { kind: csv, path: globex.csv }\n')}${sync('acme', 'items', 'acme', 'mirror')}${sync('globex', 'globex', 'globex', 'upsert')}`);
    await applyAndCheckConverged(file);
    expect(await db.query('SELECT tenant, id, v FROM sc_shared ORDER BY tenant, id')).toEqual([
      { tenant: 'acme', id: 1, v: 'a' },
      { tenant: 'acme', id: 2, v: 'b' },
      { tenant: 'globex', id: 1, v: 'g1' },
      { tenant: 'globex', id: 3, v: 'g3' },
      { tenant: 'globex', id: 4, v: 'g4' },
    ]);
  });
});
