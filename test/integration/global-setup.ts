/**
 * Provides the integration tests' database servers.
 * MySQL-compatible: PSSYNC_TEST_DATABASE_URL when set; else the local server at
 * mysql://root@127.0.0.1:3306/ when it answers; else MySQL 8 in Docker via testcontainers;
 * otherwise a failure that says how to provide one.
 * PostgreSQL (for the postgres source's tests): PSSYNC_TEST_POSTGRES_URL when set, else the local
 * server at postgres://postgres@127.0.0.1:5432/ when it answers; otherwise those tests fail
 * saying how to point them at one (test/helpers/postgres.ts).
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

const LOCAL_MYSQL = 'mysql://root@127.0.0.1:3306/';
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

const HOW_TO = `Integration tests need a MySQL-compatible server. Either
  - run one at 127.0.0.1:3306 that root can use without a password (the tests' default), or
  - set PSSYNC_TEST_DATABASE_URL, e.g. PSSYNC_TEST_DATABASE_URL=mysql://user:pass@host:3306/ npm test
    (the user must be able to CREATE and DROP databases; each test file makes its own), or
  - make Docker available, and the tests start MySQL 8 with testcontainers.`;

export const POSTGRES_HOW_TO = `The postgres source's tests need PostgreSQL. Either
  - run it at 127.0.0.1:5432 with a user postgres that needs no password (the tests' default), or
  - set PSSYNC_TEST_POSTGRES_URL, e.g. PSSYNC_TEST_POSTGRES_URL=postgres://user:pass@host:5432/postgres npm test
    (the user must be able to CREATE and DROP databases; each test file makes its own).`;

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseServer: string;
    /** VERSION() of the server, so test names can say which dialect they ran on. */
    databaseVersion: string;
    /** postgres:// URL of a database on the PostgreSQL server; '' when there is none. */
    postgresUrl: string;
    /** Why there is no PostgreSQL server, when postgresUrl is ''. */
    postgresProblem: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await providePostgres(project);
  const fromEnv = process.env.PSSYNC_TEST_DATABASE_URL;
  if (fromEnv) {
    project.provide('databaseUrl', fromEnv);
    project.provide('databaseServer', 'PSSYNC_TEST_DATABASE_URL');
    project.provide('databaseVersion', await serverVersion(fromEnv));
    return async () => undefined;
  }
  const local = await serverVersion(LOCAL_MYSQL).catch(() => undefined);
  if (local !== undefined) {
    project.provide('databaseUrl', LOCAL_MYSQL);
    project.provide('databaseServer', `local server (${LOCAL_MYSQL})`);
    project.provide('databaseVersion', local);
    return async () => undefined;
  }
  let container;
  try {
    const { MySqlContainer } = await import('@testcontainers/mysql');
    container = await new MySqlContainer('mysql:8.0').withRootPassword('pssync').start();
  } catch (error) {
    throw new Error(`${HOW_TO}\n(Nothing answered at 127.0.0.1:3306, and Docker was not usable: ${(error as Error).message})`);
  }
  const url = `mysql://root:pssync@${container.getHost()}:${container.getPort()}/`;
  project.provide('databaseUrl', url);
  project.provide('databaseServer', 'testcontainers mysql:8.0');
  project.provide('databaseVersion', await serverVersion(url));
  return async () => {
    await container.stop();
  };
}

async function serverVersion(url: string): Promise<string> {
  let connection;
  try {
    connection = await mysql.createConnection({ uri: url, connectTimeout: 5000 });
  } catch (error) {
    throw new Error(`${HOW_TO}\n(Could not connect to ${new URL(url).host}: ${(error as Error).message})`);
  }
  const [rows] = await connection.query('SELECT VERSION() AS version');
  await connection.end();
  return (rows as { version: string }[])[0]!.version;
}

async function providePostgres(project: TestProject): Promise<void> {
  const url = process.env.PSSYNC_TEST_POSTGRES_URL || LOCAL_POSTGRES;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    project.provide('postgresUrl', url);
    project.provide('postgresProblem', '');
  } catch (error) {
    project.provide('postgresUrl', '');
    project.provide('postgresProblem', `${POSTGRES_HOW_TO}\n(Could not connect to ${new URL(url).host}: ${(error as Error).message})`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
