/**
 * Provides the integration tests' database server: PSSYNC_TEST_DATABASE_URL when set; otherwise
 * MySQL 8 in Docker via testcontainers; otherwise a failure that says how to provide one.
 */
import mysql from 'mysql2/promise';
import type { TestProject } from 'vitest/node';

const HOW_TO = `Integration tests need a MySQL-compatible server. Either
  - set PSSYNC_TEST_DATABASE_URL, e.g. PSSYNC_TEST_DATABASE_URL=mysql://root@127.0.0.1:3306/ npm test
    (the user must be able to CREATE and DROP databases; each test file makes its own), or
  - make Docker available, and the tests start MySQL 8 with testcontainers.`;

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseServer: string;
    /** VERSION() of the server, so test names can say which dialect they ran on. */
    databaseVersion: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.PSSYNC_TEST_DATABASE_URL;
  if (fromEnv) {
    project.provide('databaseUrl', fromEnv);
    project.provide('databaseServer', 'PSSYNC_TEST_DATABASE_URL');
    project.provide('databaseVersion', await serverVersion(fromEnv));
    return async () => undefined;
  }
  let container;
  try {
    const { MySqlContainer } = await import('@testcontainers/mysql');
    container = await new MySqlContainer('mysql:8.0').withRootPassword('pssync').start();
  } catch (error) {
    throw new Error(`${HOW_TO}\n(Docker was not usable: ${(error as Error).message})`);
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
    connection = await mysql.createConnection(url);
  } catch (error) {
    throw new Error(`${HOW_TO}\n(Could not connect to ${new URL(url).host}: ${(error as Error).message})`);
  }
  const [rows] = await connection.query('SELECT VERSION() AS version');
  await connection.end();
  return (rows as { version: string }[])[0]!.version;
}
