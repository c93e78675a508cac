/**
 * The adversarial sweep's scaffolding (sweep.test.ts, sweep-fixed.test.ts): a one-sync manifest
 * written into the test's workspace, the CLI run against the test's database, the table read back.
 */
import { expect } from 'vitest';
import type { PlanJson } from '../../src/plan/plan-json.js';
import type { TestDatabase } from './database.js';
import type { Workspace } from './workspace.js';

export interface SyncOptions {
  readonly mode?: string;
  readonly key?: readonly string[];
  readonly strategy?: string;
  /** Field lines (`{ from: a, to: b }`); omitted: every source field. */
  readonly fields?: readonly string[];
  readonly extra?: string;
}

/** A manifest with one sync `s` from source `src` (its YAML body given) into `table`. */
export function sweepManifest(table: string, source: string, options: SyncOptions = {}): string {
  const fields = options.fields ? `    fields:\n${options.fields.map((field) => `      - ${field}`).join('\n')}\n` : '';
  return `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  src: ${source}
syncs:
  s:
    source: src
    destination: db
    table: ${table}
    mode: ${options.mode ?? 'mirror'}
    strategy: ${options.strategy ?? 'auto'}
    primary_key: [${(options.key ?? ['id']).join(', ')}]
${options.extra ?? ''}${fields}`;
}

/** The sweep's steps, bound to one test file's database and workspace. */
export function sweepSteps(db: TestDatabase, workspace: Workspace) {
  const env = () => ({ TEST_DATABASE_URL: db.url });

  /** Writes the manifest, returns its name. */
  const project = (name: string, table: string, source: string, options: SyncOptions = {}): string => workspace.write(`${name}.yaml`, sweepManifest(table, source, options));

  /** Rows as arrays of text (numbers as their text, bytes as hex). */
  const rows = async (sql: string, params: unknown[] = []): Promise<unknown[][]> =>
    (await db.query<Record<string, unknown>>(sql, params)).map((row) =>
      Object.values(row).map((value) => (typeof value === 'number' ? String(value) : Buffer.isBuffer(value) ? value.toString('hex') : value)),
    );

  const apply = async (file: string): Promise<void> => {
    const result = await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
    expect(result.code, result.stdout + result.stderr).toBe(0);
  };

  /** A plan right after an apply has no changes. */
  const converged = async (file: string): Promise<void> => {
    const result = await workspace.run(['plan', '-f', file, '--detailed-exitcode'], env());
    expect(result.code, result.stdout + result.stderr).toBe(0);
  };

  const applyAndConverge = async (file: string): Promise<void> => {
    await apply(file);
    await converged(file);
  };

  const planJson = async (file: string): Promise<{ code: number; plan: PlanJson; output: string }> => {
    const result = await workspace.run(['plan', '-f', file, '--format', 'json'], env());
    return { code: result.code, plan: JSON.parse(result.stdout) as PlanJson, output: result.stdout + result.stderr };
  };

  /** Plan fails with `code` (message matching `words`), apply refuses, the table is unchanged. */
  const refused = async (file: string, code: string, words: RegExp, table: string): Promise<void> => {
    const before = await rows(`SELECT * FROM \`${table}\` ORDER BY 1`);
    const { code: exit, plan, output } = await planJson(file);
    expect(exit, output).toBe(1);
    const error = plan.syncs.flatMap((sync) => sync.errors).find((candidate) => candidate.code === code);
    expect(error, output).toBeDefined();
    expect(error!.message).toMatch(words);
    const result = await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain('Nothing was applied');
    expect(await rows(`SELECT * FROM \`${table}\` ORDER BY 1`)).toEqual(before);
  };

  return { env, project, rows, apply, converged, applyAndConverge, planJson, refused };
}
