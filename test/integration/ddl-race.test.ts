/**
 * "Duplicate column name" (1060) during apply (issue 11): swallowed only when another writer added
 * the very columns the plan adds, with the planned definition, between plan and DDL. The race is
 * staged by changing the table after the plan is made and applying that plan directly (the CLI
 * would re-plan a changed table; a writer outside pssync can still win the gap before the DDL).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/executor.js';
import { Destinations, sessionsOf } from '../../src/destinations.js';
import { loadManifest } from '../../src/manifest/load.js';
import type { Config } from '../../src/manifest/types.js';
import { makePlan } from '../../src/pipeline.js';
import { syncHasChanges } from '../../src/plan/plan.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const open: Destinations[] = [];

async function configFor(table: string, csv: string): Promise<Config> {
  workspace.write(`${table}.csv`, csv);
  const manifest = join(workspace.dir, `${table}.yaml`);
  writeFileSync(
    manifest,
    `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  input: { kind: csv, path: ${table}.csv }
syncs:
  race:
    source: input
    destination: db
    table: ${table}
    mode: upsert
    primary_key: [id]
    fields:
      - { from: id, type: int }
      - { from: note, type: varchar(20) }
      - { from: extra, type: varchar(20) }
`,
  );
  const { config, diagnostics } = await loadManifest(manifest, { TEST_DATABASE_URL: db.url });
  expect(diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return config!;
}

/** Plans against the table as it is, lets `meanwhile` change it, then applies that plan without re-planning. */
async function raceApply(config: Config, meanwhile: () => Promise<unknown>) {
  const destinations = new Destinations(config);
  open.push(destinations);
  const plan = await makePlan(config, destinations, { fingerprints: false });
  expect(plan.syncs[0]!.schema.ddl[0]).toMatch(/^ALTER TABLE .* ADD COLUMN `note` VARCHAR\(20\), ADD COLUMN `extra` VARCHAR\(20\)$/);
  await meanwhile();
  const report = await applyPlan(plan, sessionsOf(config, destinations));
  return report.syncs[0]!;
}

describe(`DDL racing another writer (${dialectOf(db.version)})`, () => {
  beforeAll(async () => {
    for (const table of ['same_columns', 'other_type', 'one_missing']) {
      await db.query(`CREATE TABLE ${table} (id INT NOT NULL PRIMARY KEY)`);
      await db.query(`INSERT INTO ${table} VALUES (1)`);
    }
  });

  afterAll(async () => {
    await Promise.all(open.map((destinations) => destinations.close()));
  });

  it('the same columns added first by another writer: 1060 is the race, the rows are written, the next plan is empty', async () => {
    const config = await configFor('same_columns', 'id,note,extra\n1,a,b\n2,c,d\n');
    const report = await raceApply(config, () => db.query('ALTER TABLE same_columns ADD COLUMN NOTE VARCHAR(20), ADD COLUMN Extra VARCHAR(20)'));
    expect(report.status, JSON.stringify(report)).toBe('applied');
    expect(await db.query('SELECT id, NOTE AS note, Extra AS extra FROM same_columns ORDER BY id')).toEqual([
      { id: 1, note: 'a', extra: 'b' },
      { id: 2, note: 'c', extra: 'd' },
    ]);
    const destinations = new Destinations(config);
    open.push(destinations);
    expect(syncHasChanges((await makePlan(config, destinations)).syncs[0]!)).toBe(false);
  });

  it('a column of that name with another definition: an error naming both definitions, nothing written', async () => {
    const config = await configFor('other_type', 'id,note,extra\n1,a,b\n');
    const report = await raceApply(config, () => db.query('ALTER TABLE other_type ADD COLUMN Note INT NOT NULL DEFAULT 0, ADD COLUMN extra VARCHAR(20)'));
    expect(report.status).toBe('failed');
    expect(report.error?.message).toMatch(/1060.*column `Note` int(\(11\))? NOT NULL, not `note` VARCHAR\(20\) as planned/);
    expect(await db.query('SELECT id, Note, extra FROM other_type')).toEqual([{ id: 1, Note: 0, extra: null }]);
  });

  it('one of the two columns added by another writer: the other is still missing, so 1060 is an error', async () => {
    const config = await configFor('one_missing', 'id,note,extra\n1,a,b\n');
    const report = await raceApply(config, () => db.query('ALTER TABLE one_missing ADD COLUMN note VARCHAR(20)'));
    expect(report.status).toBe('failed');
    expect(report.error?.message).toMatch(/1060.*column `extra` is still missing/);
    expect(await db.query('SELECT * FROM one_missing')).toEqual([{ id: 1, note: null }]);
  });
});
