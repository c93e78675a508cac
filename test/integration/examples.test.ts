/**
 * Every example in examples/ runs end to end: apply into the test database, then a plan shows no
 * changes. Each example is copied to a temporary directory first, so runs leave nothing behind.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { runCli } from '../helpers/workspace.js';

const db = useTestDatabase();
const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const examples = readdirSync(EXAMPLES).filter((name) => existsSync(join(EXAMPLES, name, 'pssync.yaml')));
const scratch = mkdtempSync(join(tmpdir(), 'pssync-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every destination variable the examples use, pointed at the test database. */
function exampleEnv(): Record<string, string> {
  return {
    PSSYNC_DATABASE_URL: db.url,
    PLANETSCALE_HOST: db.host,
    PLANETSCALE_DATABASE: db.name,
    PLANETSCALE_USERNAME: db.user,
    PLANETSCALE_PASSWORD: db.password,
  };
}

describe(`examples (${dialectOf(db.version)})`, () => {
  it('has examples to run', () => {
    expect(examples).toContain('quickstart');
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
});
