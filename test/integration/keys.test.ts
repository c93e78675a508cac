/**
 * Key identity as the server defines it (issue 11): keys that ORDER BY pages in another order than
 * text (ENUM, SET, BIT), keys equal or different under real collations (emoji under general_ci,
 * 'Åsa' and 'Asa' under latin1_swedish_ci). Each case: apply a mirror over a hand-made table, read
 * the table back with SQL, and plan again: no changes.
 */
import { describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = () => ({ TEST_DATABASE_URL: db.url });

function manifest(table: string, fields: string, key: string, file: string, mode = 'mirror'): string {
  return `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  rows: { kind: csv, path: ${file} }
syncs:
  s:
    source: rows
    destination: db
    table: ${table}
    mode: ${mode}
    primary_key: [${key}]
    fields:
${fields}
`;
}

async function planJson(file: string) {
  const result = await workspace.run(['plan', '-f', file, '--format', 'json'], env());
  expect(result.stderr).not.toMatch(/error/i);
  return JSON.parse(result.stdout) as { changes: boolean; syncs: { rows: Record<string, number>; errors: { code: string; message: string }[] }[] };
}

async function applyAndConverge(file: string, extra: string[] = []): Promise<void> {
  const applied = await workspace.run(['apply', '-f', file, '--auto-approve', ...extra], env());
  expect(applied.code, applied.stderr).toBe(0);
  const again = await planJson(file);
  expect(again.changes, JSON.stringify(again.syncs[0]?.rows)).toBe(false);
}

describe(`keys as the server compares them (${dialectOf(db.version)})`, () => {
  it('ENUM keys over many pages: every row read, the mirror deletes and converges', async () => {
    // Members out of alphabetical order: ORDER BY sorts by member index, text comparison would not.
    await db.query("CREATE TABLE enum_keys (kind ENUM('zebra','apple','mango') NOT NULL, n INT NOT NULL, v INT, PRIMARY KEY (kind, n))");
    const kinds = ['zebra', 'apple', 'mango'];
    const rows: string[] = [];
    for (const kind of kinds) for (let n = 0; n < 4_000; n += 1) rows.push(`('${kind}', ${n}, 1)`);
    await db.query(`INSERT INTO enum_keys VALUES ${rows.join(',')}`);
    // Desired: every row but n = 3999 of each kind, v = 2 for n < 10.
    const lines = ['kind,n,v'];
    for (const kind of kinds) for (let n = 0; n < 3_999; n += 1) lines.push(`${kind},${n},${n < 10 ? 2 : 1}`);
    workspace.write('enum.csv', `${lines.join('\n')}\n`);
    workspace.write('enum.yaml', manifest('enum_keys', "      - { from: kind, to: kind }\n      - { from: n, to: n }\n      - { from: v, to: v }", 'kind, n', 'enum.csv'));
    const plan = await planJson('enum.yaml');
    expect(plan.syncs[0]!.rows).toMatchObject({ insert: 0, update: 30, delete: 3 });
    await applyAndConverge('enum.yaml', ['--allow-deletes']);
    const [count] = await db.query<{ rows: number; twos: number }>('SELECT COUNT(*) AS `rows`, SUM(v = 2) AS twos FROM enum_keys');
    expect(Number(count!.rows)).toBe(3 * 3_999);
    expect(Number(count!.twos)).toBe(30);
  });

  it('SET and BIT keys over many pages', async () => {
    await db.query("CREATE TABLE set_bit_keys (tags SET('x','b','a') NOT NULL, flags BIT(12) NOT NULL, v INT, PRIMARY KEY (tags, flags))");
    const sets = ['', 'x', 'b', 'x,b', 'a', 'x,a', 'b,a', 'x,b,a'];
    const rows: string[] = [];
    for (const tags of sets) for (let flags = 0; flags < 1_000; flags += 1) rows.push(`('${tags}', ${flags}, 1)`);
    await db.query(`INSERT INTO set_bit_keys VALUES ${rows.join(',')}`);
    const lines = ['tags,flags,v'];
    for (const tags of sets) for (let flags = 0; flags < 1_000; flags += 1) if (flags !== 500) lines.push(`"${tags}",${flags},1`);
    workspace.write('setbit.csv', `${lines.join('\n')}\n`);
    workspace.write('setbit.yaml', manifest('set_bit_keys', '      - { from: tags, to: tags }\n      - { from: flags, to: flags }\n      - { from: v, to: v }', 'tags, flags', 'setbit.csv'));
    const plan = await planJson('setbit.yaml');
    expect(plan.syncs[0]!.rows).toMatchObject({ insert: 0, update: 0, delete: 8 });
    await applyAndConverge('setbit.yaml', ['--allow-deletes']);
    const [count] = await db.query<{ rows: number }>('SELECT COUNT(*) AS `rows` FROM set_bit_keys');
    expect(Number(count!.rows)).toBe(8 * 999);
  });

  it('keys differing only in an emoji are one key under utf8mb4_general_ci: a duplicate, never a delete', async () => {
    await db.query('CREATE TABLE emoji_keys (name VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY, v INT)');
    await db.query("INSERT INTO emoji_keys VALUES ('party 😀', 1)");
    // The server compares every supplementary character as U+FFFD under general_ci: 🙂 = 😀.
    workspace.write('emoji.csv', 'name,v\nparty 🙂,2\n');
    workspace.write('emoji.yaml', manifest('emoji_keys', '      - { from: name, to: name }\n      - { from: v, to: v }', 'name', 'emoji.csv'));
    const plan = await planJson('emoji.yaml');
    expect(plan.syncs[0]!.rows).toMatchObject({ insert: 0, update: 1, delete: 0 });
    await applyAndConverge('emoji.yaml');
    const rows = await db.query<{ v: number }>('SELECT v FROM emoji_keys');
    expect(rows.map((row) => Number(row.v))).toEqual([2]);

    workspace.write('emoji-dup.csv', 'name,v\nparty 😀,1\nparty 🙂,2\n');
    workspace.write('emoji-dup.yaml', manifest('emoji_keys', '      - { from: name, to: name }\n      - { from: v, to: v }', 'name', 'emoji-dup.csv'));
    const duplicate = await workspace.run(['plan', '-f', 'emoji-dup.yaml'], env());
    expect(duplicate.code).toBe(1);
    expect(duplicate.stdout + duplicate.stderr).toMatch(/emoji-dup\.csv:3: PSSYNC_E_ROW_KEY_DUPLICATE: .*the same key as line 2/);
  });

  it("latin1_swedish_ci keeps 'Åsa' and 'Asa' apart, and folds case", async () => {
    await db.query('CREATE TABLE swedish_keys (name VARCHAR(32) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL PRIMARY KEY, v INT)');
    await db.query("INSERT INTO swedish_keys VALUES ('Åsa', 1), ('Asa', 1), ('Olle', 1)");
    workspace.write('swedish.csv', 'name,v\nÅSA,2\nasa,3\n');
    workspace.write('swedish.yaml', manifest('swedish_keys', '      - { from: name, to: name }\n      - { from: v, to: v }', 'name', 'swedish.csv'));
    const plan = await planJson('swedish.yaml');
    expect(plan.syncs[0]!.rows).toMatchObject({ insert: 0, update: 2, delete: 1 });
    await applyAndConverge('swedish.yaml', ['--allow-deletes']);
    const rows = await db.query<{ name: string; v: number }>('SELECT CONVERT(name USING utf8mb4) AS name, v FROM swedish_keys ORDER BY v');
    expect(rows.map((row) => [row.name, Number(row.v)])).toEqual([['Åsa', 2], ['Asa', 3]]);
  });
});
