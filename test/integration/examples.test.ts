/**
 * Every example in examples/ runs end to end: apply into the test database, then a plan shows no
 * changes, then the tables hold what the example's data says. Each example is copied to a
 * temporary directory first, so runs leave nothing behind. An example with a `seed.sql` (the
 * postgres one) reads from a fresh PostgreSQL database that the seed has filled.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useTestPostgres } from '../helpers/postgres.js';
import { runCli } from '../helpers/workspace.js';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

const db = useTestDatabase();
const pgdb = useTestPostgres();
const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const examples = readdirSync(EXAMPLES).filter((name) => existsSync(join(EXAMPLES, name, 'pssync.yaml')));
const scratch = mkdtempSync(join(tmpdir(), 'pssync-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  await pgdb.query(readFileSync(join(EXAMPLES, 'postgres', 'seed.sql'), 'utf8'));
});

/** Every destination variable the examples use, pointed at the test database. */
function exampleEnv(): Record<string, string> {
  return {
    PSSYNC_DATABASE_URL: db.url,
    PLANETSCALE_HOST: db.host,
    PLANETSCALE_DATABASE: db.name,
    PLANETSCALE_USERNAME: db.user,
    PLANETSCALE_PASSWORD: db.password,
    PSSYNC_POSTGRES_URL: pgdb.url,
  };
}

describe(`examples (${dialectOf(db.version)})`, () => {
  it('has examples to run', () => {
    expect(examples).toEqual(expect.arrayContaining(['quickstart', 'sources', 'postgres', 'duckdb', 'multi-file-csv']));
  });

  for (const example of examples) {
    it(`${example}: validate, apply, then plan shows no changes`, async () => {
      const dir = join(scratch, example);
      cpSync(join(EXAMPLES, example), dir, { recursive: true });
      const env = exampleEnv();
      const validate = await runCli(['validate'], { cwd: dir, env });
      expect(validate.code, validate.stderr).toBe(0);
      const apply = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stderr).toContain('Apply complete');
      const plan = await runCli(['plan', '--format', 'json', '--detailed-exitcode'], { cwd: dir, env });
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      expect(JSON.parse(plan.stdout).changes).toBe(false);
    });
  }

  it('quickstart: the tables hold the example data', async () => {
    const [count] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM customer_ltv');
    expect(Number(count!.n)).toBe(40);
    const [seven] = await db.query<Record<string, unknown>>('SELECT * FROM customer_ltv WHERE customer_id = 7');
    // "  Dennis.7@Example.com " → trim, lowercase, sha256; ltv 2755.236 → 2755.24 at the column's scale
    expect(seven).toMatchObject({
      email_sha256: 'a6e568b8cb04eda75ea91b7af8403fa35f664c3f8f778dc72f217aed3a0685c0',
      ltv: '2755.24',
      is_active: 1,
      scored_at: '2026-11-01 19:19:00.861',
      segment: 'dormant',
    });
    const plans = await db.query<{ plan_code: string; monthly_price: string | null }>('SELECT plan_code, monthly_price FROM subscription_plans ORDER BY plan_code');
    expect(plans).toEqual([
      { plan_code: 'business', monthly_price: '99.50' },
      { plan_code: 'enterprise', monthly_price: null },
      { plan_code: 'free', monthly_price: '0.00' },
      { plan_code: 'team', monthly_price: '29.00' },
    ]);
  });

  it('postgres: the rows of the query, every type exact (bigint beyond 2^53, numeric, timestamptz in UTC, jsonb, text[])', async () => {
    const rows = await db.query<Record<string, unknown>>(
      `SELECT CAST(account_id AS CHAR) AS account_id, external_id, email, plan, mrr, signed_up_at, trial_ends_on, is_active,
              CAST(settings AS CHAR) AS settings, tags, api_calls_30d, last_active_on FROM account_health ORDER BY account_id`,
    );
    expect(rows.map((row) => row.account_id)).toEqual(['2', '3', '4', '9007199254740993']);
    expect(rows[3]).toMatchObject({
      external_id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      email: 'ada@example.com',
      plan: 'enterprise',
      mrr: '12500.00',
      signed_up_at: '2025-11-30 22:30:00.123456', // 23:30:00.123456+01 in UTC
      trial_ends_on: null,
      is_active: 1,
      tags: ['vip', 'emea'],
      last_active_on: '2026-11-30',
    });
    expect(String(rows[3]!.settings).replace(/\s/g, '')).toContain('"api":12345678901234567890');
    expect(rows[1]).toMatchObject({ plan: 'free', signed_up_at: '2026-06-01 19:15:30.500000', is_active: 0, tags: [], last_active_on: null });
    // The usage is summed in PostgreSQL: the example's rows, summed again here from the seed.
    const [usage] = await pgdb.query<{ total: string }>('SELECT sum(api_calls)::text AS total FROM pssync_example.daily_usage');
    const [synced] = await db.query<{ total: string }>('SELECT CAST(SUM(api_calls_30d) AS CHAR) AS total FROM account_health');
    expect(synced!.total).toBe(usage!.total);
  });

  it('duckdb: the join of the Parquet parts with the CSV, filtered; LIST and STRUCT as JSON', async () => {
    const rows = await db.query<Record<string, unknown>>(
      'SELECT CAST(user_id AS CHAR) AS user_id, country, lifecycle, churn_probability, calibrated_score, scored_at, top_features, model, model_version FROM at_risk_users ORDER BY user_id',
    );
    // The query's filter, recomputed from the generator's formulas: churn ≥ 0.5 or lifecycle at_risk.
    const expected = [];
    for (let i = 1; i <= 30; i++) {
      const atRisk = i === 1 || i % 5 === 4;
      if ((i * 37) % 100 >= 50 || atRisk) expected.push(i === 1 ? '9007199254740993' : String(i));
    }
    expect(rows.map((row) => row.user_id).sort()).toEqual(expected.sort());
    const big = rows.find((row) => row.user_id === '9007199254740993');
    expect(big).toMatchObject({
      country: 'SE',
      lifecycle: 'at_risk',
      churn_probability: 0.37,
      calibrated_score: '0.0053',
      scored_at: '2026-12-01 06:00:01.234567',
      top_features: ['tenure', 'usage_drop'],
      model: { name: 'churn-xgb', version: 7 },
      model_version: 7,
    });
    expect(rows.find((row) => row.user_id === '24')).toMatchObject({ model: { name: 'churn-xgb', version: 9 }, model_version: 9 });
  });

  it('multi-file-csv: every part of the export, once; empty fields are NULL', async () => {
    const [totals] = await db.query<Record<string, unknown>>(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT day) AS days, CAST(SUM(revenue) AS CHAR) AS revenue, SUM(refunds IS NULL) AS unreported FROM daily_revenue',
    );
    expect({ ...totals, n: Number(totals!.n), days: Number(totals!.days), unreported: Number(totals!.unreported) }).toEqual({ n: 90, days: 30, revenue: '283864.05', unreported: 14 });
    const [first] = await db.query<Record<string, unknown>>("SELECT orders, revenue, refunds FROM daily_revenue WHERE day = '2026-11-01' AND region = 'amer'");
    expect(first).toEqual({ orders: 86, revenue: '3102.88', refunds: null });
  });

  it('scale-out: the matrix workflow and the Indexed Job run every partition once, then check the whole table', async () => {
    const example = join(EXAMPLES, 'scale-out');
    const workflow = parseYaml(readFileSync(join(example, '.github/workflows/pssync-partitions.yml'), 'utf8'));
    const partitions: number[] = workflow.jobs.apply.strategy.matrix.partition;
    const count = partitions.length;
    expect(partitions).toEqual(Array.from({ length: count }, (_, index) => index + 1));
    const applyStep = workflow.jobs.apply.steps.find((step: { run?: string }) => step.run?.includes('--partition'));
    expect(applyStep.run).toContain(`--partition \${{ matrix.partition }}/${count}`);
    expect(workflow.jobs.check.needs).toBe('apply');
    expect(workflow.jobs.check.steps.some((step: { run?: string }) => /pssync plan --detailed-exitcode/.test(step.run ?? ''))).toBe(true);

    const [job, check] = parseAllDocuments(readFileSync(join(example, 'kubernetes/pssync-partitions.yaml'), 'utf8')).map((document) => document.toJS());
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: count, parallelism: count });
    const command = job.spec.template.spec.containers[0].args.join(' ');
    expect(command).toContain(`--partition "$((JOB_COMPLETION_INDEX + 1))/${count}"`);
    expect(check.spec.template.spec.containers[0].command).toEqual(['npx', 'pssync', 'plan', '--detailed-exitcode']);

    // What the jobs run, all at once: each index K as the Job's pods get it, then the check.
    const dir = join(scratch, 'scale-out-partitions');
    cpSync(example, dir, { recursive: true });
    const env = { ...exampleEnv(), PSSYNC_DATABASE_URL: db.url };
    await db.query('DROP TABLE IF EXISTS audience_members');
    const runs = await Promise.all(Array.from({ length: count }, (_, index) => runCli(['apply', '--auto-approve', '--partition', `${index + 1}/${count}`, '--lock-timeout', '300'], { cwd: dir, env })));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, env });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const lines = readFileSync(join(example, 'data/memberships.csv'), 'utf8').trim().split('\n').slice(1);
    const [total] = await db.query<{ n: number; ids: string }>('SELECT COUNT(*) AS n, CAST(SUM(user_id) AS CHAR) AS ids FROM audience_members');
    expect(Number(total!.n)).toBe(lines.length);
    expect(total!.ids).toBe(String(lines.reduce((sum, line) => sum + Number(line.split(',')[1]), 0)));
  });
});
