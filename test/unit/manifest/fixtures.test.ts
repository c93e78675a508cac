/**
 * Table-driven: every test/fixtures/manifests/invalid/<name>.yaml yields exactly the diagnostics
 * in <name>.expected.json (code, line, column, path, in order); every valid/<name>.yaml loads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/manifest/index.js';
import { FIXTURE_ENV } from './fixture-env.js';

const root = fileURLToPath(new URL('../../fixtures/manifests/', import.meta.url));
const yamlFiles = (dir: string): string[] =>
  readdirSync(`${root}${dir}`)
    .filter((name) => name.endsWith('.yaml'))
    .sort();

interface Expected {
  readonly code: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
}

describe('invalid manifests', () => {
  const files = yamlFiles('invalid');

  it('cover at least twenty cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)('%s', async (name) => {
    const file = `${root}invalid/${name}`;
    const expected = JSON.parse(readFileSync(file.replace(/\.yaml$/, '.expected.json'), 'utf8')) as Expected[];
    const result = await loadManifest(file, FIXTURE_ENV);
    expect(result.config).toBeUndefined();
    const actual = result.diagnostics.map(({ code, line, column, path }) => ({ code, line, column, path: path ?? '' }));
    expect(actual).toEqual(expected);
    for (const diagnostic of result.diagnostics) {
      expect(diagnostic.file).toBe(file);
      expect(diagnostic.severity).toBe('error');
      expect(diagnostic.message.length).toBeGreaterThan(0);
    }
  });
});

describe('diagnostics and secrets', () => {
  it('no invalid fixture quotes an environment value in a message', async () => {
    const secrets = Object.values(FIXTURE_ENV).filter((value) => value.length >= 4);
    for (const name of yamlFiles('invalid')) {
      const result = await loadManifest(`${root}invalid/${name}`, FIXTURE_ENV);
      for (const { message } of result.diagnostics) {
        for (const secret of secrets) expect(message).not.toContain(secret);
        expect(message).not.toContain('***'); // nothing even needed redacting
      }
    }
  });
});

describe('valid manifests', () => {
  it.each(yamlFiles('valid'))('%s', async (name) => {
    const result = await loadManifest(`${root}valid/${name}`, FIXTURE_ENV);
    expect(result.diagnostics).toEqual([]);
    expect(result.config).toBeDefined();
  });
});
