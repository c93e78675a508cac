import { describe, expect, it } from 'vitest';
import { mysqlDialect } from '../../../src/dialect/mysql.js';
import { vitessDialect } from '../../../src/dialect/vitess.js';
import type { WriteStrategy } from '../../../src/manifest/types.js';
import { planSchema } from '../../../src/plan/schema-diff.js';
import { shardedKeyspaceProblems, shardedStrategy, shardTargetProblems } from '../../../src/plan/shard-rules.js';
import { toPlanJson } from '../../../src/plan/plan-json.js';
import type { Plan, SyncPlan } from '../../../src/plan/plan.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { renderText } from '../../../src/render/text.js';
import { column, field, liveTable, tableSync } from '../../helpers/plan-builders.js';
import { planSchemaErrors } from '../render/plan-schema.js';

const SHARDED = { keyspace: 'customer', shards: ['-80', '80-'] };
const sync = (strategy: WriteStrategy) => ({ ...tableSync('mirror', ['id'], { fields: [field('id', 'id', 'bigint'), field('ltv', 'ltv', 'decimal(12,2)')] }), strategy });
const newColumns = [column('id', 'bigint', { key: true, live: false }), column('ltv', 'decimal(12,2)', { live: false })];
const liveColumns = [column('id', 'bigint', { key: true }), column('ltv', 'decimal(12,2)')];
const LIVE = liveTable('customer_ltv', [['id', 'bigint'], ['ltv', 'decimal(12,2)']], ['id']);

describe('shardedStrategy', () => {
  it('resolves auto to direct in a sharded keyspace and leaves explicit strategies alone', () => {
    expect(shardedStrategy('auto', SHARDED)).toBe('direct');
    expect(shardedStrategy('direct', SHARDED)).toBe('direct');
    expect(shardedStrategy('staging', SHARDED)).toBe('staging');
  });

  it('changes nothing elsewhere (MySQL, MariaDB, an unsharded keyspace, a shard target)', () => {
    for (const strategy of ['auto', 'staging', 'direct'] as const) expect(shardedStrategy(strategy, undefined)).toBe(strategy);
  });
});

describe('shardedKeyspaceProblems', () => {
  it('refuses strategy: staging, naming the sync and why', () => {
    const config = sync('staging');
    const problems = shardedKeyspaceProblems(config, planSchema(config, liveColumns, LIVE, vitessDialect('8.0.31-vitess')), SHARDED);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'PSSYNC_E_SHARDED_STRATEGY', severity: 'error', sync: 'test_sync', line: 7 });
    expect(problems[0]!.message).toContain('sync "test_sync" has strategy: staging, but the Vitess keyspace "customer" is sharded (2 shards: -80, 80-)');
    expect(problems[0]!.message).toMatch(/INSERT … SELECT and UPDATE … JOIN from a staging table fail across shards/);
  });

  it('refuses a CREATE TABLE, asks for a VSchema entry with a vindex, and prints the exact DDL', () => {
    const config = sync('auto');
    const schema = planSchema(config, newColumns, undefined, vitessDialect('8.0.31-vitess'));
    expect(schema.createsTable).toBe(true);
    const problems = shardedKeyspaceProblems(config, schema, SHARDED);
    expect(problems.map((problem) => problem.code)).toEqual(['PSSYNC_E_SHARDED_CREATE_TABLE']);
    expect(problems[0]!.message).toMatch(/VSchema, each with a primary vindex/);
    expect(problems[0]!.message.endsWith(`\n${schema.ddl[0]}`)).toBe(true);
    expect(schema.ddl[0]).toMatch(/^CREATE TABLE `customer_ltv`/);
  });

  it('reports both for staging into a missing table', () => {
    const config = sync('staging');
    const problems = shardedKeyspaceProblems(config, planSchema(config, newColumns, undefined, vitessDialect('8.0.31-vitess')), SHARDED);
    expect(problems.map((problem) => problem.code)).toEqual(['PSSYNC_E_SHARDED_STRATEGY', 'PSSYNC_E_SHARDED_CREATE_TABLE']);
  });

  it('lets ADD COLUMN through: vtgate sends an ALTER TABLE to every shard, and no vindex changes', () => {
    const config = sync('auto');
    const columns = [...liveColumns, column('tier', 'varchar(8)', { live: false })];
    const schema = planSchema(config, columns, LIVE, vitessDialect('8.0.31-vitess'));
    expect(schema.change?.kind).toBe('add_columns');
    expect(shardedKeyspaceProblems(config, schema, SHARDED)).toEqual([]);
  });

  it('says nothing without a sharded keyspace, CREATE TABLE and staging included', () => {
    const config = sync('staging');
    expect(shardedKeyspaceProblems(config, planSchema(config, newColumns, undefined, mysqlDialect('8.0.36')), undefined)).toEqual([]);
  });
});

describe('a plan for a sharded keyspace', () => {
  const plan = (syncPlan: SyncPlan): Plan => ({
    manifest: '/work/pssync.yaml',
    manifestDigest: 'a'.repeat(64),
    createdAt: '2026-12-04T00:00:00.000Z',
    partial: false,
    destinations: { warehouse: 'b'.repeat(64) },
    syncs: [syncPlan],
    tables: [{ destination: 'warehouse', table: syncPlan.table, syncs: [syncPlan.name], ddl: [], notPlanned: [] }],
    diagnostics: [],
  });
  const syncPlan = (strategy: WriteStrategy): SyncPlan => {
    const config = sync(strategy);
    return {
      name: config.name,
      kind: 'table',
      destination: 'warehouse',
      table: config.table,
      mode: config.mode,
      strategy: shardedStrategy(strategy, SHARDED),
      shardedKeyspace: SHARDED,
      safety: {},
      columns: liveColumns,
      schema: planSchema(config, liveColumns, LIVE, vitessDialect('8.0.31-vitess')),
      sourceRows: 0,
      rejections: [],
      diagnostics: [],
      fingerprints: { source: '', schema: 'c'.repeat(64), rows: '' },
    };
  };

  it('says in JSON and text which writer the keyspace gets, and why', () => {
    const json = toPlanJson(plan(syncPlan('auto')), { version: '0', baseDir: '/work' });
    expect(json.syncs[0]!.sharded_keyspace).toEqual({ keyspace: 'customer', shards: ['-80', '80-'], strategy: 'direct' });
    expect(planSchemaErrors(json)).toEqual([]);
    expect(renderMarkdown(json)).toContain('- Vitess keyspace customer is sharded (2 shards: -80, 80-): written by the direct writer');
    expect(renderText(json)).toContain(
      "Vitess keyspace customer is sharded (2 shards: -80, 80-): written by the direct writer (multi-row INSERT … ON DUPLICATE KEY UPDATE and key-list DELETE), which vtgate routes to each row's shard by its vindex",
    );
  });

  it('says the staging writer cannot run there', () => {
    const json = toPlanJson(plan(syncPlan('staging')), { version: '0', baseDir: '/work' });
    expect(json.syncs[0]!.sharded_keyspace?.strategy).toBe('staging');
    expect(renderText(json)).toContain('Vitess keyspace customer is sharded (2 shards: -80, 80-): the staging writer cannot run there');
  });
});

describe('shardTargetProblems', () => {
  const target = { keyspace: 'customer', shard: '-80' };

  it('refuses a schema change through a shard target, printing the DDL: it would change one shard only', () => {
    const config = tableSync('upsert', ['id']);
    const schema = planSchema(config, newColumns, undefined, vitessDialect('8.0.31-vitess'));
    const [problem, ...more] = shardTargetProblems(config, schema, target);
    expect(more).toEqual([]);
    expect(problem!.code).toBe('PSSYNC_E_SHARD_TARGET_DDL');
    expect(problem!.message).toContain('targets shard -80 of the Vitess keyspace "customer"');
    expect(problem!.message).toContain(schema.ddl[0]!);
  });

  it('lets a sync through that changes no schema, and says nothing without a shard target', () => {
    const config = tableSync('upsert', ['id']);
    expect(shardTargetProblems(config, planSchema(config, liveColumns, LIVE, vitessDialect('8.0.31-vitess')), target)).toEqual([]);
    expect(shardTargetProblems(config, planSchema(config, newColumns, undefined, vitessDialect('8.0.31-vitess')), undefined)).toEqual([]);
  });
});
