import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest/index.js';

const HEAD = [
  'version: 1',
  'destinations:',
  '  warehouse: { host: db.example.com, database: analytics }',
  'sources:',
  '  scores: { kind: csv, path: scores.csv }',
  'syncs:',
  '  s:',
  '    source: scores',
  '    destination: warehouse',
  '    table: t',
];

function messages(...lines: string[]): string[] {
  return parseManifest([...HEAD, ...lines, ''].join('\n'), 'pssync.yaml', {}).diagnostics.map(
    (diagnostic) => `${diagnostic.code} ${diagnostic.path ?? ''}: ${diagnostic.message}`,
  );
}

describe('schema messages', () => {
  it('accepts the base', () => {
    expect(messages('    mode: upsert', '    primary_key: [id]')).toEqual([]);
  });

  it('suggests the key that was meant', () => {
    expect(messages('    mode: upsert', '    primary_key: [id]', '    stratgy: direct')).toEqual([
      'PSSYNC_E_SCHEMA syncs.s.stratgy: unknown key `stratgy` (did you mean `strategy`?)',
    ]);
  });

  it('lists the allowed values, with a suggestion', () => {
    expect(messages('    mode: mirorr', '    primary_key: [id]')).toEqual([
      'PSSYNC_E_SCHEMA syncs.s.mode: must be one of insert, update, upsert, mirror (did you mean `mirror`?)',
    ]);
  });

  it('refuses two `to:` names MySQL takes as one column (case, not accents: issue 11)', () => {
    const fields = (a: string, b: string) => ['    mode: upsert', '    primary_key: [id]', '    fields:', '      - { from: id }', `      - { from: a, to: "${a}" }`, `      - { from: b, to: "${b}" }`];
    expect(messages(...fields('É', 'é'))).toEqual(['PSSYNC_E_KEY syncs.s.fields[2].to: column `é` is mapped twice (also by fields[1] as `É`: MySQL column names ignore case)']);
    expect(messages(...fields('Email', 'email'))).toEqual(['PSSYNC_E_KEY syncs.s.fields[2].to: column `email` is mapped twice (also by fields[1] as `Email`: MySQL column names ignore case)']);
    expect(messages(...fields('é', 'e'))).toEqual([]);
  });

  it('reports an unknown transform as PSSYNC_E_TRANSFORM, once', () => {
    expect(messages('    mode: upsert', '    primary_key: [id]', '    fields: [{ from: id, transform: [trim, rot13] }]')).toEqual([
      'PSSYNC_E_TRANSFORM syncs.s.fields[0].transform[1]: unknown transform; must be one of trim, lowercase, uppercase, sha256',
    ]);
  });

  it('explains a key in the wrong kind of sync', () => {
    expect(messages('    audience: vip', '    mode: add', '    primary_key: [id]', '    member_key: [id]')).toEqual([
      'PSSYNC_E_SCHEMA syncs.s.primary_key: unknown key `primary_key`: an audience sync is keyed by `member_key`',
    ]);
  });

  it('does not repeat an interpolation error as a schema error', () => {
    const result = parseManifest(
      'version: 1\ndestinations:\n  w: { host: h, database: d, port: "${PORT}" }\n',
      'pssync.yaml',
      {},
    );
    expect(result.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['PSSYNC_E_ENV']);
  });

  it('says that a manifest must be a mapping', () => {
    expect(parseManifest('just text\n', 'pssync.yaml', {}).diagnostics).toMatchObject([
      { code: 'PSSYNC_E_SCHEMA', line: 1, column: 1, message: 'must be a mapping (key: value)' },
    ]);
  });
});
