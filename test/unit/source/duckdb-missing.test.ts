import { describe, expect, it } from 'vitest';
import { loadDuckdb, readDuckdbQuery } from '../../../src/source/duckdb-query.js';
import { SourceError } from '../../../src/source/source.js';

describe('kind: duckdb without DuckDB installed', () => {
  it('says exactly how to install it', async () => {
    const error = await loadDuckdb('source "scores"', '@duckdb/not-installed-h14').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ file: 'source "scores"', message: expect.stringContaining('run `npm install @duckdb/node-api`') });
  });

  it('fails when the source is read, not before', async () => {
    const rows = readDuckdbQuery({ kind: 'duckdb', name: 'scores', query: 'SELECT 1', dir: '/', position: { file: 'm', line: 1, column: 1, path: '' } }, '@duckdb/not-installed-h14');
    await expect(rows.next()).rejects.toThrow(/npm install @duckdb\/node-api/);
  });
});
