/**
 * Retries against the real server: a real deadlock (pssync's merge chosen as the victim) is
 * retried and the apply completes; a reopened connection has the same session settings; a
 * staging INSERT sent twice (its first answer lost) neither fails nor doubles a row.
 */
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literalsFor, STAGING_INSERT_SUFFIX, createStagingSql, stagingInsertPrefix, stagingTuple } from '../../src/apply/staging-sql.js';
import { StatementRunner } from '../../src/apply/statement-runner.js';
import { openDestination, type Db } from '../../src/db/connection.js';
import type { DestinationConfig } from '../../src/manifest/types.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { startCli, stagingTables, StatementWatcher, tableRows, writeDataset } from '../helpers/reliability.js';
import { useWorkspace } from '../helpers/workspace.js';
import { column } from '../helpers/plan-builders.js';

const db = useTestDatabase();
const workspace = useWorkspace();

function destination(): DestinationConfig {
  return {
    name: 'db',
    host: db.host,
    port: db.port,
    database: db.name,
    username: db.user,
    password: db.password,
    tls: 'disabled',
    createDatabase: false,
    position: { file: 'pssync.yaml', line: 1, column: 1, path: 'destinations.db' },
  };
}

describe(`retries against the real server (${dialectOf(db.version)})`, () => {
  let watcher: StatementWatcher;
  let destinationDb: Db;

  beforeAll(async () => {
    watcher = await StatementWatcher.open(db.url, db.name);
    destinationDb = await openDestination(destination());
  });

  afterAll(async () => {
    await watcher?.close();
    await destinationDb?.close();
  });

  it('a reopened connection gets the same session settings (UTC, no NO_BACKSLASH_ESCAPES)', async () => {
    await destinationDb.execute("SET SESSION time_zone = '+05:00'");
    const [[id]] = (await destinationDb.query('SELECT CONNECTION_ID()')) as [[string]];
    await watcher.query(`KILL ${id}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(destinationDb.isOpen?.()).toBe(false);
    const runner = new StatementRunner(destinationDb, { policy: { retries: 3, minDelayMs: 10, maxDelayMs: 20, maxRetryTimeMs: 5_000, retriesPerSync: 10 } });
    const [[zone, newId]] = (await runner.query('SELECT @@SESSION.time_zone, CONNECTION_ID()')) as [[string, string]];
    expect(zone).toBe('+00:00');
    expect(newId).not.toBe(id);
    expect(runner.reconnects).toBe(1);
  });

  it('a staging INSERT sent again after its first answer was lost neither fails nor doubles a row', async () => {
    const columns = [column('id', 'int', { key: true }), column('name', 'varchar(20)')];
    const literals = literalsFor(columns);
    await destinationDb.execute(createStagingSql('_pssync_stage_retry_test', columns));
    const sql = `${stagingInsertPrefix('_pssync_stage_retry_test', columns)}${[1, 2, 3].map((pk) => stagingTuple(pk, 'added', [String(pk), `n${pk}`], literals)).join(',')}${STAGING_INSERT_SUFFIX}`;
    await destinationDb.execute(sql);
    await destinationDb.execute(sql);
    expect(await db.query('SELECT `_pk`, `_diff_op`, id, name FROM `_pssync_stage_retry_test` ORDER BY `_pk`')).toEqual([
      { _pk: '1', _diff_op: 'added', id: 1, name: 'n1' },
      { _pk: '2', _diff_op: 'added', id: 2, name: 'n2' },
      { _pk: '3', _diff_op: 'added', id: 3, name: 'n3' },
    ]);
    await destinationDb.execute('DROP TABLE `_pssync_stage_retry_test`');
  });

  it('a real deadlock (pssync chosen as the victim) is retried and the apply completes exactly', async () => {
    const rows = 3_000;
    const initial = writeDataset(join(workspace.dir, 'old.csv'), 1, rows, 'old');
    const desired = writeDataset(join(workspace.dir, 'new.csv'), 1, rows, 'new');
    workspace.write(
      'deadlock.yaml',
      `version: 1
destinations:
  db:
    url: \${TEST_DATABASE_URL}
sources:
  rows:
    kind: csv
    path: \${DATASET}
syncs:
  dl:
    source: rows
    destination: db
    table: deadlocked
    mode: upsert
    strategy: staging
    primary_key: [id]
    fields:
      - { from: id, to: id, type: bigint }
      - { from: name, to: name, type: varchar(64) }
      - { from: score, to: score, type: "decimal(10,2)" }
      - { from: note, to: note, type: varchar(64) }
`,
    );
    const first = await workspace.run(['apply', '-f', 'deadlock.yaml', '--auto-approve'], { TEST_DATABASE_URL: db.url, DATASET: join(workspace.dir, 'old.csv') });
    expect(first.code, first.stderr).toBe(0);
    expect(await tableRows(db.query, 'deadlocked')).toEqual(initial);
    await db.query('CREATE TABLE deadlock_filler (n INT NOT NULL PRIMARY KEY)');

    // The other transaction: heavy (20,000 rows written, so InnoDB picks pssync as the victim), and
    // holding row 2000, which pssync's merge of rows 1–3000 will need.
    const other = await mysql.createConnection(db.url);
    try {
      await other.query('BEGIN');
      await other.query('INSERT INTO deadlock_filler SELECT seq FROM seq_1_to_20000').catch(async () => {
        // MySQL has no sequence engine: a recursive CTE does the same.
        await other.query('SET SESSION cte_max_recursion_depth = 30000');
        await other.query('INSERT INTO deadlock_filler WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 20000) SELECT n FROM s');
      });
      await other.query('SELECT id FROM deadlocked WHERE id = 2000 FOR UPDATE');

      const run = startCli(['apply', '-f', 'deadlock.yaml', '--auto-approve'], { cwd: workspace.dir, env: { TEST_DATABASE_URL: db.url, DATASET: join(workspace.dir, 'new.csv') } });
      const merge = await watcher.waitFor(/^UPDATE `deadlocked` t INNER JOIN/, 1, run.exited);
      expect(merge, run.stderr).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 300)); // pssync now holds rows 1–1999 and waits for 2000
      // Row 10 is pssync's: the wait-for graph has a cycle, and the lighter transaction loses.
      await other.query('UPDATE deadlocked SET name = ? WHERE id = 10', ['other']);
      await other.query('ROLLBACK');

      const result = await run.exited;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/[1-9]\d* statement\(s\) retried after transient errors, 0 reconnect\(s\)/);
      expect(await tableRows(db.query, 'deadlocked')).toEqual(desired);
      expect(await stagingTables(db.query)).toEqual([]);
    } finally {
      await other.end();
    }
  });
});
