import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type AudienceSyncConfig,
  type Config,
  type CsvSourceConfig,
  isLoopback,
  loadManifest,
  parseManifest,
  parseMysqlUrl,
  type TableSyncConfig,
} from '../../../src/manifest/index.js';
import { FIXTURE_ENV } from './fixture-env.js';

const valid = fileURLToPath(new URL('../../fixtures/manifests/valid/', import.meta.url));

async function load(name: string): Promise<Config> {
  const result = await loadManifest(`${valid}${name}`, FIXTURE_ENV);
  expect(result.diagnostics).toEqual([]);
  return result.config!;
}

function parse(text: string, env: Record<string, string> = {}): Config {
  const result = parseManifest(text, '/work/project/pssync.yaml', env);
  expect(result.diagnostics).toEqual([]);
  return result.config!;
}

describe('the SPEC example', () => {
  it('normalizes destinations, sources and syncs', async () => {
    const config = await load('spec-example.yaml');
    expect(config.file).toBe(`${valid}spec-example.yaml`);
    expect(config.dir).toBe(valid.replace(/\/$/, ''));
    expect(config.digest).toBe(
      createHash('sha256').update(readFileSync(`${valid}spec-example.yaml`, 'utf8')).digest('hex'),
    );
    expect(config.destinations.get('warehouse')).toMatchObject({
      name: 'warehouse',
      host: 'aws.connect.psdb.cloud',
      port: 3306,
      database: 'analytics',
      username: 'branch-user',
      password: 'pscale_pw_abcdef',
      tls: 'required',
      createDatabase: false,
      position: { line: 3, column: 3, path: 'destinations.warehouse' },
    });
    expect(config.sources.get('ltv_scores')).toEqual({
      name: 'ltv_scores',
      kind: 'csv',
      path: `${valid}data/ltv_scores.csv`,
      delimiter: ',',
      quote: '"',
      escape: '"',
      header: true,
      nullValues: [],
      encoding: 'utf-8',
      position: expect.objectContaining({ line: 13, column: 3, path: 'sources.ltv_scores' }),
    });
    expect(config.sources.get('vip_users')).toMatchObject({
      kind: 'mysql',
      url: 'mysql://reader:source-secret@replica.example.com/app',
      query: "SELECT user_id, email, tier FROM users WHERE tier = 'vip'",
    });
  });

  it('reads `type: decimal(12,2)` inside a flow mapping as one value', async () => {
    const config = await load('spec-example.yaml');
    const sync = config.syncs[0] as TableSyncConfig;
    expect(sync.fields?.map((field) => [field.from, field.to, field.type?.sql, field.transforms])).toEqual([
      ['id', 'customer_id', 'bigint', []],
      ['ltv_90d', 'ltv', 'decimal(12,2)', []],
      ['email', 'email_sha256', undefined, ['trim', 'lowercase', 'sha256']],
    ]);
  });

  it('puts scope columns in front of a primary key that leaves them out', async () => {
    const config = await load('spec-example.yaml');
    const sync = config.syncs[0] as TableSyncConfig;
    expect(sync).toMatchObject({
      kind: 'table',
      name: 'customer_ltv',
      mode: 'upsert',
      primaryKey: ['tenant', 'customer_id'],
      scope: [{ column: 'tenant', value: 'acme' }],
      safety: { maxDeletes: 1000, maxDeleteRatio: 0.2 },
      maxRejectedRows: 0,
      strategy: 'auto',
      position: { line: 21, column: 3, path: 'syncs.customer_ltv' },
    });
    expect(sync.fields?.[1]?.position).toMatchObject({ line: 29, column: 9, path: 'syncs.customer_ltv.fields[1]' });
  });

  it('builds the audience sync', async () => {
    const config = await load('spec-example.yaml');
    expect(config.syncs[1]).toMatchObject({
      kind: 'audience',
      name: 'vip_audience',
      audience: 'vip',
      mode: 'mirror',
      memberKey: ['user_id'],
      scope: [],
      safety: {},
    });
  });
});

describe('everything.yaml', () => {
  it('takes a destination apart from its url', async () => {
    const config = await load('everything.yaml');
    expect(config.destinations.get('warehouse')).toMatchObject({
      host: 'db.example.com',
      port: 3307,
      database: 'analytics',
      username: 'app@x',
      password: 'p/ss-secret',
      tls: 'verify-ca',
      caFile: `${valid}certs/ca.pem`,
    });
  });

  it('lets explicit keys override the url', async () => {
    const config = await load('everything.yaml');
    const override = config.destinations.get('override')!;
    expect(override).toMatchObject({ host: 'db.example.com', port: 3310, database: 'reporting', username: 'reporter', tls: 'disabled' });
    expect(override.password).toBeUndefined();
  });

  it('accepts a numeric string port and defaults tls to disabled on loopback', async () => {
    const config = await load('everything.yaml');
    expect(config.destinations.get('local')).toMatchObject({
      host: '127.0.0.1',
      port: 3307,
      tls: 'disabled',
      password: '',
      createDatabase: true,
    });
  });

  it('keeps every csv option, stdin, and resolves relative paths', async () => {
    const config = await load('everything.yaml');
    const scores = config.sources.get('scores') as CsvSourceConfig;
    expect(scores).toMatchObject({
      path: '/abs/scores.csv',
      delimiter: ';',
      quote: "'",
      escape: '\\',
      header: false,
      columns: ['id', 'email', 'score'],
      nullValues: ['\\N', 'NULL'],
      encoding: 'latin1',
    });
    expect(config.sources.get('events')).toMatchObject({ kind: 'ndjson', path: '-' });
    expect(config.sources.get('profiles')).toMatchObject({ kind: 'json', path: `${valid}data/profiles.json` });
    expect(config.sources.get('facts')).toMatchObject({ kind: 'parquet', path: fileURLToPath(new URL('../facts.parquet', `file://${valid}`)) });
    expect(config.sources.get('orders')).toMatchObject({
      url: 'mysql://reader:hunter2-secret@replica.example.com/shop',
      query: "SELECT id, total FROM orders WHERE note <> '${literal}'",
    });
  });

  it('turns scope values into strings and resolves aliases', async () => {
    const config = await load('everything.yaml');
    const [scores, events] = config.syncs as TableSyncConfig[];
    expect(scores!.scope.map(({ column, value }) => ({ column, value }))).toEqual([
      { column: 'tenant', value: 'acme' },
      { column: 'shard', value: '3' },
      { column: 'active', value: '1' },
      { column: 'legacy', value: '0' },
    ]);
    // Each scope key's position: a constant the column cannot hold is reported there at plan time.
    expect(scores!.scope[2]!.position).toMatchObject({ line: 44, column: 38, path: 'syncs.scores.scope.active' });
    expect(scores).toMatchObject({ strategy: 'direct', maxRejectedRows: 10, mode: 'mirror' });
    expect(scores!.fields).toBeUndefined();
    expect(scores!.primaryKey).toEqual(['tenant', 'shard', 'active', 'legacy', 'id']);
    expect(events!.primaryKey).toEqual(['id']);
  });

  it('keeps a member key that already names the scope columns, and defaults from/to', async () => {
    const config = await load('everything.yaml');
    const vip = config.syncs[2] as AudienceSyncConfig;
    expect(vip.memberKey).toEqual(['tenant', 'user_id']);
    expect(vip.fields?.map((field) => [field.from, field.to, field.type?.sql, field.transforms])).toEqual([
      ['user_id', 'user_id', 'bigint unsigned', []],
      ['status', 'status', "enum('a','b')", ['trim']],
      ['email', 'email', undefined, ['trim', 'lowercase']],
      ['balance', 'Balance', 'decimal(12,2)', []],
    ]);
    expect(vip.safety).toEqual({ maxDeletes: 0 });
  });
});

describe('defaults', () => {
  it('an empty manifest is an empty config', () => {
    const config = parse('version: 1\n');
    expect(config.destinations.size).toBe(0);
    expect(config.sources.size).toBe(0);
    expect(config.syncs).toEqual([]);
    expect(config.file).toBe('/work/project/pssync.yaml');
    expect(config.dir).toBe('/work/project');
  });

  it('tls is required for remote hosts and disabled for loopback', () => {
    const config = parse(
      [
        'version: 1',
        'destinations:',
        '  remote: { host: db.example.com, database: d }',
        '  local: { host: localhost, database: d }',
        '  v6: { url: "mysql://u:p@[::1]:3310/d" }',
        '  urltls: { url: "mysql://u:p@localhost/d?ssl-mode=REQUIRED" }',
        '',
      ].join('\n'),
    );
    expect(config.destinations.get('remote')).toMatchObject({ tls: 'required', port: 3306 });
    expect(config.destinations.get('local')?.tls).toBe('disabled');
    expect(config.destinations.get('v6')).toMatchObject({ host: '::1', port: 3310, tls: 'disabled' });
    expect(config.destinations.get('urltls')?.tls).toBe('required');
  });

  it('csv escape defaults to the quote', () => {
    const config = parse("version: 1\nsources:\n  s: { kind: csv, path: a.csv, quote: \"'\" }\n");
    expect(config.sources.get('s')).toMatchObject({ path: '/work/project/a.csv', quote: "'", escape: "'" });
  });
});

describe('parseMysqlUrl', () => {
  it('decodes user and password and reads tls parameters', () => {
    expect(parseMysqlUrl('mysql://a%3Ab:c%23d@h:1234/db?sslaccept=x&ssl-mode=VERIFY_IDENTITY')).toEqual({
      host: 'h',
      port: 1234,
      database: 'db',
      username: 'a:b',
      password: 'c#d',
      tls: 'verify-ca',
    });
    expect(parseMysqlUrl('mysql://h/db?tls=false')).toEqual({ host: 'h', database: 'db', tls: 'disabled' });
  });

  it('explains bad urls without quoting them', () => {
    for (const url of ['postgres://u:secret@h/db', 'mysql://u:sec#ret@h/db', 'mysql://h/db?ssl-mode=maybe', 'mysql://h/a/b/c', 'mysql://h/a/', 'mysql://h/a%2Fb']) {
      const result = parseMysqlUrl(url);
      expect(result).toHaveProperty('error');
      expect(JSON.stringify(result)).not.toContain('sec');
    }
  });
});

describe('Vitess shard targets', () => {
  it('reads /keyspace/shard from a url, as vtgate prints it in SHOW VITESS_SHARDS', () => {
    expect(parseMysqlUrl('mysql://u:p@vtgate.example.com/customer/-80')).toMatchObject({ database: 'customer', shard: '-80' });
    expect(parseMysqlUrl('mysql://u:p@vtgate.example.com/customer')).not.toHaveProperty('shard');
  });

  it('takes the shard from the url or from shard:, which overrides it', () => {
    const config = parse(
      [
        'version: 1',
        'destinations:',
        '  by_url: { url: "mysql://u:p@vtgate.example.com/customer/-80" }',
        '  by_key: { host: vtgate.example.com, database: customer, shard: "80-" }',
        '  both: { url: "mysql://u:p@vtgate.example.com/customer/-80", shard: "80-" }',
        '  plain: { url: "mysql://u:p@db.example.com/customer" }',
        '',
      ].join('\n'),
    );
    expect(config.destinations.get('by_url')).toMatchObject({ database: 'customer', shard: '-80' });
    expect(config.destinations.get('by_key')).toMatchObject({ database: 'customer', shard: '80-' });
    expect(config.destinations.get('both')).toMatchObject({ database: 'customer', shard: '80-' });
    expect(config.destinations.get('plain')).not.toHaveProperty('shard');
  });

  it('refuses target syntax in the shard, from the url and from shard:', () => {
    for (const destination of ['{ url: "mysql://u:p@h/customer/-80@replica" }', '{ host: h, database: customer, shard: "ks:-80" }']) {
      const result = parseManifest(`version: 1\ndestinations:\n  d: ${destination}\n`, '/work/project/pssync.yaml', {});
      expect(result.diagnostics.map((diagnostic) => diagnostic.code)).toContain('PSSYNC_E_SCHEMA');
      expect(result.diagnostics.some((diagnostic) => /Vitess shard name/.test(diagnostic.message) || diagnostic.path === 'destinations.d.shard')).toBe(true);
    }
  });
});

describe('isLoopback', () => {
  it('knows localhost, 127.0.0.0/8 and ::1', () => {
    expect(['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1'].every(isLoopback)).toBe(true);
    expect(['db.example.com', '10.0.0.1', '127.0.0.1.example.com', '::2'].some(isLoopback)).toBe(false);
  });
});
