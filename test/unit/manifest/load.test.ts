import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact } from '../../../src/model/redaction.js';
import { loadManifest, parseManifest } from '../../../src/manifest/index.js';

describe('loadManifest', () => {
  it('reports a missing file as a diagnostic', async () => {
    const result = await loadManifest('/nonexistent/pssync.yaml', {});
    expect(result.config).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        code: 'PSSYNC_E_YAML',
        severity: 'error',
        message: 'cannot read manifest: file not found',
        file: '/nonexistent/pssync.yaml',
      },
    ]);
  });

  it('reports a directory as a diagnostic', async () => {
    const result = await loadManifest(tmpdir(), {});
    expect(result.diagnostics[0]?.message).toBe('cannot read manifest: is a directory');
  });

  it('reads a file, ignoring a byte-order mark, and hashes the raw text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pssync-manifest-'));
    const file = join(dir, 'pssync.yaml');
    writeFileSync(file, '\uFEFFversion: 1\nsources:\n  s: { kind: ndjson, path: rows.ndjson }\n');
    const result = await loadManifest(file, {});
    expect(result.diagnostics).toEqual([]);
    expect(result.config?.sources.get('s')).toMatchObject({ path: join(dir, 'rows.ndjson') });
    expect(result.config?.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sorts diagnostics by position', () => {
    const result = parseManifest('version: 2\nfoo: 1\nbar: ${X}\n', 'pssync.yaml', {});
    expect(result.diagnostics.map(({ line }) => line)).toEqual([1, 2, 3]);
  });
});

describe('secrets never reach a diagnostic', () => {
  beforeEach(() => clearSecrets());

  const SECRET = 'correct-horse-battery-staple';
  const env = { SECRET, PG_URL: `postgres://admin:${SECRET}@db/x`, BAD_URL: `mysql://admin:${SECRET}#@db/x` };
  const manifest = [
    'version: 1',
    'destinations:',
    '  a: { url: "${PG_URL}" }',
    '  b: { url: "${BAD_URL}" }',
    '  c: { host: h, database: d, tls: "${SECRET}", port: "${SECRET}" }',
    'sources:',
    '  s: { kind: csv, path: x.csv, delimiter: "${SECRET}" }',
    'syncs:',
    '  t:',
    '    source: ${SECRET}',
    '    destination: ${SECRET}',
    '    table: t',
    '    mode: ${SECRET}',
    '    primary_key: [id]',
    '    fields: [{ from: id, type: "${SECRET}" }, { from: x, transform: "${SECRET}" }]',
    '',
  ].join('\n');

  it('in schema errors', () => {
    const result = parseManifest(manifest, 'pssync.yaml', env);
    expect(result.diagnostics.length).toBeGreaterThan(3);
    for (const { message } of result.diagnostics) expect(message).not.toContain(SECRET);
  });

  it('in reference, type and url errors', () => {
    const result = parseManifest(
      [
        'version: 1',
        'destinations:',
        '  a: { url: "${PG_URL}" }',
        '  b: { url: "${BAD_URL}" }',
        'sources:',
        '  s: { kind: csv, path: x.csv }',
        'syncs:',
        '  t:',
        '    source: ${SECRET}',
        '    destination: a',
        '    table: t',
        '    mode: upsert',
        '    primary_key: [id]',
        '    fields: [{ from: id, type: "${SECRET}" }]',
        '',
      ].join('\n'),
      'pssync.yaml',
      env,
    );
    expect(result.diagnostics.map(({ code }) => code).sort()).toEqual([
      'PSSYNC_E_REFERENCE',
      'PSSYNC_E_SCHEMA',
      'PSSYNC_E_SCHEMA',
      'PSSYNC_E_TYPE',
    ]);
    for (const { message } of result.diagnostics) expect(message).not.toContain(SECRET);
    expect(redact(`x ${SECRET} y`)).toBe('x *** y');
  });
});
