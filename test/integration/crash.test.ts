/**
 * Crash convergence: the pssync process is killed (SIGKILL: no cleanup, no goodbye) at many points
 * of a multi-chunk mirror apply — while planning, creating and loading the staging table, between
 * and during merge chunks, while deleting, while cleaning up — through both writers. After each
 * kill:
 *   - every row is either its old or its new version (statements are atomic), no key twice;
 *   - the next apply converges: the table equals the desired state exactly (plain SQL), no row
 *     lost or duplicated, no staging table left; if the dead run left one, that apply's plan warns
 *     about it (PSSYNC_W_STAGING_LEFTOVER) and its report says it dropped it.
 * The desired state alternates between two datasets, so every run has inserts, updates and deletes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { startCli, stagingTables, StatementWatcher, tableRows, writeDataset, type DatasetRow } from '../helpers/reliability.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();

/** Rows per dataset: ~3 staging INSERTs, several merge chunks and a delete per apply. */
const ROWS = 12_000;
const TABLE = 'crash_target';

type Trigger =
  | { readonly stderr: RegExp; readonly delayMs?: number }
  | { readonly sql: RegExp; readonly occurrence?: number; readonly delayMs?: undefined };

interface KillPoint {
  readonly name: string;
  readonly trigger: Trigger;
  readonly strategy?: 'staging' | 'direct';
}

const STAGE_INSERT = /^INSERT INTO `_pssync_stage_/;
/** Merges of added rows (INSERT … SELECT) and of changed rows (UPDATE … JOIN). */
const MERGE = new RegExp(`^(INSERT INTO \`${TABLE}\` \\(.*\\) SELECT|UPDATE \`${TABLE}\` t INNER JOIN)`);
const MERGE_DELETE = /^DELETE t FROM/;
/** Direct inserts of added rows and updates of changed rows. */
const DIRECT_WRITE = new RegExp(`^(INSERT INTO \`${TABLE}\` \\(.*\\) VALUES|UPDATE \`${TABLE}\` AS t JOIN)`);
const DIRECT_DELETE = new RegExp(`^DELETE FROM \`${TABLE}\``);

const KILL_POINTS: readonly KillPoint[] = [
  { name: 'while reading the source (planning)', trigger: { stderr: /› read/ } },
  { name: 'while diffing against the destination', trigger: { stderr: /› diff/ } },
  { name: 'right after the plan was printed', trigger: { stderr: /❯ apply/ } },
  { name: 'while creating the staging table', trigger: { sql: /^CREATE TABLE `_pssync_stage_/ } },
  { name: 'during the 1st staging INSERT', trigger: { sql: STAGE_INSERT, occurrence: 1 } },
  { name: 'during the 2nd staging INSERT', trigger: { sql: STAGE_INSERT, occurrence: 2 } },
  { name: 'during the 1st merge chunk', trigger: { sql: MERGE, occurrence: 1 } },
  { name: 'during the 2nd merge chunk', trigger: { sql: MERGE, occurrence: 2 } },
  { name: 'during the 3rd merge chunk', trigger: { sql: MERGE, occurrence: 3 } },
  { name: 'during the delete of removed rows', trigger: { sql: MERGE_DELETE } },
  { name: 'at cleanup (dropping the staging table)', trigger: { stderr: /› cleanup/ } },
  { name: 'after the report, before exit', trigger: { stderr: /Apply complete/ } },
  ...[0, 10, 20, 40, 55, 70, 100, 150].map((delayMs): KillPoint => ({ name: `${delayMs} ms into the apply`, trigger: { stderr: /› stage/, delayMs } })),
  { name: 'direct writer: 2nd insert or update statement', strategy: 'direct', trigger: { sql: DIRECT_WRITE, occurrence: 2 } },
  { name: 'direct writer: 3rd insert or update statement', strategy: 'direct', trigger: { sql: DIRECT_WRITE, occurrence: 3 } },
  { name: 'direct writer: deleting', strategy: 'direct', trigger: { sql: DIRECT_DELETE } },
  ...[30, 90].map((delayMs): KillPoint => ({ name: `direct writer: ${delayMs} ms into the apply`, strategy: 'direct', trigger: { stderr: /› (stage|write)/, delayMs } })),
];

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
  crash:
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

describe(`crash convergence: SIGKILL at ${KILL_POINTS.length} points of a multi-chunk apply (${dialectOf(db.version)})`, () => {
  const datasets: Record<'a' | 'b', { file: string; rows: DatasetRow[] }> = {} as never;
  let watcher: StatementWatcher;
  let current: DatasetRow[] = [];
  const stats = { killedMidway: 0, leftovers: 0 };

  beforeAll(async () => {
    datasets.a = { file: join(workspace.dir, 'a.csv'), rows: writeDataset(join(workspace.dir, 'a.csv'), 1, ROWS, 'a') };
    datasets.b = { file: join(workspace.dir, 'b.csv'), rows: writeDataset(join(workspace.dir, 'b.csv'), ROWS / 10 + 1, ROWS, 'bb') };
    workspace.write('staging.yaml', manifest('staging'));
    workspace.write('direct.yaml', manifest('direct'));
    watcher = await StatementWatcher.open(db.url, db.name);
    const first = await workspace.run(['apply', '-f', 'staging.yaml', '--auto-approve'], { TEST_DATABASE_URL: db.url, DATASET: datasets.a.file });
    expect(first.code, first.stderr).toBe(0);
    current = datasets.a.rows;
  });

  afterAll(async () => {
    await watcher?.close();
    // A summary in the test output: how many kills landed before the process finished on its own.
    console.log(`crash convergence: ${KILL_POINTS.length} kill points, ${stats.killedMidway} killed before finishing, ${stats.leftovers} left a staging table`);
  });

  KILL_POINTS.forEach((point, index) => {
    it(`killed ${point.name}: the next apply converges`, async () => {
      const target = index % 2 === 0 ? datasets.b : datasets.a;
      const env = { TEST_DATABASE_URL: db.url, DATASET: target.file };
      const file = `${point.strategy ?? 'staging'}.yaml`;
      const before = new Map(current.map((row) => [row[0], row]));
      const after = new Map(target.rows.map((row) => [row[0], row]));

      // 1. Start an apply and SIGKILL it at the kill point.
      const run = startCli(['apply', '-f', file, '--auto-approve', '--allow-deletes'], { cwd: workspace.dir, env });
      if ('stderr' in point.trigger) {
        await run.waitForStderr(point.trigger.stderr);
        if (point.trigger.delayMs) await new Promise((resolve) => setTimeout(resolve, point.trigger.delayMs));
      } else {
        await watcher.waitFor(point.trigger.sql, point.trigger.occurrence ?? 1, run.exited);
      }
      const killed = await run.kill();
      if (killed.signal === 'SIGKILL') stats.killedMidway += 1;
      else expect(killed.code, `finished before the kill: ${killed.stderr}`).toBe(0);

      // 2. Whatever committed, every row is its old or its new version, and no key is there twice.
      const midway = await tableRows(db.query, TABLE);
      expect(new Set(midway.map((row) => row[0])).size).toBe(midway.length);
      for (const row of midway) {
        const old = before.get(row[0]);
        const fresh = after.get(row[0]);
        const matches = (other: DatasetRow | undefined) => other !== undefined && other.every((value, column) => value === row[column]);
        expect(matches(old) || matches(fresh), `row ${row.join(',')} is neither its old nor its new version`).toBe(true);
      }
      const leftovers = await stagingTables(db.query);
      if (leftovers.length) stats.leftovers += 1;

      // 3. Apply again: it converges, and says so about any staging table the dead run left.
      const again = startCli(['apply', '-f', file, '--auto-approve', '--allow-deletes', '--lock-timeout', '30'], { cwd: workspace.dir, env });
      const result = await again.exited;
      expect(result.code, result.stderr).toBe(0);
      if (leftovers.length) {
        expect(result.stderr).toContain('PSSYNC_W_STAGING_LEFTOVER');
        expect(result.stderr).toContain('dropped staging table(s) left by an earlier run');
        for (const leftover of leftovers) expect(result.stderr).toContain(leftover);
      }
      const rows = await tableRows(db.query, TABLE);
      expect(rows.length).toBe(target.rows.length);
      expect(rows).toEqual(target.rows);
      expect(await stagingTables(db.query)).toEqual([]);
      current = target.rows;

      // 4. Now and then, the whole loop: a plan afterwards has nothing to do.
      if (index % 6 === 5) {
        const plan = await workspace.run(['plan', '-f', file, '--detailed-exitcode'], env);
        expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      }
    });
  });

  it(`ran at least 20 kill points, most of them before the process finished`, () => {
    expect(KILL_POINTS.length).toBeGreaterThanOrEqual(20);
    expect(stats.killedMidway).toBeGreaterThanOrEqual(20);
  });
});
