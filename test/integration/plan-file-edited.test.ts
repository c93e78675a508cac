/**
 * A saved plan edited by hand is refused (issue 11). Apply compared only fingerprints, so a file
 * whose counts, `changes`, DDL or samples were edited — `show` then rendering "No changes" — was
 * still applied, deletes and all. Now the file's content is covered by its `file_digest`: `show`
 * and `apply` refuse a file that does not match it (PSSYNC_E_PLAN_EDITED, naming the file); and a
 * file whose digest was recomputed after an edit is refused as stale, because the plan apply makes
 * again must show the file's DDL, counts and samples. Nothing is written in either case.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace, type CliResult } from '../helpers/workspace.js';
import { planSchemaErrors } from '../unit/render/plan-schema.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = () => ({ TEST_DATABASE_URL: db.url });
const run = (...args: string[]) => workspace.run(args, env());
const said = (result: CliResult) => `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;

type PlanFileJson = Record<string, unknown> & {
  changes: boolean;
  file_digest?: string;
  applied_at?: string;
  syncs: { name: string; ddl: string[]; rows: Record<string, number>; samples: { insert: unknown[]; update: unknown[]; delete: Record<string, string | null>[] } }[];
};

function manifest(table: string, newTable: string): string {
  const sync = (name: string, target: string, mode: string) => `  ${name}:
    source: rows
    destination: db
    table: ${target}
    mode: ${mode}
    primary_key: [id]
    fields:
      - { from: id, to: id, type: bigint }
      - { from: name, to: name, type: varchar(64) }`;
  return `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  rows: { kind: csv, path: ${table}.csv }
syncs:
${sync(table, table, 'mirror')}
${sync(`${table}_new`, newTable, 'upsert')}
`;
}

async function contents(table: string): Promise<string[] | undefined> {
  const exists = await db.query('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table]);
  if (exists.length === 0) return undefined;
  const rows = await db.query<{ id: string; name: string }>(`SELECT id, name FROM \`${table}\` ORDER BY id`);
  return rows.map((row) => `${row.id}:${row.name}`);
}

/** Seeds `table` (1 a, 2 b, 3 c), writes a source that keeps 1, changes 2, drops 3, adds 4, and saves a plan. */
async function savedPlan(table: string): Promise<{ file: string; json: PlanFileJson }> {
  await db.query(`CREATE TABLE \`${table}\` (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64))`);
  await db.query(`INSERT INTO \`${table}\` VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
  workspace.write(`${table}.csv`, 'id,name\n1,a\n2,bb\n4,d\n');
  workspace.write(`${table}.yaml`, manifest(table, `${table}_created`));
  const file = `${table}.plan.json`;
  const plan = await run('plan', '-f', `${table}.yaml`, '--out', file);
  expect(plan.code, said(plan)).toBe(0);
  const json = JSON.parse(readFileSync(join(workspace.dir, file), 'utf8')) as PlanFileJson;
  expect(planSchemaErrors(json)).toEqual([]);
  expect(json.file_digest).toMatch(/^[0-9a-f]{64}$/);
  expect(json.syncs[0]!.rows).toEqual({ insert: 1, update: 1, delete: 1, skip: 0 });
  return { file, json };
}

const write = (file: string, json: unknown, text = `${JSON.stringify(json, null, 2)}\n`) => writeFileSync(join(workspace.dir, file), text);

/** The digest as pssync computes it: sha256 of the canonical JSON (sorted keys) without file_digest and applied_at. */
function redigest(json: PlanFileJson): PlanFileJson {
  const { file_digest: _digest, applied_at: _applied, ...content } = json;
  const canonical = (value: unknown): string =>
    Array.isArray(value)
      ? `[${value.map(canonical).join(',')}]`
      : value !== null && typeof value === 'object'
        ? `{${Object.keys(value)
            .sort()
            .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
            .join(',')}}`
        : JSON.stringify(value);
  return { ...json, file_digest: createHash('sha256').update(canonical(content)).digest('hex') };
}

async function expectUntouched(table: string): Promise<void> {
  expect(await contents(table)).toEqual(['1:a', '2:b', '3:c']);
  expect(await contents(`${table}_created`)).toBeUndefined();
}

const edits: [string, (json: PlanFileJson) => void][] = [
  ['the counts', (json) => (json.syncs[0]!.rows = { insert: 1, update: 1, delete: 0, skip: 0 })],
  [
    '`changes`, counts, DDL and samples: "No changes"',
    (json) => {
      json.changes = false;
      for (const sync of json.syncs) {
        sync.ddl = [];
        sync.rows = { insert: 0, update: 0, delete: 0, skip: 0 };
        sync.samples = { insert: [], update: [], delete: [] };
      }
    },
  ],
  ['the DDL', (json) => (json.syncs[1]!.ddl = [json.syncs[1]!.ddl[0]!.replace('VARCHAR(64)', 'VARCHAR(10)')])],
  ['a sample', (json) => (json.syncs[0]!.samples.delete[0]!.name = 'someone else')],
  ['the list of syncs (one left out)', (json) => (json.syncs = json.syncs.slice(0, 1))],
];

describe(`a saved plan edited by hand (${dialectOf(db.version)})`, () => {
  it.each(edits.map(([what, edit], index) => [what, edit, index] as const))('edited %s: show and apply refuse it, nothing is written', async (_what, edit, index) => {
    const table = `edited_${index}`;
    const { file, json } = await savedPlan(table);
    const before = JSON.stringify(json);
    edit(json);
    expect(JSON.stringify(json)).not.toBe(before);
    write(file, json);

    const show = await run('show', file);
    expect(show.code, said(show)).toBe(1);
    expect(show.stderr).toMatch(new RegExp(`PSSYNC_E_PLAN_EDITED.*${file.replace('.', '\\.')}`));
    expect(show.stdout).not.toMatch(/No changes/);

    const apply = await run('apply', file, '--allow-deletes');
    expect(apply.code, said(apply)).toBe(1);
    expect(apply.stderr).toMatch(new RegExp(`PSSYNC_E_PLAN_EDITED.*${file.replace('.', '\\.')}`));
    await expectUntouched(table);
    expect((JSON.parse(readFileSync(join(workspace.dir, file), 'utf8')) as PlanFileJson).applied_at).toBeUndefined();
  });

  it.each(edits.map(([what, edit], index) => [what, edit, index] as const))(
    'edited %s and its digest recomputed: apply refuses it as stale, naming what differs',
    async (_what, edit, index) => {
      const table = `redigested_${index}`;
      const { file, json } = await savedPlan(table);
      edit(json);
      write(file, redigest(json));

      const apply = await run('apply', file, '--allow-deletes');
      expect(apply.code, said(apply)).toBe(1);
      expect(apply.stderr).toContain('PSSYNC_E_PLAN_STALE');
      expect(apply.stderr).toMatch(/the file shows|the file does not show/);
      await expectUntouched(table);
      const show = await run('show', file);
      expect(show.code, said(show)).toBe(0);
      expect(show.stderr).toMatch(/stale[\s\S]*the file (shows|does not show)/);
    },
  );

  it('a file without its digest is refused; reformatting the JSON is not an edit; applied_at keeps it valid', async () => {
    const { file, json } = await savedPlan('reformatted');
    const { file_digest: _digest, ...withoutDigest } = json;
    write(file, withoutDigest);
    const missing = await run('apply', file);
    expect(missing.code, said(missing)).toBe(1);
    expect(missing.stderr).toMatch(/PSSYNC_E_PLAN_EDITED.*reformatted\.plan\.json.*file_digest/);
    await expectUntouched('reformatted');

    // Same content, keys in another order and no indentation: still the plan pssync wrote.
    const reordered = Object.fromEntries(Object.entries(json).reverse());
    write(file, reordered, JSON.stringify(reordered));
    const show = await run('show', file);
    expect(show.code, said(show)).toBe(0);
    const apply = await run('apply', file, '--allow-deletes');
    expect(apply.code, said(apply)).toBe(0);
    expect(await contents('reformatted')).toEqual(['1:a', '2:bb', '4:d']);
    const applied = JSON.parse(readFileSync(join(workspace.dir, file), 'utf8')) as PlanFileJson;
    expect(Date.parse(applied.applied_at ?? '')).not.toBeNaN();
    expect(planSchemaErrors(applied)).toEqual([]);
    // After apply the file still matches its digest: show names it applied, apply refuses it as applied.
    const shownApplied = await run('show', file);
    expect(shownApplied.code, said(shownApplied)).toBe(0);
    expect(shownApplied.stderr).toMatch(/applied/);
    const again = await run('apply', file);
    expect(again.code, said(again)).toBe(1);
    expect(again.stderr).toContain('PSSYNC_E_PLAN_APPLIED');
  });
});
