/**
 * The GitOps loop through the CLI against a real database: saved plan files (applied exactly,
 * once, and refused when stale), `show`, the JSON contract on stdout, exit codes, partial runs,
 * delete guards, and `introspect` output round-tripping through `validate` and `plan`.
 * Every test has its own tables and files; database contents are checked with plain SQL.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stagingPrefixFor } from '../../src/apply/staging-names.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { runCli, useWorkspace, type CliResult } from '../helpers/workspace.js';
import { planSchemaErrors } from '../unit/render/plan-schema.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const env = () => ({ TEST_DATABASE_URL: db.url });
const run = (...args: string[]) => workspace.run(args, env());
/** The result, for assertion messages. */
const said = (result: CliResult) => `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;

interface SyncSpec {
  readonly table: string;
  readonly mode?: string;
  /** CSV file name; the source is named after the sync. */
  readonly csv: string;
  readonly safety?: string;
}

/** A manifest: destination `db`, one CSV source per sync, columns id (key), name, score. */
function manifest(syncs: Record<string, SyncSpec>): string {
  const sources = Object.entries(syncs).map(([name, sync]) => `  ${name}: { kind: csv, path: ${sync.csv} }`);
  const blocks = Object.entries(syncs).map(([name, sync]) =>
    [
      `  ${name}:`,
      `    source: ${name}`,
      '    destination: db',
      `    table: ${sync.table}`,
      `    mode: ${sync.mode ?? 'mirror'}`,
      '    primary_key: [id]',
      ...(sync.safety ? [`    safety: ${sync.safety}`] : []),
      '    fields:',
      '      - { from: id, to: id, type: bigint }',
      '      - { from: name, to: name, type: varchar(64) }',
      '      - { from: score, to: score, type: "decimal(10,2)" }',
    ].join('\n'),
  );
  return `version: 1\ndestinations:\n  db:\n    url: \${TEST_DATABASE_URL}\nsources:\n${sources.join('\n')}\nsyncs:\n${blocks.join('\n')}\n`;
}

const csv = (rows: readonly (readonly [number, string, string])[]) => `id,name,score\n${rows.map((row) => row.join(',')).join('\n')}${rows.length ? '\n' : ''}`;

/** Creates `table` (id, name, score) with these rows. */
async function seed(table: string, rows: readonly (readonly [number, string, string])[]): Promise<void> {
  await db.query(`CREATE TABLE \`${table}\` (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64), score DECIMAL(10,2))`);
  if (rows.length) await db.query(`INSERT INTO \`${table}\` (id, name, score) VALUES ?`, [rows.map((row) => [...row])]);
}

/** The table's rows as `id:name:score`, in key order; undefined when the table does not exist. */
async function contents(table: string): Promise<string[] | undefined> {
  const exists = await db.query(`SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`, [table]);
  if (exists.length === 0) return undefined;
  const rows = await db.query<{ id: string; name: string | null; score: string | null }>(`SELECT id, name, score FROM \`${table}\` ORDER BY id`);
  return rows.map((row) => `${row.id}:${row.name}:${row.score}`);
}

const readJson = (file: string) => JSON.parse(readFileSync(join(workspace.dir, file), 'utf8')) as Record<string, unknown> & {
  plan_id: string;
  applied_at?: string;
  partial: boolean;
  selected_syncs: string[];
  manifest: { path: string; digest: string };
  syncs: { name: string; rows: Record<string, number>; fingerprints: Record<string, string>; delete_guard?: string }[];
};

// Tests touch only their own tables and files, so they run concurrently (each CLI run is mostly process start-up).
describe.concurrent(`GitOps: saved plans, formats, exit codes, guards, introspect (${dialectOf(db.version)})`, () => {
  describe('plan --out, then apply PLANFILE', () => {
    it('applies exactly the planned rows, marks the file applied, and refuses to apply it twice', async () => {
      await seed('saved', [
        [1, 'alice', '10.00'],
        [2, 'bob', '20.00'],
        [3, 'carol', '30.00'],
      ]);
      workspace.write('saved.csv', csv([[1, 'alice', '10'], [2, 'bob', '25.5'], [4, 'dave', '40']]));
      workspace.write('saved.yaml', manifest({ saved: { table: 'saved', csv: 'saved.csv' }, saved_new: { table: 'saved_new', mode: 'upsert', csv: 'saved.csv' } }));
      mkdirSync(join(workspace.dir, 'plans'), { recursive: true });
      mkdirSync(join(workspace.dir, 'elsewhere'), { recursive: true });

      const plan = await run('plan', '-f', 'saved.yaml', '--out', 'plans/saved.plan.json');
      expect(plan.code, said(plan)).toBe(0);
      expect(plan.stderr).toContain('plans/saved.plan.json');
      const file = readJson('plans/saved.plan.json');
      expect(planSchemaErrors(file)).toEqual([]);
      expect(file.plan_id).toMatch(/\S/);
      expect(file.applied_at).toBeUndefined();
      expect(file.manifest.path).toBe('../saved.yaml');
      expect(file.syncs.map((sync) => [sync.name, sync.rows])).toEqual([
        ['saved', { insert: 1, update: 1, delete: 1, skip: 0 }],
        ['saved_new', { insert: 3, update: 0, delete: 0, skip: 0 }],
      ]);
      for (const sync of file.syncs) expect(sync.fingerprints.operations).toMatch(/^[0-9a-f]{64}$/);
      // Identifies the destination by a hash only, and holds sample rows: owner-only.
      const text = readFileSync(join(workspace.dir, 'plans/saved.plan.json'), 'utf8');
      expect(text).not.toContain(db.url);
      expect(text).not.toContain(`${db.host}:${db.port}`);
      expect(statSync(join(workspace.dir, 'plans/saved.plan.json')).mode & 0o777).toBe(0o600);
      // Planning wrote nothing.
      expect(await contents('saved')).toEqual(['1:alice:10.00', '2:bob:20.00', '3:carol:30.00']);
      expect(await contents('saved_new')).toBeUndefined();

      // A saved plan is applied as planned: planning flags are usage errors, and do not consume it.
      for (const flags of [['-f', 'saved.yaml'], ['--sync', 'saved']]) {
        const misuse = await run('apply', 'plans/saved.plan.json', ...flags);
        expect(misuse.code, said(misuse)).toBe(1);
        expect(misuse.stderr).toContain('PSSYNC_E_USAGE');
      }
      expect(await contents('saved')).toEqual(['1:alice:10.00', '2:bob:20.00', '3:carol:30.00']);
      expect(await contents('saved_new')).toBeUndefined();
      expect(readJson('plans/saved.plan.json').applied_at).toBeUndefined();

      // show renders the saved plan in every format, without a warning while it is current.
      const showText = await run('show', 'plans/saved.plan.json');
      expect(showText.code, said(showText)).toBe(0);
      expect(showText.stdout).toMatch(/^Legend:/);
      expect(showText.stdout).toContain('sync saved: db.saved (mirror)');
      expect(showText.stdout).toContain('+1 insert  ~1 update  -1 delete');
      expect(showText.stdout).toContain('! CREATE TABLE `saved_new`');
      expect(showText.stderr).not.toMatch(/stale|⚠/);
      const showMarkdown = await run('show', 'plans/saved.plan.json', '--format', 'markdown');
      expect(showMarkdown.code, said(showMarkdown)).toBe(0);
      expect(showMarkdown.stdout).toMatch(/^### pssync plan/);
      expect(showMarkdown.stdout).toContain('| saved | saved | mirror | 0 | 1 | 1 | 1 | 0 |');
      expect(showMarkdown.stdout).not.toContain('dave'); // no sample values by default
      expect(showMarkdown.stderr).not.toMatch(/stale|⚠/);
      const showJson = await run('show', 'plans/saved.plan.json', '--format', 'json');
      expect(showJson.code, said(showJson)).toBe(0);
      expect(JSON.parse(showJson.stdout)).toEqual(file);
      expect(showJson.stderr).not.toMatch(/stale|⚠/);

      // Applied from another working directory, without a prompt: the file was reviewed already.
      const apply = await runCli(['apply', '../plans/saved.plan.json'], { cwd: join(workspace.dir, 'elsewhere'), env: env() });
      expect(apply.code, said(apply)).toBe(0);
      expect(apply.stderr).toContain('Apply complete');
      expect(await contents('saved')).toEqual(['1:alice:10.00', '2:bob:25.50', '4:dave:40.00']);
      expect(await contents('saved_new')).toEqual(['1:alice:10.00', '2:bob:25.50', '4:dave:40.00']);
      const applied = readJson('plans/saved.plan.json');
      expect(planSchemaErrors(applied)).toEqual([]);
      expect(Date.parse(applied.applied_at ?? '')).not.toBeNaN();
      expect({ ...applied, applied_at: undefined }).toEqual({ ...file, applied_at: undefined });

      const again = await run('apply', 'plans/saved.plan.json');
      expect(again.code, said(again)).toBe(1);
      expect(again.stderr).toContain('PSSYNC_E_PLAN_APPLIED');
      const shown = await run('show', 'plans/saved.plan.json');
      expect(shown.code).toBe(0);
      expect(shown.stderr).toMatch(/applied/);

      const after = await run('plan', '-f', 'saved.yaml', '--detailed-exitcode');
      expect(after.code, said(after)).toBe(0);
    });
  });

  describe('a stale plan is refused, names what changed, and writes nothing', () => {
    const scenarios: [string, string, RegExp, (table: string) => Promise<unknown>][] = [
      ['a destination row changed', 'stale_row', /sync "stale_row": rows of table `stale_row` changed/, (table) => db.query(`UPDATE \`${table}\` SET name = 'zed' WHERE id = 1`)],
      ['the destination schema changed', 'stale_schema', /sync "stale_schema": the schema of table `stale_schema` changed/, (table) => db.query(`ALTER TABLE \`${table}\` ADD COLUMN note VARCHAR(10)`)],
      [
        'the manifest changed',
        'stale_manifest',
        /the manifest changed/,
        async (table) => {
          const path = join(workspace.dir, `${table}.yaml`);
          writeFileSync(path, readFileSync(path, 'utf8').replace('mode: upsert', 'mode: insert'));
        },
      ],
      ['the source file changed', 'stale_source', /sync "stale_source": the source changed/, async (table) => workspace.write(`${table}.csv`, csv([[1, 'a', '1'], [2, 'b', '21'], [3, 'c', '3']]))],
    ];

    it.each(scenarios)('after %s', async (_what, table, reason, change) => {
      await seed(table, [
        [1, 'a', '1.00'],
        [2, 'b', '2.00'],
      ]);
      workspace.write(`${table}.csv`, csv([[1, 'a', '1'], [2, 'b', '20'], [3, 'c', '3']]));
      workspace.write(`${table}.yaml`, manifest({ [table]: { table, mode: 'upsert', csv: `${table}.csv` } }));
      const plan = await run('plan', '-f', `${table}.yaml`, '--out', `${table}.plan.json`);
      expect(plan.code, said(plan)).toBe(0);

      await change(table);
      const before = await contents(table);
      const apply = await run('apply', `${table}.plan.json`);
      expect(apply.code, said(apply)).toBe(1);
      expect(apply.stderr).toContain('PSSYNC_E_PLAN_STALE');
      expect(apply.stderr).toMatch(reason);
      expect(await contents(table)).toEqual(before);
      expect(readJson(`${table}.plan.json`).applied_at).toBeUndefined();

      const show = await run('show', `${table}.plan.json`);
      expect(show.code, said(show)).toBe(0);
      expect(show.stdout).toContain(`sync ${table}:`);
      expect(show.stderr).toContain('stale');
      expect(show.stderr).toMatch(reason);
    });
  });

  describe('a plan file is tied to its destination', () => {
    it('is refused as stale when the environment now points the destination at another database, which is left untouched', async () => {
      const other = `${db.name}_other`;
      await db.query(`CREATE DATABASE \`${other}\``);
      try {
        await seed('stale_dest', [[1, 'a', '1.00']]);
        workspace.write('stale_dest.csv', csv([[1, 'a', '1'], [2, 'b', '2']]));
        workspace.write('stale_dest.yaml', manifest({ stale_dest: { table: 'stale_dest', mode: 'upsert', csv: 'stale_dest.csv' } }));
        const plan = await run('plan', '-f', 'stale_dest.yaml', '--out', 'stale_dest.plan.json');
        expect(plan.code, said(plan)).toBe(0);
        const apply = await workspace.run(['apply', 'stale_dest.plan.json'], { TEST_DATABASE_URL: db.url.replace(new RegExp(`/${db.name}$`), `/${other}`) });
        expect(apply.code, said(apply)).toBe(1);
        expect(apply.stderr).toContain('PSSYNC_E_PLAN_STALE');
        expect(apply.stderr).toMatch(/destination "db" now points at a different database/);
        expect(await db.query(`SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`, [other])).toEqual([]);
        expect(await contents('stale_dest')).toEqual(['1:a:1.00']);
      } finally {
        await db.query(`DROP DATABASE IF EXISTS \`${other}\``);
      }
    });
  });

  describe('plan --format json', () => {
    it('prints exactly one JSON document, valid against plan.schema.json, with the progress on stderr', async () => {
      await seed('json_out', [[1, 'a', '1.00']]);
      workspace.write('json_out.csv', csv([[1, 'a', '1.5'], [2, 'b', '2']]));
      workspace.write('json_out.yaml', manifest({ json_out: { table: 'json_out', csv: 'json_out.csv' } }));
      const result = await run('plan', '-f', 'json_out.yaml', '--format', 'json');
      expect(result.code, said(result)).toBe(0);
      expect(result.stdout.startsWith('{')).toBe(true);
      expect(result.stdout.trimEnd().endsWith('}')).toBe(true);
      const json = JSON.parse(result.stdout);
      expect(planSchemaErrors(json)).toEqual([]);
      expect(json).toMatchObject({ format_version: '1', changes: true, partial: false, selected_syncs: ['json_out'] });
      expect(json.syncs[0].rows).toEqual({ insert: 1, update: 1, delete: 0, skip: 0 });
      expect(json.manifest.path).toBe('json_out.yaml');
      expect(result.stderr).toContain('json_out');
      expect(result.stdout).not.toMatch(/[❯✔›]/);

      // Plan output is not a plan file: apply says so and writes nothing.
      workspace.write('json_out.json', result.stdout);
      const apply = await run('apply', 'json_out.json');
      expect(apply.code, said(apply)).toBe(1);
      expect(apply.stderr).toMatch(/PSSYNC_E_PLAN_FILE.*plan --out/);
      expect(await contents('json_out')).toEqual(['1:a:1.00']);
    });

    it('--out into a missing directory fails with a stable code naming the file', async () => {
      workspace.write('out_dir.csv', csv([[1, 'a', '1']]));
      workspace.write('out_dir.yaml', manifest({ out_dir: { table: 'out_dir', csv: 'out_dir.csv' } }));
      const result = await run('plan', '-f', 'out_dir.yaml', '--out', 'no/such/dir/plan.json');
      expect(result.code, said(result)).toBe(1);
      expect(result.stderr).toMatch(/PSSYNC_E_[A-Z_]+: .*no\/such\/dir\/plan\.json/);
      expect(result.stderr).not.toContain('PSSYNC_E_INTERNAL');
    });

    it('still prints one JSON document with a stable code when the manifest is broken or the destination is down', async () => {
      workspace.write('broken.yaml', 'version: 1\nsyncs:\n  x: 1\n');
      const broken = await run('plan', '-f', 'broken.yaml', '--format', 'json');
      expect(broken.code, said(broken)).toBe(1);
      const errors = JSON.parse(broken.stdout);
      expect(errors).toMatchObject({ format_version: '1', changes: false, syncs: [] });
      expect(errors.errors[0]).toMatchObject({ code: expect.stringMatching(/^PSSYNC_E_/), file: 'broken.yaml', line: 3 });

      workspace.write('down.csv', csv([[1, 'a', '1']]));
      workspace.write('down.yaml', manifest({ down: { table: 'down', csv: 'down.csv' } }));
      const down = await workspace.run(['plan', '-f', 'down.yaml', '--format', 'json'], { TEST_DATABASE_URL: 'mysql://root@127.0.0.1:1/nowhere' });
      expect(down.code, said(down)).toBe(1);
      expect(JSON.parse(down.stdout)).toEqual({ format_version: '1', error: { code: 'PSSYNC_E_CONNECT', message: expect.any(String) } });
      expect(down.stderr).toContain('PSSYNC_E_CONNECT');
    });
  });

  describe('exit codes', () => {
    it('--detailed-exitcode: 2 with changes, 0 without; 0 with changes when not asked', async () => {
      await seed('codes', [[1, 'a', '1.00']]);
      workspace.write('codes.csv', csv([[1, 'a', '1'], [2, 'b', '2']]));
      workspace.write('codes.yaml', manifest({ codes: { table: 'codes', csv: 'codes.csv' } }));
      expect((await run('plan', '-f', 'codes.yaml')).code).toBe(0);
      const changes = await run('plan', '-f', 'codes.yaml', '--detailed-exitcode');
      expect(changes.code, said(changes)).toBe(2);
      expect((await run('plan', '-f', 'codes.yaml', '--detailed-exitcode', '--format', 'json')).code).toBe(2);
      const apply = await run('apply', '-f', 'codes.yaml', '--auto-approve');
      expect(apply.code, said(apply)).toBe(0);
      const none = await run('plan', '-f', 'codes.yaml', '--detailed-exitcode');
      expect(none.code, said(none)).toBe(0);
      expect(none.stdout).toContain('No changes');
    });

    it('--detailed-exitcode: 1 for a manifest error, an unreachable destination, and a plan with errors', async () => {
      workspace.write('codes_bad.yaml', 'version: 1\nsyncs:\n  x: 1\n');
      const manifestError = await run('plan', '-f', 'codes_bad.yaml', '--detailed-exitcode');
      expect(manifestError.code, said(manifestError)).toBe(1);
      expect(manifestError.stderr).toMatch(/codes_bad\.yaml:3:\d+: .*PSSYNC_E_/);

      workspace.write('codes_down.csv', csv([[1, 'a', '1']]));
      workspace.write('codes_down.yaml', manifest({ codes_down: { table: 'codes_down', csv: 'codes_down.csv' } }));
      const unreachable = await workspace.run(['plan', '-f', 'codes_down.yaml', '--detailed-exitcode'], { TEST_DATABASE_URL: 'mysql://root@127.0.0.1:1/nowhere' });
      expect(unreachable.code, said(unreachable)).toBe(1);
      expect(unreachable.stderr).toContain('PSSYNC_E_CONNECT');

      // upsert against a table without the declared primary key: an error in the plan.
      await db.query('CREATE TABLE codes_nokey (id BIGINT NOT NULL, name VARCHAR(64), score DECIMAL(10,2))');
      workspace.write('codes_nokey.yaml', manifest({ codes_nokey: { table: 'codes_nokey', mode: 'upsert', csv: 'codes_down.csv' } }));
      const planError = await run('plan', '-f', 'codes_nokey.yaml', '--detailed-exitcode');
      expect(planError.code, said(planError)).toBe(1);
      expect(planError.stdout).toContain('PSSYNC_E_PRIMARY_KEY');
    });

    it('a plan with an error in one sync applies nothing, not even the other syncs', async () => {
      await db.query('CREATE TABLE mixed_nokey (id BIGINT NOT NULL, name VARCHAR(64), score DECIMAL(10,2))');
      workspace.write('mixed.csv', csv([[1, 'a', '1']]));
      workspace.write('mixed.yaml', manifest({ mixed_ok: { table: 'mixed_ok', mode: 'upsert', csv: 'mixed.csv' }, mixed_nokey: { table: 'mixed_nokey', mode: 'upsert', csv: 'mixed.csv' } }));
      const apply = await run('apply', '-f', 'mixed.yaml', '--auto-approve');
      expect(apply.code, said(apply)).toBe(1);
      expect(apply.stderr).toContain('PSSYNC_E_PRIMARY_KEY');
      expect(await contents('mixed_ok')).toBeUndefined();
      expect(await contents('mixed_nokey')).toEqual([]);
    });
  });

  describe('--sync NAME', () => {
    it('plans and applies only the named syncs, and every format says "partial plan"', async () => {
      workspace.write('part.csv', csv([[1, 'a', '1'], [2, 'b', '2']]));
      workspace.write('part.yaml', manifest({ part_a: { table: 'part_a', csv: 'part.csv' }, part_b: { table: 'part_b', csv: 'part.csv' } }));

      const text = await run('plan', '-f', 'part.yaml', '--sync', 'part_a');
      expect(text.code, said(text)).toBe(0);
      expect(text.stdout.toLowerCase()).toContain('partial plan');
      expect(text.stdout).toContain('sync part_a:');
      expect(text.stdout).not.toContain('part_b');
      const markdown = await run('plan', '-f', 'part.yaml', '--sync', 'part_a', '--format', 'markdown');
      expect(markdown.stdout.toLowerCase()).toContain('partial plan');
      expect(markdown.stdout).not.toContain('part_b');
      const json = await run('plan', '-f', 'part.yaml', '--sync', 'part_a', '--format', 'json', '--out', 'part.plan.json');
      expect(json.code, said(json)).toBe(0);
      const planned = JSON.parse(json.stdout);
      expect(planSchemaErrors(planned)).toEqual([]);
      expect(planned).toMatchObject({ partial: true, selected_syncs: ['part_a'] });
      expect(planned.syncs.map((sync: { name: string }) => sync.name)).toEqual(['part_a']);
      expect(readJson('part.plan.json')).toMatchObject({ partial: true, selected_syncs: ['part_a'] });
      const shown = await run('show', 'part.plan.json');
      expect(shown.stdout.toLowerCase()).toContain('partial plan');

      const applyFile = await run('apply', 'part.plan.json');
      expect(applyFile.code, said(applyFile)).toBe(0);
      expect(await contents('part_a')).toEqual(['1:a:1.00', '2:b:2.00']);
      expect(await contents('part_b')).toBeUndefined();

      const applyB = await run('apply', '-f', 'part.yaml', '--sync', 'part_b', '--auto-approve');
      expect(applyB.code, said(applyB)).toBe(0);
      expect(applyB.stderr.toLowerCase()).toContain('partial plan');
      expect(await contents('part_b')).toEqual(['1:a:1.00', '2:b:2.00']);

      const unknown = await run('plan', '-f', 'part.yaml', '--sync', 'part_c');
      expect(unknown.code, said(unknown)).toBe(1);
      expect(unknown.stderr).toMatch(/PSSYNC_E_USAGE.*part_c/);
      const all = await run('plan', '-f', 'part.yaml', '--detailed-exitcode');
      expect(all.code, said(all)).toBe(0);
      expect(all.stdout.toLowerCase()).not.toContain('partial');
    });
  });

  describe('delete guards', () => {
    const six = [1, 2, 3, 4, 5, 6].map((id) => [id, `n${id}`, `${id}.00`] as const);

    it('safety.max_deletes: refused before any write, by plan file and by -f, until --allow-deletes', async () => {
      await seed('guard_max', six);
      // 4 deletes (3..6) over max_deletes 3, plus an update and an insert that must not happen either.
      workspace.write('guard_max.csv', csv([[1, 'n1', '1'], [2, 'two', '2'], [7, 'n7', '7']]));
      workspace.write('guard_max.yaml', manifest({ guard_max: { table: 'guard_max', csv: 'guard_max.csv', safety: '{ max_deletes: 3 }' } }));
      const before = await contents('guard_max');

      const plan = await run('plan', '-f', 'guard_max.yaml', '--format', 'json', '--out', 'guard_max.plan.json');
      expect(plan.code, said(plan)).toBe(0);
      expect(JSON.parse(plan.stdout).syncs[0].delete_guard).toMatch(/4 deletes exceed safety\.max_deletes \(3\)/);
      const markdown = await run('show', 'guard_max.plan.json', '--format', 'markdown');
      expect(markdown.stdout).toMatch(/Blocking[\s\S]*guard_max[\s\S]*--allow-deletes/);

      const fromFile = await run('apply', 'guard_max.plan.json');
      expect(fromFile.code, said(fromFile)).toBe(1);
      expect(fromFile.stderr).toContain('PSSYNC_E_DELETE_GUARD');
      expect(await contents('guard_max')).toEqual(before);
      expect(readJson('guard_max.plan.json').applied_at).toBeUndefined();

      // Only the command line can allow deletes, not the environment.
      const fromManifest = await workspace.run(['apply', '-f', 'guard_max.yaml', '--auto-approve'], { ...env(), PSSYNC_ALLOW_DELETES: 'true', ALLOW_DELETES: 'true' });
      expect(fromManifest.code, said(fromManifest)).toBe(1);
      expect(fromManifest.stderr).toContain('PSSYNC_E_DELETE_GUARD');
      expect(fromManifest.stderr).toContain('--allow-deletes');
      expect(await contents('guard_max')).toEqual(before);
      const leftovers = await db.query(`SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?`, [
        `${stagingPrefixFor('guard_max').replace(/_/g, '\\_')}%`,
      ]);
      expect(leftovers).toEqual([]);

      const allowed = await run('apply', 'guard_max.plan.json', '--allow-deletes');
      expect(allowed.code, said(allowed)).toBe(0);
      expect(await contents('guard_max')).toEqual(['1:n1:1.00', '2:two:2.00', '7:n7:7.00']);
      expect(readJson('guard_max.plan.json').applied_at).toBeDefined();
    });

    it('safety.max_delete_ratio: refused before any write until --allow-deletes', async () => {
      const ten = Array.from({ length: 10 }, (_, index) => [index + 1, `n${index + 1}`, `${index + 1}.00`] as const);
      await seed('guard_ratio', ten);
      // 2 of 10 deleted (20%) over a ratio of 0.1, though within max_deletes.
      workspace.write('guard_ratio.csv', csv(ten.slice(0, 8).map(([id, name]) => [id, name, id === 1 ? '100' : `${id}`])));
      workspace.write('guard_ratio.yaml', manifest({ guard_ratio: { table: 'guard_ratio', csv: 'guard_ratio.csv', safety: '{ max_deletes: 100, max_delete_ratio: 0.1 }' } }));
      const before = await contents('guard_ratio');

      const refused = await run('apply', '-f', 'guard_ratio.yaml', '--auto-approve');
      expect(refused.code, said(refused)).toBe(1);
      expect(refused.stderr).toContain('PSSYNC_E_DELETE_GUARD');
      expect(refused.stderr).toContain('max_delete_ratio');
      expect(await contents('guard_ratio')).toEqual(before);

      const allowed = await run('apply', '-f', 'guard_ratio.yaml', '--auto-approve', '--allow-deletes');
      expect(allowed.code, said(allowed)).toBe(0);
      expect(await contents('guard_ratio')).toEqual(['1:n1:100.00', ...before!.slice(1, 8)]);
    });

    it('an empty source on a mirror is refused, then allowed with --allow-deletes', async () => {
      await seed('guard_empty', six.slice(0, 3));
      workspace.write('guard_empty.csv', csv([]));
      // No safety settings at all: an empty source is guarded by default.
      workspace.write('guard_empty.yaml', manifest({ guard_empty: { table: 'guard_empty', csv: 'guard_empty.csv' } }));

      const plan = await run('plan', '-f', 'guard_empty.yaml', '--format', 'json');
      expect(plan.code, said(plan)).toBe(0);
      expect(JSON.parse(plan.stdout).syncs[0].delete_guard).toMatch(/source is empty/);
      const refused = await run('apply', '-f', 'guard_empty.yaml', '--auto-approve');
      expect(refused.code, said(refused)).toBe(1);
      expect(refused.stderr).toContain('PSSYNC_E_DELETE_GUARD');
      expect(await contents('guard_empty')).toEqual(['1:n1:1.00', '2:n2:2.00', '3:n3:3.00']);

      const allowed = await run('apply', '-f', 'guard_empty.yaml', '--auto-approve', '--allow-deletes');
      expect(allowed.code, said(allowed)).toBe(0);
      expect(await contents('guard_empty')).toEqual([]);
    });

    // With the field list omitted too: the columns then come from the CSV header alone.
    it.each([
      ['with a field list', 'guard_none_fields', (table: string) => manifest({ [table]: { table, csv: `${table}.csv` } })],
      [
        'without a field list',
        'guard_none_header',
        (table: string) =>
          `version: 1\ndestinations:\n  db:\n    url: \${TEST_DATABASE_URL}\nsources:\n  src: { kind: csv, path: ${table}.csv }\n` +
          `syncs:\n  ${table}:\n    source: src\n    destination: db\n    table: ${table}\n    mode: mirror\n    primary_key: [id]\n`,
      ],
    ])('an empty source on a mirror that would delete nothing is not refused (%s)', async (_how, table, yaml) => {
      await seed(table, []);
      workspace.write(`${table}.csv`, csv([]));
      workspace.write(`${table}.yaml`, yaml(table));
      const plan = await run('plan', '-f', `${table}.yaml`, '--format', 'json', '--detailed-exitcode');
      expect(plan.code, said(plan)).toBe(0);
      expect(JSON.parse(plan.stdout)).toMatchObject({ changes: false, syncs: [{ errors: [], rows: { delete: 0 } }] });
      const apply = await run('apply', '-f', `${table}.yaml`, '--auto-approve');
      expect(apply.code, said(apply)).toBe(0);
    });

    it('an empty source on an audience remove sync is refused, then allowed with --allow-deletes; other audiences untouched', async () => {
      await db.query('CREATE TABLE guard_members (audience VARCHAR(255) NOT NULL, user_id VARCHAR(64) NOT NULL, PRIMARY KEY (audience, user_id))');
      await db.query(`INSERT INTO guard_members VALUES ('vip', 'u1'), ('vip', 'u2'), ('other', 'u1')`);
      workspace.write('guard_members.csv', 'user_id\n');
      workspace.write(
        'guard_members.yaml',
        'version: 1\ndestinations:\n  db:\n    url: ${TEST_DATABASE_URL}\nsources:\n  members: { kind: csv, path: guard_members.csv }\n' +
          'syncs:\n  vip:\n    audience: vip\n    source: members\n    destination: db\n    table: guard_members\n    mode: remove\n    member_key: [user_id]\n' +
          '    fields:\n      - { from: user_id, to: user_id, type: varchar(64) }\n',
      );
      const members = async () => (await db.query<{ m: string }>(`SELECT CONCAT(audience, ':', user_id) AS m FROM guard_members ORDER BY 1`)).map((row) => row.m);
      const refused = await run('apply', '-f', 'guard_members.yaml', '--auto-approve');
      expect(refused.code, said(refused)).toBe(1);
      expect(refused.stderr).toContain('PSSYNC_E_DELETE_GUARD');
      expect(await members()).toEqual(['other:u1', 'vip:u1', 'vip:u2']);
      const allowed = await run('apply', '-f', 'guard_members.yaml', '--auto-approve', '--allow-deletes');
      expect(allowed.code, said(allowed)).toBe(0);
      expect(await members()).toEqual(['other:u1']);
    });

    it('one guarded sync refuses the whole apply before any write, other syncs included', async () => {
      await seed('guard_multi_del', six);
      workspace.write('guard_multi_del.csv', csv([[1, 'n1', '1']]));
      workspace.write('guard_multi_ok.csv', csv([[1, 'new', '1']]));
      workspace.write(
        'guard_multi.yaml',
        manifest({
          guard_multi_ok: { table: 'guard_multi_ok', mode: 'upsert', csv: 'guard_multi_ok.csv' },
          guard_multi_del: { table: 'guard_multi_del', csv: 'guard_multi_del.csv', safety: '{ max_deletes: 2 }' },
        }),
      );
      const refused = await run('apply', '-f', 'guard_multi.yaml', '--auto-approve');
      expect(refused.code, said(refused)).toBe(1);
      expect(refused.stderr).toContain('PSSYNC_E_DELETE_GUARD');
      expect(await contents('guard_multi_del')).toEqual(six.map((row) => row.join(':')));
      expect(await contents('guard_multi_ok')).toBeUndefined();
    });
  });

  describe('introspect', () => {
    const CREATE = `CREATE TABLE ledger (
      id INT NOT NULL,
      tenant VARCHAR(32) NOT NULL,
      amount DECIMAL(12,2),
      booked_at DATETIME(3),
      payload JSON,
      active TINYINT(1),
      memo VARCHAR(100),
      PRIMARY KEY (tenant, id))`;
    const HEADER = 'version: 1\ndestinations:\n  db:\n    url: ${TEST_DATABASE_URL}\n';

    it('prints a sync that validates and, fed the same rows, plans no changes', async () => {
      await db.query(CREATE);
      await db.query(`INSERT INTO ledger VALUES
        (1, 'acme', 1250.50, '2024-03-31 23:59:59.123', '{"plan": "pro", "seats": 5}', 1, 'Ada'),
        (2, 'acme', 0.00, '2024-01-01 00:00:00.000', '[1, 2, 3]', 0, ''),
        (1, 'globex', NULL, NULL, NULL, NULL, NULL)`);
      // The same rows as CSV: unquoted empty is NULL, "" is the empty string.
      workspace.write(
        'ledger.csv',
        'id,tenant,amount,booked_at,payload,active,memo\n' +
          '1,acme,1250.50,2024-03-31 23:59:59.123,"{""plan"": ""pro"", ""seats"": 5}",1,Ada\n' +
          '2,acme,0.00,2024-01-01 00:00:00.000,"[1, 2, 3]",0,""\n' +
          '1,globex,,,,,\n',
      );
      workspace.write('introspect.yaml', HEADER);

      const introspect = await run('introspect', '-f', 'introspect.yaml', '--destination', 'db', '--table', 'ledger', '--source', 'ledger_csv');
      expect(introspect.code, said(introspect)).toBe(0);
      const sync = introspect.stdout;
      expect(sync).toMatch(/primary_key: \[tenant, id\]/);
      expect(sync).toMatch(/to: amount, type: "?decimal\(12,2\)"?/);
      expect(sync).toMatch(/to: booked_at, type: "?datetime\(3\)"?/);
      expect(sync).toMatch(/to: memo, type: "?varchar\(100\)"?/);
      expect(sync).toMatch(/to: tenant, type: "?varchar\(32\)"?/);
      expect(sync).toMatch(/to: active, type: "?(tinyint\(1\)|boolean)"?/);
      expect(sync).toMatch(/to: payload, type: /);
      expect(sync).toMatch(/source: ledger_csv/);

      workspace.write('ledger.yaml', `${HEADER}sources:\n  ledger_csv: { kind: csv, path: ledger.csv }\n${sync}`);
      const validate = await run('validate', '-f', 'ledger.yaml');
      expect(validate.code, said(validate)).toBe(0);
      const plan = await run('plan', '-f', 'ledger.yaml', '--format', 'json', '--detailed-exitcode');
      expect(plan.code, said(plan)).toBe(0);
      const json = JSON.parse(plan.stdout);
      expect(json.changes).toBe(false);
      expect(json.syncs[0]).toMatchObject({ ddl: [], rows: { insert: 0, update: 0, delete: 0, skip: 0 }, unchanged: 3, source_rows: 3, destination_rows: 3, warnings: [], errors: [] });
    });

    it('types a JSON column as json, so JSON that differs only in spacing and key order is unchanged', async () => {
      await db.query('CREATE TABLE ledger_json (id INT NOT NULL PRIMARY KEY, payload JSON)');
      await db.query(`INSERT INTO ledger_json VALUES (1, '{"plan": "pro", "seats": 5}')`);
      workspace.write('ledger_json.csv', 'id,payload\n1,"{""seats"":5,""plan"":""pro""}"\n');
      workspace.write('introspect.yaml', HEADER);
      const introspect = await run('introspect', '-f', 'introspect.yaml', '--destination', 'db', '--table', 'ledger_json', '--source', 'ledger_json_csv');
      expect(introspect.code, said(introspect)).toBe(0);
      expect(introspect.stdout).toMatch(/to: payload, type: "?json"?/);
      workspace.write('ledger_json.yaml', `${HEADER}sources:\n  ledger_json_csv: { kind: csv, path: ledger_json.csv }\n${introspect.stdout}`);
      const plan = await run('plan', '-f', 'ledger_json.yaml', '--detailed-exitcode');
      expect(plan.code, said(plan)).toBe(0);
    });

    it('explains, with exit 1, a missing table and a table without a primary key', async () => {
      workspace.write('introspect.yaml', HEADER);
      const missing = await run('introspect', '-f', 'introspect.yaml', '--destination', 'db', '--table', 'no_such_table');
      expect(missing.code, said(missing)).toBe(1);
      expect(missing.stderr).toMatch(/no_such_table.*does not exist/);
      await db.query('CREATE TABLE keyless (id INT, name VARCHAR(10))');
      const keyless = await run('introspect', '-f', 'introspect.yaml', '--destination', 'db', '--table', 'keyless');
      expect(keyless.code, said(keyless)).toBe(1);
      expect(keyless.stderr).toMatch(/primary key/);
      expect(keyless.stdout).toBe('');
    });
  });
});
