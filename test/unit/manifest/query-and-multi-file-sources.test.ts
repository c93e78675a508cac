/** Manifest side of issue 14: postgres and duckdb sources, and `path` as a glob or a list. */
import { describe, expect, it } from 'vitest';
import { parseManifest, parsePostgresUrl } from '../../../src/manifest/index.js';

const FILE = '/work/project/pssync.yaml';
const manifest = (sources: string) => `version: 1
destinations:
  db: { url: "mysql://root@127.0.0.1:3306/app" }
sources:
${sources}
syncs:
  s: { source: s, destination: db, table: t, mode: upsert, primary_key: [id] }
`;

function sourceOf(sources: string) {
  const result = parseManifest(manifest(sources), FILE, {});
  expect(result.diagnostics).toEqual([]);
  return result.config!.sources.get('s');
}

function problems(sources: string): string[] {
  return parseManifest(manifest(sources), FILE, {}).diagnostics.map((diagnostic) => `${diagnostic.line}: ${diagnostic.message}`);
}

describe('kind: postgres', () => {
  it('keeps the url and the query', () => {
    expect(sourceOf('  s: { kind: postgres, url: "postgres://u:pw-h14-unit@h:5433/db?sslmode=require", query: "SELECT 1 AS id" }')).toEqual({
      name: 's',
      kind: 'postgres',
      url: 'postgres://u:pw-h14-unit@h:5433/db?sslmode=require',
      query: 'SELECT 1 AS id',
      position: expect.objectContaining({ path: 'sources.s' }),
    });
  });

  it('refuses a url that is not postgres://, and a missing query, without quoting the url', () => {
    const bad = problems('  s: { kind: postgres, url: "mysql://u:secret-pw@h/db", query: "SELECT 1" }');
    expect(bad).toEqual([expect.stringContaining('url must start with postgres://')]);
    expect(bad.join()).not.toContain('secret-pw');
    expect(problems('  s: { kind: postgres, url: "postgres://h/db" }').join()).toMatch(/query/);
  });
});

describe('parsePostgresUrl', () => {
  it('decodes the parts and maps sslmode onto the tls modes (every mode that encrypts verifies)', () => {
    expect(parsePostgresUrl('postgresql://a%40b:c%23d@[::1]:6543/my%20db?sslmode=verify-ca')).toEqual({
      host: '::1',
      port: 6543,
      database: 'my db',
      username: 'a@b',
      password: 'c#d',
      tls: 'verify-ca',
    });
    expect(parsePostgresUrl('postgres://h/db?sslmode=require')).toMatchObject({ tls: 'required' });
    expect(parsePostgresUrl('postgres://h/db?sslmode=verify-full')).toMatchObject({ tls: 'required' });
    expect(parsePostgresUrl('postgres://h/db?sslmode=disable')).toMatchObject({ tls: 'disabled' });
    expect(parsePostgresUrl('postgres://h')).toEqual({ host: 'h' });
  });

  it('explains bad urls without quoting them', () => {
    for (const url of ['mysql://u:secret@h/db', 'postgres://h/db?sslmode=sometimes', 'postgres://h/a/b', 'postgres://u:sec%zzret@h/db', 'not a url secret']) {
      const result = parsePostgresUrl(url);
      expect(result).toHaveProperty('error');
      expect(JSON.stringify(result)).not.toContain('sec');
    }
  });
});

describe('kind: duckdb', () => {
  it('resolves the database file against the manifest folder, and keeps that folder for the query', () => {
    expect(sourceOf("  s: { kind: duckdb, database: data/facts.duckdb, query: \"SELECT * FROM read_parquet('x/*.parquet')\" }")).toEqual({
      name: 's',
      kind: 'duckdb',
      query: "SELECT * FROM read_parquet('x/*.parquet')",
      database: '/work/project/data/facts.duckdb',
      dir: '/work/project',
      position: expect.objectContaining({ path: 'sources.s' }),
    });
    expect(sourceOf('  s: { kind: duckdb, query: "SELECT 1 AS id" }')).not.toHaveProperty('database');
  });

  it('refuses a url, and a missing query', () => {
    expect(problems('  s: { kind: duckdb, query: "SELECT 1", url: "x" }').join()).toMatch(/url/);
    expect(problems('  s: { kind: duckdb }').join()).toMatch(/query/);
  });
});

describe('path: a glob or a list', () => {
  it('a plain path stays one file', () => {
    expect(sourceOf('  s: { kind: ndjson, path: data/a.ndjson }')).toEqual(expect.not.objectContaining({ files: expect.anything() }));
  });

  it('a glob keeps its pattern for the reader', () => {
    expect(sourceOf('  s: { kind: parquet, path: "exports/part-*.parquet" }')).toMatchObject({
      path: '/work/project/exports/part-*.parquet',
      files: { dir: '/work/project', entries: ['exports/part-*.parquet'] },
    });
    for (const glob of ['a/?.csv', 'a/[ab].csv', 'a/{x,y}.csv', 'a/**/b.csv']) {
      expect(sourceOf(`  s: { kind: csv, path: "${glob}" }`)).toHaveProperty('files.entries', [glob]);
    }
  });

  it('a list of paths and globs, in its order', () => {
    expect(sourceOf('  s: { kind: csv, path: [b.csv, "more/*.csv.gz", /abs/c.csv], delimiter: ";" }')).toMatchObject({
      kind: 'csv',
      delimiter: ';',
      path: '/work/project/b.csv, /work/project/more/*.csv.gz, /abs/c.csv',
      files: { dir: '/work/project', entries: ['b.csv', 'more/*.csv.gz', '/abs/c.csv'] },
    });
  });

  it('refuses standard input in a list, an empty list, and a list of non-strings', () => {
    expect(problems('  s: { kind: csv, path: [a.csv, "-"] }').join()).toMatch(/standard input/);
    expect(problems('  s: { kind: csv, path: [] }')).not.toEqual([]);
    expect(problems('  s: { kind: json, path: [1] }')).not.toEqual([]);
  });
});
