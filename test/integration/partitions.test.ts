/**
 * Partitioned applies (issue 15): N `apply --partition K/N` runs started together leave exactly
 * the table one full apply leaves — on a first run (each worker plans CREATE TABLE; one makes it),
 * and on a table with rows to update and to delete in every partition; one worker killed mid-write
 * and run again converges; a full plan afterwards is empty. Locks: the workers of one split do not
 * wait for each other, while a full apply, a second run of the same partition and a run of another
 * N are refused. And the hash: pssync's and MySQL's spellings agree.
 */
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionLockName } from '../../src/apply/lock.js';
import { partitionTermSql, slotOfKey } from '../../src/model/partition.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { startCli, tableRows, writeDataset, type DatasetRow } from '../helpers/reliability.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const TABLE = 'partitioned_target';

const manifest = `version: 1
destinations:
  db:
    url: \${TEST_DATABASE_URL}
sources:
  rows:
    kind: csv
    path: \${DATASET}
syncs:
  split:
    source: rows
    destination: db
    table: ${TABLE}
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, to: id, type: bigint }
      - { from: name, to: name, type: varchar(64) }
      - { from: score, to: score, type: "decimal(10,2)" }
      - { from: note, to: note, type: varchar(64) }
`;

/** Runs the N partitions of an apply at the same time; their exits, in partition order. */
async function applyPartitions(count: number, dataset: string) {
  const runs = Array.from({ length: count }, (_, index) =>
    startCli(['apply', '--auto-approve', '--partition', `${index + 1}/${count}`], { cwd: workspace.dir, env: { TEST_DATABASE_URL: db.url, DATASET: dataset } }),
  );
  return Promise.all(runs.map((run) => run.exited));
}

describe(`partitioned applies (${dialectOf(db.version)})`, () => {
  const files: Record<string, { file: string; rows: DatasetRow[] }> = {};
  const env = (name: string) => ({ TEST_DATABASE_URL: db.url, DATASET: files[name]!.file });

  beforeAll(() => {
    workspace.write('pssync.yaml', manifest);
    // first: ids 1..6000; second: ids 1001..7000, every value changed (deletes 1..1000, inserts 6001..7000);
    // third: ids 1..5000 with other values again.
    for (const [name, first, count, variant] of [['first', 1, 6000, 'a'], ['second', 1001, 6000, 'bb'], ['third', 1, 5000, 'ccc']] as const) {
      const file = join(workspace.dir, `${name}.csv`);
      files[name] = { file, rows: writeDataset(file, first, count, variant) };
    }
  });

  it('four workers on a first run create the table once and load exactly the source', async () => {
    const exits = await applyPartitions(4, files.first!.file);
    exits.forEach((exit, index) => {
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stderr).toContain(`Partition ${index + 1} of 4`);
    });
    expect(await tableRows(db.query, TABLE)).toEqual(files.first!.rows);
    const plan = await workspace.run(['plan', '--detailed-exitcode'], env('first'));
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  });

  it('four workers on a table with rows to update and delete in every partition leave the single-apply result', async () => {
    // Each partition's own plan: its share of the 1,000 deletes, the 1,000 inserts and the 5,000 updates.
    const plans = await Promise.all([1, 2, 3, 4].map((index) => workspace.run(['plan', '--format', 'json', '--partition', `${index}/4`], env('second'))));
    const counts = plans.map((plan) => JSON.parse(plan.stdout).syncs[0].rows);
    for (const [index, plan] of plans.entries()) {
      const json = JSON.parse(plan.stdout);
      expect(json.partition).toEqual({ index: index + 1, count: 4 });
      expect(json.syncs[0].source_rows + json.syncs[0].other_partition_rows).toBe(6000);
      expect(counts[index].delete).toBeGreaterThan(0);
      expect(counts[index].insert).toBeGreaterThan(0);
    }
    expect(counts.reduce((sum, rows) => sum + rows.delete, 0)).toBe(1000);
    expect(counts.reduce((sum, rows) => sum + rows.insert, 0)).toBe(1000);
    expect(counts.reduce((sum, rows) => sum + rows.update, 0)).toBe(5000);

    const exits = await applyPartitions(4, files.second!.file);
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
    expect(await tableRows(db.query, TABLE)).toEqual(files.second!.rows);
    const plan = await workspace.run(['plan', '--detailed-exitcode'], env('second'));
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    // Each partition converged too.
    const again = await workspace.run(['plan', '--detailed-exitcode', '--partition', '3/4'], env('second'));
    expect(again.code, again.stdout).toBe(0);
  });

  it('a worker killed mid-write and run again converges', async () => {
    const runs = [1, 2, 3, 4].map((index) => startCli(['apply', '--auto-approve', '--partition', `${index}/4`], { cwd: workspace.dir, env: env('third') }));
    await runs[1]!.waitForStderr(/write|Apply complete|PSSYNC_E/);
    const killed = await runs[1]!.kill();
    const others = await Promise.all([0, 2, 3].map((index) => runs[index]!.exited));
    for (const exit of others) expect(exit.code, exit.stderr).toBe(0);
    expect(killed.signal === 'SIGKILL' || killed.code === 0, killed.stderr).toBe(true);
    const rerun = await workspace.run(['apply', '--auto-approve', '--partition', '2/4'], env('third'));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await tableRows(db.query, TABLE)).toEqual(files.third!.rows);
    const plan = await workspace.run(['plan', '--detailed-exitcode'], env('third'));
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  });

  describe('locks', () => {
    let holder: mysql.Connection;
    beforeAll(async () => {
      holder = await mysql.createConnection(db.url);
    });
    afterAll(async () => {
      await holder?.end();
    });

    it('a held partition refuses a full apply, the same partition and another N, not a sibling', async () => {
      const name = partitionLockName(db.name, TABLE, { index: 2, count: 4 });
      await holder.query('SELECT GET_LOCK(?, 0)', [name]);
      try {
        const full = await workspace.run(['apply', '--auto-approve'], env('first'));
        expect(full.code).toBe(1);
        expect(full.stderr).toMatch(/PSSYNC_E_LOCKED.*partitioned apply/);
        const same = await workspace.run(['apply', '--auto-approve', '--partition', '2/4'], env('first'));
        expect(same.stderr).toMatch(/PSSYNC_E_LOCKED.*another apply of partition 2 of 4/);
        const otherCount = await workspace.run(['apply', '--auto-approve', '--partition', '1/2'], env('first'));
        expect(otherCount.stderr).toMatch(/PSSYNC_E_LOCKED.*another number of partitions/);
        // Nothing was written by the refused runs: the table still holds the third dataset.
        expect(await tableRows(db.query, TABLE)).toEqual(files.third!.rows);
        const sibling = await workspace.run(['apply', '--auto-approve', '--partition', '3/4'], env('first'));
        expect(sibling.code, sibling.stderr).toBe(0);
      } finally {
        await holder.query('SELECT RELEASE_LOCK(?)', [name]);
      }
    });
  });

  it('pssync and MySQL hash integer keys into the same partitions', async () => {
    const keys = ['0', '1', '-1', '42', '9007199254740993', '-9223372036854775808', '9223372036854775807', '18446744073709551615', '123456789012345'];
    const pairs = [['1', '2'], ['-7', '18446744073709551615'], ['0', '0']] as const;
    const keyTable = keys.map((key) => `SELECT CAST('${key}' AS DECIMAL(20,0)) AS k`).join(' UNION ALL ');
    const pairTable = pairs.map(([a, b]) => `SELECT CAST('${a}' AS DECIMAL(20,0)) AS a, CAST('${b}' AS DECIMAL(20,0)) AS b`).join(' UNION ALL ');
    for (const count of [2, 3, 4, 7, 64]) {
      const slots: number[] = [];
      const pairSlots: number[] = [];
      for (let index = 1; index <= count; index += 1) {
        for (const row of await db.query<{ k: string }>(`SELECT k FROM (${keyTable}) AS t WHERE ${partitionTermSql(['k'], { index, count })}`)) slots[keys.indexOf(String(row.k))] = index - 1;
        for (const row of await db.query<{ a: string; b: string }>(`SELECT a, b FROM (${pairTable}) AS t WHERE ${partitionTermSql(['a', 'b'], { index, count })}`)) {
          pairSlots[pairs.findIndex(([a, b]) => a === String(row.a) && b === String(row.b))] = index - 1;
        }
      }
      // Keys as the differ holds them: a number up to 15 digits, else the digits (mapping/row-key.ts).
      expect(slots, `${count} partitions`).toEqual(keys.map((key) => slotOfKey(key.length <= 15 ? Number(key) : key, count)));
      expect(pairSlots, `composite, ${count} partitions`).toEqual(pairs.map((pair) => slotOfKey(JSON.stringify(pair), count)));
    }
    // A NULL key part is the first partition's (where its bad row is reported).
    const [nullRow] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT NULL AS k) AS t WHERE ${partitionTermSql(['k'], { index: 1, count: 4 })}`);
    expect(Number(nullRow!.n)).toBe(1);
  });
});
