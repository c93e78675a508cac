import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVitessShards, shardedKeyspace, shardNameProblem, shardTargetDatabase, SHOW_VITESS_SHARDS } from '../../../src/dialect/vitess.js';

interface Fixture {
  readonly query: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../../fixtures/vitess-shards/${name}`, import.meta.url), 'utf8')) as Fixture;

describe('parseVitessShards on the fixtures (test/fixtures/vitess-shards/README.md)', () => {
  it.each(['vitess-docs.json', 'eight-shards.json', 'unsharded-full-range.json'])('%s answers the query pssync sends, one "Shards" column', (name) => {
    const { query, columns } = fixture(name);
    expect(query).toBe(SHOW_VITESS_SHARDS);
    expect(columns).toEqual(['Shards']);
  });

  it('splits keyspace/shard rows, keeping vtgate’s order', () => {
    expect(parseVitessShards(fixture('vitess-docs.json').rows)).toEqual([
      { keyspace: 'commerce', shard: '0' },
      { keyspace: 'customer', shard: '-80' },
      { keyspace: 'customer', shard: '80-' },
    ]);
  });

  it('finds a sharded keyspace beside an unsharded one', () => {
    const shards = parseVitessShards(fixture('vitess-docs.json').rows);
    expect(shardedKeyspace(shards, 'customer')).toEqual({ keyspace: 'customer', shards: ['-80', '80-'] });
    expect(shardedKeyspace(shards, 'commerce')).toBeUndefined();
  });

  it('lists all eight shards of a keyspace split eight ways', () => {
    const shards = parseVitessShards(fixture('eight-shards.json').rows);
    expect(shardedKeyspace(shards, 'TestExecutor')?.shards).toEqual(['-20', '20-40', '40-60', '60-80', '80-a0', 'a0-c0', 'c0-e0', 'e0-']);
    expect(shardedKeyspace(shards, 'TestUnsharded')).toBeUndefined();
  });

  it('sees one full-range shard (`-`) as unsharded', () => {
    expect(shardedKeyspace(parseVitessShards(fixture('unsharded-full-range.json').rows), 'analytics')).toBeUndefined();
  });

  it('compares keyspace names exactly, and a keyspace vtgate does not list is not known to be sharded', () => {
    const shards = parseVitessShards(fixture('eight-shards.json').rows);
    expect(shardedKeyspace(shards, 'testexecutor')).toBeUndefined();
    expect(shardedKeyspace(shards, 'elsewhere')).toBeUndefined();
  });

  it('refuses rows it cannot read rather than guess', () => {
    for (const rows of [[['commerce']], [['/-80']], [['commerce/']], [[null]], [['commerce', '-80']]]) {
      expect(() => parseVitessShards(rows)).toThrow(/unexpected SHOW VITESS_SHARDS row/);
    }
  });
});

describe('shard targets', () => {
  it('accepts key ranges and unsharded shard names', () => {
    for (const shard of ['-80', '80-', '40-80', '-', '0', 'c0-e0']) expect(shardNameProblem(shard)).toBeUndefined();
  });

  it('refuses target syntax and empty names', () => {
    for (const shard of ['', '-80@replica', 'ks:-80', '-80/x', '[-80]', ' -80']) expect(shardNameProblem(shard)).toMatch(/Vitess shard name/);
  });

  it('connects to vtgate with keyspace:shard@primary (topoproto.ParseDestination)', () => {
    expect(shardTargetDatabase('commerce', '-80')).toBe('commerce:-80@primary');
  });
});
