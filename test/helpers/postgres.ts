/**
 * A fresh PostgreSQL database per test file, dropped afterwards, on the server global-setup
 * found (PSSYNC_TEST_POSTGRES_URL, else the local one). Without a server, beforeAll fails with
 * global-setup's message saying how to point the tests at one.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

export interface TestPostgres {
  /** postgres:// URL of the test database (set once beforeAll has run). */
  url: string;
  name: string;
  /** Runs SQL in the test database. */
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export function useTestPostgres(): TestPostgres {
  const name = `pssync_test_${randomBytes(5).toString('hex')}`;
  let client: pg.Client | undefined;
  let server: string | undefined;
  const database: TestPostgres = {
    url: '',
    name,
    async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
      return (await client!.query<T>(sql, params)).rows;
    },
  };

  beforeAll(async () => {
    server = inject('postgresUrl');
    if (!server) throw new Error(inject('postgresProblem'));
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    database.url = url.toString();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    if (!server) return;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  return database;
}
