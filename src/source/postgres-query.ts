/**
 * `kind: postgres`: a query against PostgreSQL, streamed through a cursor (pg-cursor: a batch of
 * rows at a time, never the whole result) inside a read-only, repeatable-read transaction, so
 * every row comes from one consistent snapshot and a query that writes fails. Values are parsed
 * by this query's own type parsers (postgres-values.ts: exact numbers as text, timestamptz in
 * UTC, json as values, bytea as bytes, arrays as JSON arrays), never pg's global defaults.
 * Row numbers (1-based) are the rows' positions in the result. Only this file and db/ import pg.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { ConnectionOptions } from 'node:tls';
import { errorText } from '../model/errors.js';
import { redact, registerSecret } from '../model/redaction.js';
import type { PostgresSourceConfig, TlsMode } from '../manifest/types.js';
import { isLoopback } from '../manifest/mysql-url.js';
import { parsePostgresUrl } from '../manifest/postgres-url.js';
import { pgParsers, type PgTypeInfo } from './postgres-values.js';
import { describedQuery, type QueryColumn } from './query-shape.js';
import { SourceError, type SourceRow } from './source.js';

/** Rows fetched from the cursor at a time. */
const BATCH_ROWS = 1000;
const DEFAULT_PORT = 5432;

/** Session settings that make the text output predictable (see postgres-values.ts). */
const SESSION = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; SET bytea_output = 'hex'";

/** Arrays and domains, for their parsers: built-in scalar types need no catalog. */
const CATALOG = "SELECT oid::int8 AS oid, typelem::int8 AS element, typdelim AS delimiter, typbasetype::int8 AS base FROM pg_type WHERE typcategory = 'A' OR typtype = 'd'";

/** int8, int2, int4: their text is their digits. */
const INTEGER_OIDS = new Set([20, 21, 23]);

/**
 * The query's columns without its rows (`LIMIT 0` stops before the first row); undefined when the
 * query cannot be wrapped as a subquery (the reader reports real errors).
 */
export async function describePostgresQuery(config: PostgresSourceConfig): Promise<readonly QueryColumn[] | undefined> {
  let opened: Awaited<ReturnType<typeof openSourceClient>>;
  try {
    opened = await openSourceClient(config);
  } catch {
    return undefined;
  }
  try {
    const result = await opened.client.query({ text: describedQuery(config.query), rowMode: 'array' });
    return result.fields.map((field) => ({ name: field.name, integer: INTEGER_OIDS.has(field.dataTypeID) }));
  } catch {
    return undefined;
  } finally {
    await opened.client.end().catch(() => undefined);
  }
}

/** A connected client inside the read-only snapshot, with this session's value parsers. */
async function openSourceClient(config: PostgresSourceConfig): Promise<{ client: pg.Client; parsers: ReturnType<typeof pgParsers> }> {
  const where = `source "${config.name}"`;
  const parts = parsePostgresUrl(config.url);
  if ('error' in parts) throw new SourceError(where, parts.error);
  registerSecret(parts.password, { always: true });
  const host = parts.host ?? '127.0.0.1';
  const port = parts.port ?? DEFAULT_PORT;
  const described = `${host}:${port}${parts.database ? `/${parts.database}` : ''}`;
  const client = new pg.Client({
    host,
    port,
    ...(parts.username !== undefined ? { user: parts.username } : {}),
    ...(parts.password !== undefined ? { password: parts.password } : {}),
    ...(parts.database !== undefined ? { database: parts.database } : {}),
    ssl: sslOptions(parts.tls ?? (isLoopback(host) ? 'disabled' : 'required')),
    application_name: 'pssync',
    connectionTimeoutMillis: 30_000,
  });
  // A connection lost while idle is an 'error' event; the next read reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(SESSION);
    await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const catalog = await client.query<{ oid: string; element: string; delimiter: string; base: string }>(CATALOG);
    const parsers = pgParsers(new Map(catalog.rows.map((row): [number, PgTypeInfo] => [Number(row.oid), { element: Number(row.element), delimiter: row.delimiter, ...(Number(row.base) ? { base: Number(row.base) } : {}) }])));
    return { client, parsers };
  } catch (error) {
    void client.end().catch(() => undefined);
    throw new SourceError(where, `cannot connect to the source database (${described}): ${redact(errorText(error, { withCode: true }))}`, undefined, { cause: error });
  }
}

export async function* readPostgresQuery(config: PostgresSourceConfig): AsyncGenerator<SourceRow> {
  const where = `source "${config.name}"`;
  const { client, parsers } = await openSourceClient(config);

  const cursor = client.query(new Cursor(config.query, undefined, { rowMode: 'array', types: { getTypeParser: ((oid: number) => parsers(oid)) as never } }));
  let names: string[] | undefined;
  let rowNumber = 0;
  let finished = false;
  try {
    for (;;) {
      const { rows, fields } = await read(cursor, BATCH_ROWS);
      if (!names) names = checkNames(where, fields);
      if (rows.length === 0) break;
      for (const values of rows) {
        rowNumber++;
        const record: Record<string, unknown> = {};
        for (let index = 0; index < names.length; index++) record[names[index]!] = values[index] ?? null;
        yield { fields: record, line: rowNumber };
      }
    }
    finished = true;
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const what = rowNumber === 0 ? 'the query failed' : `the query failed after ${rowNumber} row(s)`;
    throw new SourceError(where, `${what}: ${redact(queryErrorText(error))}`, rowNumber === 0 ? undefined : rowNumber + 1, { cause: error });
  } finally {
    if (finished) {
      await cursor.close().catch(() => undefined);
      await client.query('COMMIT').catch(() => undefined);
      await client.end().catch(() => undefined);
    } else {
      // Stopped early or failed: ending the connection ends the transaction and the cursor.
      void client.end().catch(() => undefined);
    }
  }
}

/** One batch of rows and the result's columns (known once the first batch is read). */
function read(cursor: Cursor, count: number): Promise<{ rows: unknown[][]; fields: readonly { name: string }[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(count, (error, rows, result) => (error ? reject(error) : resolve({ rows: rows as unknown[][], fields: result?.fields ?? [] })));
  });
}

function checkNames(where: string, fields: readonly { name: string }[]): string[] {
  if (fields.length === 0) throw new SourceError(where, 'the query returns no columns: a postgres source needs a SELECT (or another statement with a result set)');
  const seen = new Set<string>();
  for (const { name } of fields) {
    if (seen.has(name)) throw new SourceError(where, `the query returns two columns named \`${name}\`; give one an alias (… AS other_name)`);
    seen.add(name);
  }
  return fields.map((field) => field.name);
}

/** The server's message with its SQLSTATE, and where in the query it points. */
function queryErrorText(error: unknown): string {
  const position = Number((error as { position?: string }).position);
  const detail = (error as { detail?: string }).detail;
  return `${errorText(error, { withCode: true })}${detail ? ` (${detail})` : ''}${position > 0 ? ` at character ${position} of the query` : ''}`;
}

/** TLS as for destinations: `required` verifies the chain and the host name, `verify-ca` the chain only. */
function sslOptions(tls: TlsMode): false | ConnectionOptions {
  if (tls === 'disabled') return false;
  return {
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    ...(tls === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}
