/**
 * Lost connections during a multi-chunk apply, made real with `KILL <id>` from a second session:
 *   - the write connection killed during a staging INSERT, a merge chunk, a delete, or between
 *     statements: pssync reconnects (same session settings), sends the statement again — safe,
 *     every statement is idempotent — and the apply completes with the exact desired contents;
 *   - `KILL QUERY` (error 1317): retried the same way;
 *   - the lock's own connection killed: the lock is gone, so pssync stops before its next
 *     statement (PSSYNC_E_LOCKED), drops its staging table, and the next apply converges.
 */
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockName } from '../../src/apply/lock.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { startCli, stagingTables, StatementWatcher, tableRows, writeDataset, type DatasetRow } from '../helpers/reliability.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();

const ROWS = 12_000;
const TABLE = 'conn_target';

const STAGE_INSERT = /^INSERT INTO `_pssync_stage_/;
const MERGE_UPDATE = new RegExp(`^UPDATE \`${TABLE}\` t INNER JOIN`);
const MERGE_DELETE = /^DELETE t FROM/;
const DIRECT_UPDATE = new RegExp(`^UPDATE \`${TABLE}\` AS t JOIN`);
const DIRECT_DELETE = new RegExp(`^DELETE FROM \`${TABLE}\``);

function manifest(strategy: string): string {
  return `version: 1
destinations:
  db:
    url: \${TEST_DATABASE_URL}
sources:
  rows:
    kind: csv
    path: \${DATASET}
syncs:
  conn:
    source: rows
    destination: db
    table: ${TABLE}
    mode: mirror
    strategy: ${strategy}
    primary_key: [id]
    fields:
      - { from: id, to: id, type: bigint }
      - { from: name, to: name, type: varchar(64) }
      - { from: score, to: score, type: "decimal(10,2)" }
      - { from: note, to: note, type: varchar(64) }
`;
}

interface Case {
  readonly name: string;
  readonly strategy: 'staging' | 'direct';
  /** The statement to interrupt (its occurrence), on pssync's write connection. */
  readonly during: RegExp;
  readonly occurrence?: number;
  readonly kill: 'connection' | 'query';
  /**
   * Holds a row lock (from a test transaction) on a row the statement must write, so the statement
   * is surely still running when the KILL arrives: a row both datasets have (it is updated) or a
   * row only the current one has (it is deleted).
   */
  readonly block?: 'updated' | 'deleted';
}

const SURVIVED: readonly Case[] = [
  { name: 'KILL of the write connection during the 1st staging INSERT', strategy: 'staging', during: STAGE_INSERT, occurrence: 1, kill: 'connection' },
  { name: 'KILL of the write connection during a merge chunk', strategy: 'staging', during: MERGE_UPDATE, kill: 'connection', block: 'updated' },
  { name: 'KILL of the write connection during the delete', strategy: 'staging', during: MERGE_DELETE, kill: 'connection', block: 'deleted' },
  { name: 'KILL QUERY during a merge chunk (error 1317)', strategy: 'staging', during: MERGE_UPDATE, kill: 'query', block: 'updated' },
  { name: 'KILL of the write connection during a direct update', strategy: 'direct', during: DIRECT_UPDATE, kill: 'connection', block: 'updated' },
  { name: 'KILL of the write connection during a direct delete', strategy: 'direct', during: DIRECT_DELETE, kill: 'connection', block: 'deleted' },
];

describe(`killed connections during a multi-chunk apply (${dialectOf(db.version)})`, () => {
  const datasets: Record<'a' | 'b', { file: string; rows: DatasetRow[] }> = {} as never;
  let watcher: StatementWatcher;
  let locker: mysql.Connection;
  let next: 'a' | 'b' = 'b';

  beforeAll(async () => {
    datasets.a = { file: join(workspace.dir, 'a.csv'), rows: writeDataset(join(workspace.dir, 'a.csv'), 1, ROWS, 'a') };
    datasets.b = { file: join(workspace.dir, 'b.csv'), rows: writeDataset(join(workspace.dir, 'b.csv'), ROWS / 10 + 1, ROWS, 'bb') };
    workspace.write('staging.yaml', manifest('staging'));
    workspace.write('direct.yaml', manifest('direct'));
    watcher = await StatementWatcher.open(db.url, db.name);
    locker = await mysql.createConnection(db.url);
    const first = await workspace.run(['apply', '-f', 'staging.yaml', '--auto-approve'], { TEST_DATABASE_URL: db.url, DATASET: datasets.a.file });
    expect(first.code, first.stderr).toBe(0);
  });

  afterAll(async () => {
    await watcher?.close();
    await locker?.end();
  });

  /** The next desired state: the other dataset than the table holds. */
  function flip(): { file: string; rows: DatasetRow[]; before: DatasetRow[] } {
    const target = datasets[next];
    const before = datasets[next === 'a' ? 'b' : 'a'].rows;
    next = next === 'a' ? 'b' : 'a';
    return { ...target, before };
  }

  for (const testCase of SURVIVED) {
    it(`${testCase.name}: retried after reconnecting, the apply completes exactly`, async () => {
      const target = flip();
      if (testCase.block) {
        const wanted = new Set(target.rows.map((row) => row[0]));
        // Updated: in both (the middle of the table); deleted: only in the current contents.
        const candidates = target.before.filter((row) => (testCase.block === 'updated') === wanted.has(row[0]));
        const row = candidates[Math.floor(candidates.length / 2)]!;
        await locker.query('BEGIN');
        await locker.query(`SELECT id FROM ${TABLE} WHERE id = ? FOR UPDATE`, [row[0]]);
      }
      try {
        const run = startCli(['apply', '-f', `${testCase.strategy}.yaml`, '--auto-approve', '--allow-deletes'], {
          cwd: workspace.dir,
          env: { TEST_DATABASE_URL: db.url, DATASET: target.file },
        });
        const statement = await watcher.waitFor(testCase.during, testCase.occurrence ?? 1, run.exited);
        expect(statement, `never saw the statement; stderr: ${run.stderr}`).toBeDefined();
        if (testCase.block) await new Promise((resolve) => setTimeout(resolve, 100)); // surely waiting on the row lock
        await watcher.query(testCase.kill === 'connection' ? `KILL ${statement!.id}` : `KILL QUERY ${statement!.id}`);
        if (testCase.block) await locker.query('ROLLBACK');
        const result = await run.exited;
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/[1-9]\d* statement\(s\) retried after transient errors/);
        if (testCase.kill === 'connection') expect(result.stderr).toMatch(/[1-9]\d* reconnect\(s\)/);
        // What the server did, the retried statement counted once (each flip inserts, updates and deletes these).
        expect(result.stderr).toContain('applied +1200 ~10800 -1200');
        expect(await tableRows(db.query, TABLE)).toEqual(target.rows);
        expect(await stagingTables(db.query)).toEqual([]);
      } finally {
        if (testCase.block) await locker.query('ROLLBACK');
      }
    });
  }

  it('KILL of the lock connection: pssync stops before its next statement, cleans up, and the next apply converges', async () => {
    const target = flip();
    const env = { TEST_DATABASE_URL: db.url, DATASET: target.file };
    const run = startCli(['apply', '-f', 'staging.yaml', '--auto-approve', '--allow-deletes'], { cwd: workspace.dir, env });
    const statement = await watcher.waitFor(STAGE_INSERT, 1, run.exited);
    expect(statement, run.stderr).toBeDefined();
    const [holder] = await watcher.query<{ id: number | null }>('SELECT IS_USED_LOCK(?) AS id', [lockName(db.name, TABLE)]);
    expect(holder?.id).not.toBeNull();
    expect(Number(holder!.id)).not.toBe(statement!.id); // a connection of its own
    await watcher.query(`KILL ${Number(holder!.id)}`);
    const result = await run.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PSSYNC_E_LOCKED');
    expect(result.stderr).toMatch(/lost the lock on table `conn_target`/);
    expect(await stagingTables(db.query)).toEqual([]);

    const again = await workspace.run(['apply', '-f', 'staging.yaml', '--auto-approve', '--allow-deletes'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(await tableRows(db.query, TABLE)).toEqual(target.rows);
    expect(await stagingTables(db.query)).toEqual([]);
  });
});
