/**
 * Numeric keys written so the server matches exactly what was planned (issue 11). A FLOAT key is
 * stored as a float32 but compared as a double: its shortest float32 text ('1.1') names another
 * double than the stored one, so a DELETE … IN ('1.1') deleted nothing while apply reported it.
 * A DECIMAL key compared with two or more string constants in IN (…) is compared as a double, so
 * deleting one of two keys that differ past the 17th digit deleted both. Each case, with both
 * writers and every mode that writes by key: apply, read the table back, plan again: no changes.
 */
import { describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = () => ({ TEST_DATABASE_URL: db.url });

function manifest(table: string, columns: readonly string[], key: readonly string[], file: string, mode: string, strategy: string): string {
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
    strategy: ${strategy}
    primary_key: [${key.join(', ')}]
    fields:
${columns.map((column) => `      - { from: ${column}, to: ${column} }`).join('\n')}
`;
}

async function planJson(file: string) {
  const result = await workspace.run(['plan', '-f', file, '--format', 'json'], env());
  expect(result.stderr).not.toMatch(/error/i);
  return JSON.parse(result.stdout) as { changes: boolean; syncs: { rows: Record<string, number> }[] };
}

async function applyAndConverge(file: string): Promise<string> {
  const applied = await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
  expect(applied.code, applied.stderr).toBe(0);
  const again = await planJson(file);
  expect(again.changes, JSON.stringify(again.syncs[0]?.rows)).toBe(false);
  return applied.stdout + applied.stderr;
}

async function contents(table: string, key: string): Promise<string[][]> {
  const rows = await db.query<Record<string, unknown>>(`SELECT CONCAT(${key} + 0) AS shown, v FROM ${table} ORDER BY ${key}`);
  return rows.map((row) => [String(row.shown), String(row.v)]);
}

describe(`numeric keys matched exactly (${dialectOf(db.version)})`, () => {
  for (const strategy of ['direct', 'staging']) {
    it(`FLOAT keys: mirror deletes and updates what it reports (${strategy})`, async () => {
      const table = `float_${strategy}`;
      await db.query(`CREATE TABLE ${table} (k FLOAT NOT NULL PRIMARY KEY, v INT)`);
      await db.query(`INSERT INTO ${table} VALUES (1.1, 1), (2.2, 1), (0.1, 1), (3.5, 1), (1e-40, 1), (3.4028234e38, 1)`);
      workspace.write(`${table}.csv`, 'k,v\n1.1,2\n3.5,1\n1e-40,2\n');
      workspace.write(`${table}.yaml`, manifest(table, ['k', 'v'], ['k'], `${table}.csv`, 'mirror', strategy));
      const plan = await planJson(`${table}.yaml`);
      expect(plan.syncs[0]!.rows).toMatchObject({ insert: 0, update: 2, delete: 3 });
      await applyAndConverge(`${table}.yaml`);
      expect(await contents(table, 'k')).toEqual([
        ['9.99994610111476e-41', '2'],
        ['1.100000023841858', '2'],
        ['3.5', '1'],
      ]);
    });

    it(`FLOAT keys in a composite key, mode update (${strategy})`, async () => {
      const table = `float_pair_${strategy}`;
      await db.query(`CREATE TABLE ${table} (k FLOAT NOT NULL, n INT NOT NULL, v INT, PRIMARY KEY (k, n))`);
      await db.query(`INSERT INTO ${table} VALUES (1.1, 1, 1), (1.1, 2, 1), (0.3, 1, 1)`);
      workspace.write(`${table}.csv`, 'k,n,v\n1.1,2,5\n0.3,1,5\n');
      workspace.write(`${table}.yaml`, manifest(table, ['k', 'n', 'v'], ['k', 'n'], `${table}.csv`, 'update', strategy));
      expect((await planJson(`${table}.yaml`)).syncs[0]!.rows).toMatchObject({ update: 2 });
      await applyAndConverge(`${table}.yaml`);
      const rows = await db.query<{ n: number; v: number }>(`SELECT n, v FROM ${table} ORDER BY k, n`);
      expect(rows.map((row) => [Number(row.n), Number(row.v)])).toEqual([[1, 5], [1, 1], [2, 5]]);
    });

    it(`DOUBLE keys at the edges of the range (${strategy})`, async () => {
      const table = `double_${strategy}`;
      await db.query(`CREATE TABLE ${table} (k DOUBLE NOT NULL PRIMARY KEY, v INT)`);
      await db.query(`INSERT INTO ${table} VALUES ('0.1', 1), ('0.30000000000000004', 1), ('0.3', 1), ('5e-324', 1), ('1.7976931348623157e308', 1), ('-2.5', 1)`);
      workspace.write(`${table}.csv`, 'k,v\n0.3,2\n5e-324,2\n-2.5,1\n');
      workspace.write(`${table}.yaml`, manifest(table, ['k', 'v'], ['k'], `${table}.csv`, 'mirror', strategy));
      expect((await planJson(`${table}.yaml`)).syncs[0]!.rows).toMatchObject({ insert: 0, update: 2, delete: 3 });
      await applyAndConverge(`${table}.yaml`);
      expect(await contents(table, 'k')).toEqual([
        ['-2.5', '1'],
        ['5e-324', '2'],
        ['0.3', '2'],
      ]);
    });

    // A few hundred keys, so that the server scans the table instead of seeking each key: then the
    // IN (…) list is evaluated row by row, and a string constant there compares as a double.
    it(`DECIMAL(65,30) keys that differ past the 17th digit, 500 pairs (${strategy})`, async () => {
      const table = `decimal_${strategy}`;
      await db.query(`CREATE TABLE ${table} (k DECIMAL(65,30) NOT NULL PRIMARY KEY, v INT)`);
      const pair = (n: number, last: number) => `0.${String(n).padStart(5, '0')}${'0'.repeat(24)}${last}`;
      const ns = Array.from({ length: 500 }, (_, index) => index + 1);
      await db.query(`INSERT INTO ${table} VALUES ${ns.flatMap((n) => [`('${pair(n, 1)}', 1)`, `('${pair(n, 2)}', 1)`]).join(', ')}`);
      await db.query(`INSERT INTO ${table} VALUES ('12345678901234567890123456789012345.5', 1), ('12345678901234567890123456789012345.6', 1)`);
      // Keep the second of each pair (v = 2), delete the first.
      workspace.write(`${table}.csv`, `k,v\n${ns.map((n) => `${pair(n, 2)},2`).join('\n')}\n12345678901234567890123456789012345.6,2\n`);
      workspace.write(`${table}.yaml`, manifest(table, ['k', 'v'], ['k'], `${table}.csv`, 'mirror', strategy));
      expect((await planJson(`${table}.yaml`)).syncs[0]!.rows).toMatchObject({ insert: 0, update: 501, delete: 501 });
      await applyAndConverge(`${table}.yaml`);
      const rows = await db.query<{ k: string; v: number }>(`SELECT CAST(k AS CHAR) AS k, v FROM ${table} ORDER BY k`);
      expect(rows).toHaveLength(501);
      expect(rows.every((row) => Number(row.v) === 2 && /[26]0*$/.test(row.k))).toBe(true);
    });

    it(`BIGINT UNSIGNED in a composite key, 500 pairs a unit apart near 2^64 (${strategy})`, async () => {
      const table = `bigint_${strategy}`;
      await db.query(`CREATE TABLE ${table} (k BIGINT UNSIGNED NOT NULL, n INT NOT NULL, v INT, PRIMARY KEY (k, n))`);
      const top = 18446744073709551615n;
      const ks = Array.from({ length: 1_000 }, (_, index) => top - BigInt(index));
      await db.query(`INSERT INTO ${table} VALUES ${ks.map((k) => `(${k}, 1, 1)`).join(', ')}`);
      // Keep the odd ones (top, top - 2, …), delete the even ones.
      const kept = ks.filter((_, index) => index % 2 === 0);
      workspace.write(`${table}.csv`, `k,n,v\n${kept.map((k) => `${k},1,1`).join('\n')}\n`);
      workspace.write(`${table}.yaml`, manifest(table, ['k', 'n', 'v'], ['k', 'n'], `${table}.csv`, 'mirror', strategy));
      expect((await planJson(`${table}.yaml`)).syncs[0]!.rows).toMatchObject({ insert: 0, update: 0, delete: 500 });
      await applyAndConverge(`${table}.yaml`);
      const rows = await db.query<{ k: string }>(`SELECT CAST(k AS CHAR) AS k FROM ${table} ORDER BY k DESC`);
      expect(rows.map((row) => row.k)).toEqual(kept.map(String));
    });
  }
});
