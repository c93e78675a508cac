/**
 * Opening connections to a destination (mysql2, TLS), with every value read back as text so
 * that coercion sees exactly what the database stores. Only db/ and the MySQL source import mysql2.
 */
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import type { Connection, ConnectionOptions, FieldPacket, TypeCast } from 'mysql2/promise';
import type { DestinationConfig } from '../manifest/types.js';
import { PssyncError, errorMessage } from '../model/errors.js';

export type SqlValue = string | number | bigint | null;
export type SqlRow = readonly (string | null)[];

/** The narrow database surface the rest of pssync uses: easy to read, easy to fake in unit tests. */
export interface Db {
  /** Rows as arrays of text values (or null), in select-list order. */
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** A statement without a result set; returns affected rows. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  escape(value: SqlValue): string;
  close(): Promise<void>;
}

/** Every column as text (BIT as its decimal value), so nothing is lost to JS numbers or Dates. */
const asText: TypeCast = (field) => {
  if (field.type === 'BIT') {
    const bytes = field.buffer();
    if (bytes === null) return null;
    let value = 0n;
    for (const byte of bytes) value = (value << 8n) | BigInt(byte);
    return value.toString();
  }
  return field.string();
};

export function connectionOptions(destination: DestinationConfig, withDatabase = true): ConnectionOptions {
  const options: ConnectionOptions = {
    host: destination.host,
    port: destination.port,
    user: destination.username ?? 'root',
    password: destination.password ?? '',
    rowsAsArray: true,
    typeCast: asText,
    multipleStatements: false,
    connectTimeout: 20_000,
    // pssync writes timestamps in UTC; see `openDestination`.
    timezone: 'Z',
  };
  if (withDatabase) options.database = destination.database;
  if (destination.tls !== 'disabled') {
    const ca = destination.caFile ? readFileSync(destination.caFile) : undefined;
    options.ssl = {
      rejectUnauthorized: true,
      ...(ca ? { ca } : {}),
      minVersion: 'TLSv1.2',
      // verify-ca checks the chain but not the host name (proxies, IP addresses).
      ...(destination.tls === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
    };
  }
  return options;
}

export function wrapConnection(connection: Connection): Db {
  return {
    async query(sql, params = []) {
      const [rows] = (await connection.query({ sql, values: params as SqlValue[], rowsAsArray: true })) as [
        SqlRow[],
        FieldPacket[],
      ];
      return rows;
    },
    async execute(sql, params = []) {
      const [result] = await connection.query(sql, params as SqlValue[]);
      return (result as { affectedRows?: number }).affectedRows ?? 0;
    },
    escape: (value) => connection.escape(value),
    close: () => connection.end(),
  };
}

/** Connects to a destination; creates its database first when `create_database` is set. */
export async function openDestination(destination: DestinationConfig): Promise<Db> {
  try {
    if (destination.createDatabase) {
      const bootstrap = await mysql.createConnection(connectionOptions(destination, false));
      try {
        await bootstrap.query(`CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(destination.database)}`);
      } finally {
        await bootstrap.end();
      }
    }
    const connection = await mysql.createConnection(connectionOptions(destination));
    await connection.query("SET time_zone = '+00:00'");
    return wrapConnection(connection);
  } catch (error) {
    throw new PssyncError(
      'PSSYNC_E_CONNECT',
      `cannot connect to destination "${destination.name}" (${destination.host}:${destination.port}/${destination.database}): ${errorMessage(error)}`,
      { destination: destination.name },
      { cause: error },
    );
  }
}

export function quoteId(name: string): string {
  return mysql.escapeId(name, true);
}

export function escapeValue(value: SqlValue): string {
  return mysql.escape(value);
}
