/**
 * Syncs sharing a table (issue 11): same key columns, and disjoint constants as written. Through
 * parseManifest, so the positions are the manifest's.
 */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/index.js';
import type { Diagnostic } from '../../../src/model/diagnostic.js';

const HEAD = `version: 1
destinations:
  db: { url: "mysql://root@localhost/app" }
  other: { url: "mysql://root@localhost/other" }
sources: { s: { kind: csv, path: s.csv } }
syncs:
`;

interface SyncText {
  readonly name: string;
  readonly table?: string;
  readonly destination?: string;
  readonly audience?: string;
  readonly key?: string;
  readonly scope?: string;
  readonly mode?: string;
}

function sync({ name, table = 'shared', destination = 'db', audience, key, scope, mode = 'mirror' }: SyncText): string {
  const keyLine = audience !== undefined ? `    member_key: ${key ?? '[id]'}\n` : `    primary_key: ${key ?? '[id]'}\n`;
  return `  ${name}:
${audience !== undefined ? `    audience: ${audience}\n` : ''}    source: s
    destination: ${destination}
    table: ${table}
    mode: ${mode}
${keyLine}${scope ? `    scope: ${scope}\n` : ''}`;
}

function diagnostics(...syncs: SyncText[]): Diagnostic[] {
  return [...parseManifest(HEAD + syncs.map(sync).join(''), '/p/pssync.yaml', {}).diagnostics];
}

describe('syncs sharing a table', () => {
  it('disjoint scopes and audiences are fine, whatever the modes', () => {
    expect(diagnostics({ name: 'a', scope: '{ tenant: acme }' }, { name: 'b', scope: '{ tenant: globex }', mode: 'upsert' })).toEqual([]);
    expect(diagnostics({ name: 'vip', audience: 'vip' }, { name: 'churn', audience: 'churn', mode: 'add' })).toEqual([]);
    // One differing column is enough, whatever the others hold.
    expect(diagnostics({ name: 'a', scope: '{ tenant: acme, region: eu }' }, { name: 'b', scope: '{ tenant: acme, region: us }' })).toEqual([]);
  });

  it('other tables and other destinations are not shared', () => {
    expect(diagnostics({ name: 'a' }, { name: 'b', table: 'elsewhere' })).toEqual([]);
    expect(diagnostics({ name: 'a' }, { name: 'b', destination: 'other' })).toEqual([]);
  });

  it('the same scope, even in a table name spelled differently, names both syncs and their lines', () => {
    const [problem, ...rest] = diagnostics({ name: 'a', scope: '{ tenant: acme }' }, { name: 'b', table: 'Shared', scope: '{ tenant: acme }' });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ code: 'PSSYNC_E_SCOPE', file: '/p/pssync.yaml', line: 14, path: 'syncs.b', sync: 'b' });
    expect(problem!.message).toContain('syncs `a` (line 7) and `b` (line 14) both write table `Shared`');
    expect(problem!.message).toContain('the same `tenant` = "acme"');
    expect(problem!.message).toMatch(/overwrite them \(in mirror and remove modes, delete them\)/);
  });

  it('booleans are compared as normalised (true and 1 are the same scope); column names case-insensitively', () => {
    const [problem] = diagnostics({ name: 'a', scope: '{ active: true }' }, { name: 'b', scope: '{ Active: 1 }' });
    expect(problem).toMatchObject({ code: 'PSSYNC_E_SCOPE', sync: 'b' });
  });

  it('the same audience name is an error; a scope on top of it that differs is not', () => {
    expect(diagnostics({ name: 'a', audience: 'vip' }, { name: 'b', audience: 'vip' })[0]!.message).toContain('the same `audience` = "vip"');
    expect(diagnostics({ name: 'a', audience: 'vip', scope: '{ region: eu }' }, { name: 'b', audience: 'vip', scope: '{ region: us }' })).toEqual([]);
  });

  it('a sync without a scope on a shared table is an error, whichever comes first', () => {
    const scopeProblem = (...syncs: SyncText[]) => diagnostics(...syncs).find((problem) => problem.code === 'PSSYNC_E_SCOPE')?.message;
    // The scoped sync's key is [tenant, id]: the keys differ too, a separate error.
    expect(scopeProblem({ name: 'a', key: '[tenant, id]' }, { name: 'b', scope: '{ tenant: acme }' })).toContain('`a` has no scope');
    expect(scopeProblem({ name: 'a', scope: '{ tenant: acme }' }, { name: 'b', key: '[tenant, id]' })).toContain('`b` has no scope');
    expect(diagnostics({ name: 'a' }, { name: 'b' })).toEqual([expect.objectContaining({ code: 'PSSYNC_E_SCOPE', message: expect.stringContaining('neither has a scope') })]);
  });

  it('constants on different columns do not keep rows apart', () => {
    const [problem] = diagnostics({ name: 'a', key: '[tenant, region, id]', scope: '{ tenant: acme }' }, { name: 'b', key: '[tenant, region, id]', scope: '{ region: eu }' });
    expect(problem!.message).toContain('no column is constant in both ([tenant] and [region])');
  });

  it('different keys (as sets, case-insensitive, scope columns included) name both keys', () => {
    expect(diagnostics({ name: 'a', key: '[tenant, id]', scope: '{ tenant: acme }' }, { name: 'b', key: '[ID, Tenant]', scope: '{ tenant: globex }' })).toEqual([]);
    const [problem, ...rest] = diagnostics({ name: 'a', scope: '{ tenant: acme }' }, { name: 'b', key: '[id, v]', scope: '{ tenant: globex }' });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ code: 'PSSYNC_E_SHARED_TABLE', sync: 'b' });
    expect(problem!.message).toContain('different keys: [tenant, id] and [tenant, id, v]');
  });

  it('an audience sync and a table sync share a table when the table sync keys by audience too', () => {
    expect(diagnostics({ name: 'vip', audience: 'vip' }, { name: 'manual', key: '[audience, id]', scope: '{ audience: manual }' })).toEqual([]);
    const [problem] = diagnostics({ name: 'vip', audience: 'vip' }, { name: 'manual', key: '[id]' });
    expect(problem!.code).toBe('PSSYNC_E_SHARED_TABLE');
  });

  it('three syncs: each conflicting pair once', () => {
    const found = diagnostics({ name: 'a', scope: '{ t: x }' }, { name: 'b', scope: '{ t: y }' }, { name: 'c', scope: '{ t: x }' });
    expect(found.map((problem) => problem.sync)).toEqual(['c']);
    expect(found[0]!.message).toContain('syncs `a` (line 7) and `c`');
  });
});
