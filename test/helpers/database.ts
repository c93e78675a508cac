/**
 * A fresh database per test file, dropped afterwards, on the server global-setup provides.
 * `dialect` says which server the tests ran on (MySQL, MariaDB, Vitess), for the test names.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, inject } from 'vitest';

export interface TestDatabase {
  /** mysql:// URL of the test database. */
  url: string;
  name: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Server version string, e.g. `10.11.19-MariaDB`. */
  readonly version: string;
  /** Runs SQL in the test database; rows as objects. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export function useTestDatabase(): TestDatabase {
  const server = new URL(inject('databaseUrl'));
  const name = `pssync_test_${randomBytes(5).toString('hex')}`;
  let connection: mysql.Connection | undefined;
  const database: TestDatabase = {
    url: '',
    name,
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username || 'root'),
    password: decodeURIComponent(server.password),
    version: inject('databaseVersion'),
    async query<T>(sql: string, params: unknown[] = []) {
      const [rows] = await connection!.query(sql, params);
      return rows as T[];
    },
  };
  const credentials = `${encodeURIComponent(database.user)}${database.password ? `:${encodeURIComponent(database.password)}` : ''}`;
  database.url = `mysql://${credentials}@${database.host}:${database.port}/${name}`;

  beforeAll(async () => {
    const admin = await mysql.createConnection({ host: database.host, port: database.port, user: database.user, password: database.password });
    await admin.query(`CREATE DATABASE \`${name}\``);
    await admin.end();
    connection = await mysql.createConnection({
      host: database.host,
      port: database.port,
      user: database.user,
      password: database.password,
      database: name,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      timezone: 'Z',
    });
    await connection.query("SET time_zone = '+00:00'");
  });

  afterAll(async () => {
    await connection?.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection?.end();
  });

  return database;
}

/** "mariadb" | "mysql" | "vitess", from the server version. */
export function dialectOf(version: string): string {
  if (/mariadb/i.test(version)) return 'mariadb';
  if (/vitess/i.test(version)) return 'vitess';
  return 'mysql';
}
