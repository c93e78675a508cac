/**
 * Plan-time disjointness of syncs sharing a table (issue 11): the canonical constants, compared
 * by the equality the pipeline gives (the server's; here a stand-in that folds case under _ci).
 */
import { describe, expect, it } from 'vitest';
import type { TargetColumn } from '../../../src/mapping/target-columns.js';
import { sharedTableChecks, type ConstantEquality } from '../../../src/plan/shared-table-checks.js';
import type { SyncPlan } from '../../../src/plan/plan.js';
import { column, POSITION } from '../../helpers/plan-builders.js';

function constant(name: string, sql: string, value: string, options: { given?: string; collation?: string; line?: number } = {}): TargetColumn {
  const built = column(name, sql, { key: true, constant: value, ...(options.collation ? { collation: options.collation } : {}) });
  const position = { ...POSITION, line: options.line ?? 7, path: `syncs.x.scope.${name}` };
  return { ...built, origin: { kind: 'constant', value, ...(options.given ? { given: options.given } : {}), position } };
}

function plan(name: string, columns: readonly TargetColumn[], table = 'members', destination = 'db'): SyncPlan {
  const sync: Pick<SyncPlan, 'name' | 'table' | 'destination' | 'columns'> = { name, table, destination, columns: [...columns, column('id', 'int', { key: true })] };
  return sync as SyncPlan;
}

const calls: string[] = [];
/** _ci folds case, everything else compares exactly. */
const equal: ConstantEquality = async (destination, target, first, second) => {
  calls.push(`${destination}:${target.name}:${first}=${second}`);
  return target.collation?.endsWith('_ci') ? first.toLowerCase() === second.toLowerCase() : first === second;
};

describe('sharedTableChecks', () => {
  it('audiences equal under the column collation are one error naming both syncs, at the later one', async () => {
    const found = await sharedTableChecks(
      [
        plan('upper', [constant('audience', 'varchar(255)', 'VIP', { collation: 'utf8mb4_general_ci', line: 7 })]),
        plan('lower', [constant('audience', 'varchar(255)', 'vip', { collation: 'utf8mb4_general_ci', line: 17 })]),
      ],
      equal,
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'PSSYNC_E_SCOPE', severity: 'error', file: POSITION.file, line: 17 });
    expect(found[0]!.message).toContain('syncs `upper` (line 7) and `lower` (line 17) both write table `members`');
    expect(found[0]!.message).toContain('`audience` "VIP" and "vip" are equal under collation utf8mb4_general_ci');
    expect(found[0]!.message).toContain('binary collation');
  });

  it('audiences a binary collation tells apart are disjoint', async () => {
    const syncs = [plan('upper', [constant('audience', 'varchar(255)', 'VIP', { collation: 'utf8mb4_bin' })]), plan('lower', [constant('audience', 'varchar(255)', 'vip', { collation: 'utf8mb4_bin' })])];
    expect(await sharedTableChecks(syncs, equal)).toEqual([]);
  });

  it('canonical values equal for the column type (INT 1 and 01) show the values as given', async () => {
    const found = await sharedTableChecks([plan('one', [constant('sc', 'int', '1')]), plan('two', [constant('sc', 'int', '1', { given: '01' })])], equal);
    expect(found[0]!.message).toContain('`sc` "1" and "01" are the same int value (1)');
    expect(found[0]!.message).not.toContain('collation');
  });

  it('one column the server tells apart is enough; it is asked with the destination and canonical values', async () => {
    calls.length = 0;
    const found = await sharedTableChecks(
      [
        plan('a', [constant('audience', 'varchar(255)', 'vip', { collation: 'utf8mb4_general_ci' }), constant('region', 'varchar(8)', 'eu')]),
        plan('b', [constant('audience', 'varchar(255)', 'VIP', { collation: 'utf8mb4_general_ci' }), constant('region', 'varchar(8)', 'us')]),
      ],
      equal,
    );
    expect(found).toEqual([]);
    expect(calls).toEqual(['db:audience:vip=VIP', 'db:region:eu=us']);
  });

  it('table names compare case-insensitively; other tables and destinations are not shared', async () => {
    const vip = constant('audience', 'varchar(255)', 'vip');
    expect(await sharedTableChecks([plan('a', [vip]), plan('b', [vip], 'Members')], equal)).toHaveLength(1);
    expect(await sharedTableChecks([plan('a', [vip]), plan('b', [vip], 'others')], equal)).toEqual([]);
    expect(await sharedTableChecks([plan('a', [vip]), plan('b', [vip], 'members', 'elsewhere')], equal)).toEqual([]);
  });

  it('a sync whose planning stopped before its columns were resolved is left out', async () => {
    const stopped = { ...plan('b', []), columns: [] } as SyncPlan;
    expect(await sharedTableChecks([plan('a', [constant('audience', 'varchar(255)', 'vip')]), stopped], equal)).toEqual([]);
  });

  it('no constant in common keeps nothing apart', async () => {
    const found = await sharedTableChecks([plan('a', [constant('tenant', 'varchar(8)', 'x')]), plan('b', [constant('region', 'varchar(8)', 'eu')])], equal);
    expect(found[0]!.message).toContain('no column is constant in both');
  });
});
