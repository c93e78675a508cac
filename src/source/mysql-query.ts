/**
 * `kind: mysql`: a query against a MySQL-compatible database, streamed with the driver's row
 * stream (backpressure pauses the socket; nothing is buffered beyond a few rows). Values arrive
 * as text exactly as the destination reader gets them (db/connection.ts: DECIMAL and BIGINT digit
 * for digit, DATETIME as written, BIT as its number, timestamps in UTC), NULL as null, except
 * binary strings (BINARY, VARBINARY, BLOB), which arrive as their bytes (a Buffer). Row numbers
 * (1-based) are the rows' positions in the result. On Vitess (PlanetScale) the session switches
 * to `workload = olap`, which streams results beyond the OLTP 100,000-row limit.
 * Only this file and db/ import mysql2.
 */
import mysql from 'mysql2';
import type { Connection, FieldPacket } from 'mysql2';
import { castKeepingBytes, connectionOptions } from '../db/connection.js';
import { errorText } from '../model/errors.js';
import { redact, registerSecret } from '../model/redaction.js';
import type { DestinationConfig, MysqlSourceConfig } from '../manifest/types.js';
import { isLoopback, parseMysqlUrl } from '../manifest/mysql-url.js';
import { describedQuery, type QueryColumn } from './query-shape.js';
import { SourceError, type HeaderListener, type SourceRow } from './source.js';

/** Rows the driver may hold ahead of the reader. */
const STREAM_ROWS = 1000;
/** The `binary` character set's number in a column definition. */
const BINARY_CHARSET = 63;

export function mysqlSourceName(config: Pick<MysqlSourceConfig, 'name'>): string {
  return `source "${config.name}"`;
}

/** MYSQL_TYPE_TINY, SHORT, LONG, LONGLONG, INT24 (ZEROFILL pads the text, the hash's CAST does not). */
const INTEGER_TYPES = new Set([1, 2, 3, 8, 9]);

/**
 * The query's columns without its rows (the server plans `LIMIT 0` without running the query);
 * undefined when the query cannot be wrapped as a derived table (the reader reports real errors).
 */
export async function describeMysqlQuery(config: MysqlSourceConfig): Promise<readonly QueryColumn[] | undefined> {
  let connection: Connection;
  try {
    connection = await openSourceConnection(config);
  } catch {
    return undefined;
  }
  try {
    const fields = await new Promise<FieldPacket[]>((resolve, reject) => {
      connection.query({ sql: describedQuery(config.query), rowsAsArray: true }, (error, _rows, fields) => (error ? reject(error) : resolve(fields ?? [])));
    });
    return fields.map((field) => ({ name: field.name, integer: INTEGER_TYPES.has(field.columnType ?? -1) }));
  } catch {
    return undefined;
  } finally {
    connection.end(() => undefined);
  }
}

async function openSourceConnection(config: MysqlSourceConfig): Promise<Connection> {
  const where = mysqlSourceName(config);
  const parts = parseMysqlUrl(config.url);
  if ('error' in parts) throw new SourceError(where, parts.error);
  registerSecret(parts.password, { always: true });
  if (parts.shard !== undefined) throw new SourceError(where, 'url path must be just the database name (a Vitess shard target is for destinations)');
  const host = parts.host ?? '127.0.0.1';
  const target: DestinationConfig = {
    name: config.name,
    host,
    port: parts.port ?? 3306,
    database: parts.database ?? '',
    ...(parts.username !== undefined ? { username: parts.username } : {}),
    ...(parts.password !== undefined ? { password: parts.password } : {}),
    tls: parts.tls ?? (isLoopback(host) ? 'disabled' : 'required'),
    createDatabase: false,
    position: config.position,
  };
  const described = `${target.host}:${target.port}${target.database ? `/${target.database}` : ''}`;
  let connection: Connection | undefined;
  try {
    connection = mysql.createConnection(connectionOptions(target, target.database !== ''));
    await run(connection, "SET time_zone = '+00:00'");
    // A source query reads; make the session refuse writes (best effort: not every server has it).
    await run(connection, 'SET SESSION TRANSACTION READ ONLY').catch(() => undefined);
    const [version] = (await run(connection, 'SELECT VERSION()')) as unknown as [string | null][];
    if (/vitess/i.test(String(version?.[0] ?? ''))) await run(connection, "SET workload = 'olap'");
    return connection;
  } catch (error) {
    connection?.destroy();
    throw new SourceError(where, `cannot connect to the source database (${described}): ${redact(errorText(error, { withCode: true }))}`, undefined, { cause: error });
  }
}

export async function* readMysqlQuery(config: MysqlSourceConfig, options: { onHeader?: HeaderListener } = {}): AsyncGenerator<SourceRow> {
  const where = mysqlSourceName(config);
  const connection = await openSourceConnection(config);

  let names: string[] | undefined;
  let rowNumber = 0;
  const byteFields = new Set<string>();
  const query = connection.query({ sql: config.query, rowsAsArray: true, typeCast: castKeepingBytes(byteFields) });
  query.on('fields', (fields: FieldPacket[]) => {
    names = fields.map((field) => field.name);
    // Character set 63 is binary: BINARY, VARBINARY and BLOB columns (and numbers, which stay text).
    for (const field of fields) if (field.characterSet === BINARY_CHARSET) byteFields.add(field.name);
    // The result's columns are known before its first row, and without any.
    options.onHeader?.({ names });
  });
  const rows = query.stream({ highWaterMark: STREAM_ROWS });
  let finished = false;
  try {
    for await (const values of rows as AsyncIterable<(string | Buffer | null)[]>) {
      if (!Array.isArray(values)) throw new SourceError(where, 'the query returns no rows: a mysql source needs a SELECT (or another statement with a result set)');
      if (rowNumber === 0) checkNames(where, names);
      rowNumber++;
      const fields: Record<string, string | Buffer | null> = {};
      for (let index = 0; index < values.length; index++) fields[names![index]!] = values[index] ?? null;
      yield { fields, line: rowNumber };
    }
    finished = true;
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const what = rowNumber === 0 ? 'the query failed' : `the query failed after ${rowNumber} row(s) (the connection was lost or the server stopped it)`;
    throw new SourceError(where, `${what}: ${redact(errorText(error, { withCode: true }))}`, rowNumber === 0 ? undefined : rowNumber + 1, { cause: error });
  } finally {
    if (finished) connection.end(() => undefined);
    else connection.destroy();
  }
}

function checkNames(where: string, names: readonly string[] | undefined): void {
  if (!names) throw new SourceError(where, 'the query returned rows without column names');
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new SourceError(where, `the query returns two columns named \`${name}\`; give one an alias (… AS other_name)`);
    seen.add(name);
  }
}

function run(connection: Connection, sql: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, rowsAsArray: true }, (error, rows) => (error ? reject(error) : resolve(rows as unknown[])));
  });
}
