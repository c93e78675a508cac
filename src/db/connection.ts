/**
 * Opening connections to a destination (mysql2, TLS), with every value read back as text so
 * that coercion sees exactly what the database stores. Only db/ and the MySQL source import mysql2.
 *
 * A destination connection can be reopened after it was lost (`reconnect`, with the same session
 * settings) and can open a second, independent connection (`fork`, for the apply's table lock).
 * Whether to reconnect is the caller's decision (the apply's StatementRunner): nothing here
 * retries or reconnects on its own.
 */
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import mysql from 'mysql2/promise';
import type { Connection, ConnectionOptions, FieldPacket, TypeCast } from 'mysql2/promise';
import type { DestinationConfig } from '../manifest/types.js';
import { byteStringOf } from '../model/byte-string.js';
import { PssyncError, errorMessage } from '../model/errors.js';
import { shardTargetDatabase } from '../dialect/vitess.js';

/** A Buffer is sent as bytes (X'…'): binary values (model/byte-string.ts). */
export type SqlValue = string | number | bigint | Buffer | null;
export type SqlRow = readonly (string | null)[];

export interface QueryOptions {
  /**
   * Result columns (by name) known to hold character data, never bytes or MySQL 8's binary-labelled
   * JSON: read with the driver's own decoding instead of checking every value's bytes (issue 7:
   * reading a table for a plan takes a third of the CPU).
   */
  readonly textColumns?: ReadonlySet<string>;
  /** Result columns (by name) holding bytes (BINARY, VARBINARY, BLOB): read as byte strings (model/byte-string.ts). */
  readonly byteColumns?: ReadonlySet<string>;
}

/**
 * A write's answer: `affectedRows` (with CLIENT_FOUND_ROWS, mysql2's default, an UPDATE counts the
 * rows it matched) and the server's `info` text ("Records: 3  Duplicates: 0  Warnings: 0",
 * "Rows matched: 2  Changed: 1  Warnings: 0"; empty for a DELETE or a one-row INSERT).
 */
export interface WriteOutcome {
  readonly affectedRows: number;
  readonly info: string;
}

/** The narrow database surface the rest of pssync uses: easy to read, easy to fake in unit tests. */
export interface Db {
  /** Rows as arrays of text values (or null), in select-list order. */
  query(sql: string, params?: readonly SqlValue[], options?: QueryOptions): Promise<SqlRow[]>;
  /** A statement without a result set; returns affected rows. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** The same, with what the server says it did (apply checks every write's row count). */
  write?(sql: string, params?: readonly SqlValue[]): Promise<WriteOutcome>;
  close(): Promise<void>;
  // Real connections have these; fakes in unit tests may leave them out.
  /** Reopens the connection (after it was lost) with the same options and session settings. */
  reconnect?(): Promise<void>;
  /** Opens a second, independent connection to the same destination. */
  fork?(): Promise<Db>;
  /** False once the server or the network closed the connection. */
  isOpen?(): boolean;
  /** Bytes received from the server so far (what a plan reports it read). */
  bytesRead?(): number;
}

/**
 * Every column as text (BIT as its decimal value), so nothing is lost to JS numbers or Dates.
 * Strings arrive as UTF-8 (the server converts them to the connection's utf8mb4), except binary
 * strings and BLOBs, which arrive as their bytes, and MySQL 8's JSON, which it labels binary:
 * those are read as UTF-8 too when they are (pssync writes text as its UTF-8 bytes), else as
 * Latin-1 so that any bytes survive. mysql2's field.string() would decode them as Latin-1.
 */
const asText: Exclude<TypeCast, boolean> = (field) => {
  switch (field.type) {
    case 'BIT': {
      const bytes = field.buffer();
      if (bytes === null) return null;
      let value = 0n;
      for (const byte of bytes) value = (value << 8n) | BigInt(byte);
      return value.toString();
    }
    case 'STRING':
    case 'VAR_STRING':
    case 'BLOB':
    case 'TINY_BLOB':
    case 'MEDIUM_BLOB':
    case 'LONG_BLOB':
    case 'JSON': {
      const bytes = field.buffer();
      if (bytes === null) return null;
      return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
    }
    default:
      return field.string();
  }
};

const BYTE_TYPES: ReadonlySet<string> = new Set(['STRING', 'VAR_STRING', 'VARCHAR', 'BLOB', 'TINY_BLOB', 'MEDIUM_BLOB', 'LONG_BLOB']);

/**
 * For a source query: asText, except that the named string columns come as their bytes (a
 * Buffer), so that a binary column's bytes reach a VARBINARY/BLOB column unchanged and text
 * columns decode them as UTF-8 or refuse them. The names are filled in when the result's column
 * definitions arrive, before its first row.
 */
export function castKeepingBytes(byteFields: ReadonlySet<string>): Exclude<TypeCast, boolean> {
  return (field, next) => (byteFields.has(field.name) && BYTE_TYPES.has(field.type) ? field.buffer() : asText(field, next));
}

/** asText, except that the named columns are decoded by the driver or kept as bytes (see QueryOptions). */
function asTextKnowing(options: QueryOptions): Exclude<TypeCast, boolean> {
  const text = options.textColumns ?? new Set<string>();
  const bytes = options.byteColumns ?? new Set<string>();
  return (field, next) => {
    if (text.has(field.name)) return field.string();
    if (!bytes.has(field.name)) return asText(field, next);
    const value = field.buffer();
    return value === null ? null : byteStringOf(value);
  };
}

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
    // pssync writes timestamps in UTC; see `initSession`.
    timezone: 'Z',
    // Performance (issue 7): without values there is nothing to substitute. mysql2's default would
    // still scan the whole text for `?` (skipping every quoted literal), which for the writers'
    // multi-MiB statements costs more client CPU than building them.
    queryFormat: (sql: string, values: unknown) =>
      values === undefined || values === null || (Array.isArray(values) && values.length === 0) ? sql : mysql.format(sql, values as SqlValue[], false, 'Z'),
  };
  // A Vitess shard target is a database name vtgate parses (dialect/vitess.ts).
  if (withDatabase) options.database = destination.shard !== undefined ? shardTargetDatabase(destination.database, destination.shard) : destination.database;
  if (destination.tls !== 'disabled') {
    if (destination.tls === 'required' && isIP(destination.host) !== 0) {
      // mysql2 checks an IP address host against the name "localhost" (Node only learns the host
      // from a name lookup): rather than a check that proves nothing, refuse and say what works.
      throw new PssyncError(
        'PSSYNC_E_CONNECT',
        `destination "${destination.name}": tls: required checks that the server's certificate names the host, which cannot be done for an IP address (${destination.host}); connect by the host name on the certificate, or use tls: verify-ca (checks the certificate's CA, not its names)`,
        { destination: destination.name },
      );
    }
    const ca = destination.caFile ? readCaFile(destination) : undefined;
    options.ssl = {
      // Without ca_file, Node's bundled public CAs verify the server (PlanetScale's certificates).
      rejectUnauthorized: true,
      ...(ca ? { ca } : {}),
      minVersion: 'TLSv1.2',
      // required also checks that the certificate names the host (mysql2 does so only when asked,
      // and ignores a checkServerIdentity option); verify-ca checks the chain only (proxies).
      verifyIdentity: destination.tls === 'required',
    };
  }
  return options;
}

function readCaFile(destination: DestinationConfig): Buffer {
  try {
    return readFileSync(destination.caFile!);
  } catch (error) {
    throw new PssyncError('PSSYNC_E_CONNECT', `cannot read ca_file of destination "${destination.name}": ${errorMessage(error)}`, { destination: destination.name });
  }
}

/**
 * Session settings every connection gets, also after a reconnect: UTC, and string literals that
 * mean what pssync's escaping says. mysql2 escapes with backslashes (`'it\'s'`); under the
 * NO_BACKSLASH_ESCAPES sql_mode a backslash is an ordinary character, so `\'` would end the
 * string and the rest of a value would be read as SQL. The mode is switched off for the session.
 */
export async function initSession(connection: Connection): Promise<void> {
  await connection.query("SET time_zone = '+00:00'");
  const [rows] = (await connection.query({ sql: 'SELECT @@SESSION.sql_mode', rowsAsArray: true })) as [unknown[][], FieldPacket[]];
  const mode = String(rows[0]?.[0] ?? '');
  const modes = mode.split(',').filter((item) => item !== '');
  if (modes.some((item) => item.toUpperCase() === 'NO_BACKSLASH_ESCAPES')) {
    const kept = modes.filter((item) => item.toUpperCase() !== 'NO_BACKSLASH_ESCAPES').join(',');
    // A literal without backslashes or quotes: safe to send whatever the current mode.
    await connection.query(`SET SESSION sql_mode = '${kept.replace(/[^A-Za-z0-9_,]/g, '')}'`);
  }
}

/** A mysql2 connection behind the Db surface; reopenable, forkable. */
class DestinationDb implements Db {
  private lost = false;
  /** Bytes received on connections replaced by a reconnect. */
  private earlierBytes = 0;

  private constructor(
    private connection: Connection,
    private readonly options: ConnectionOptions,
  ) {
    this.watch(connection);
  }

  static async open(options: ConnectionOptions): Promise<DestinationDb> {
    return new DestinationDb(await openConnection(options), options);
  }

  /** A closed socket must not crash the process (mysql2 emits 'error' when no query is waiting). */
  private watch(connection: Connection): void {
    connection.on('error', () => {
      if (connection === this.connection) this.lost = true;
    });
    connection.on('end', () => {
      if (connection === this.connection) this.lost = true;
    });
  }

  async query(sql: string, params: readonly SqlValue[] = [], options: QueryOptions = {}): Promise<SqlRow[]> {
    const typeCast = options.textColumns?.size || options.byteColumns?.size ? { typeCast: asTextKnowing(options) } : {};
    const [rows] = (await this.connection.query({ sql, values: params as SqlValue[], rowsAsArray: true, ...typeCast })) as [SqlRow[], FieldPacket[]];
    return rows;
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.write(sql, params)).affectedRows;
  }

  async write(sql: string, params: readonly SqlValue[] = []): Promise<WriteOutcome> {
    const [result] = await this.connection.query(sql, params as SqlValue[]);
    const header = result as { affectedRows?: number; info?: string };
    return { affectedRows: header.affectedRows ?? 0, info: header.info ?? '' };
  }

  isOpen(): boolean {
    return !this.lost;
  }

  bytesRead(): number {
    return this.earlierBytes + socketBytesRead(this.connection);
  }

  async reconnect(): Promise<void> {
    const old = this.connection;
    const fresh = await openConnection(this.options);
    this.earlierBytes += socketBytesRead(old);
    this.connection = fresh;
    this.lost = false;
    this.watch(fresh);
    old.destroy();
  }

  async fork(): Promise<Db> {
    return DestinationDb.open(this.options);
  }

  async close(): Promise<void> {
    if (this.lost) {
      this.connection.destroy();
      return;
    }
    await this.connection.end().catch(() => this.connection.destroy());
  }
}

/** The socket under mysql2's promise wrapper (its typings do not show it). */
function socketBytesRead(connection: Connection): number {
  const core = (connection as unknown as { connection?: { stream?: { bytesRead?: number } } }).connection;
  return core?.stream?.bytesRead ?? 0;
}

async function openConnection(options: ConnectionOptions): Promise<Connection> {
  const connection = await mysql.createConnection(options);
  // Until `watch` takes over, a socket error must not be an unhandled 'error' event.
  connection.on('error', () => undefined);
  try {
    await initSession(connection);
  } catch (error) {
    connection.destroy();
    throw error;
  }
  return connection;
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
    return await DestinationDb.open(connectionOptions(destination));
  } catch (error) {
    if (error instanceof PssyncError) throw error;
    throw new PssyncError(
      'PSSYNC_E_CONNECT',
      `cannot connect to destination "${destination.name}" (${destination.host}:${destination.port}/${destination.database}): ${errorMessage(error)}${connectHint(error, destination)}`,
      { destination: destination.name },
      { cause: error },
    );
  }
}

/** What to do about the usual connection failures, TLS ones above all. */
export function connectHint(error: unknown, destination: Pick<DestinationConfig, 'tls' | 'caFile' | 'shard'>): string {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const text = errorMessage(error);
  // ER_BAD_DB_ERROR: only vtgate reads `keyspace:shard@primary` as a target; MySQL sees a database name.
  if (destination.shard !== undefined && (error as { errno?: unknown } | null)?.errno === 1049) {
    return `\n  A shard target (shard "${destination.shard}") works only through Vitess vtgate; for MySQL or MariaDB, name just the database.`;
  }
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT' || /does not support secure connection/i.test(text)) {
    return `\n  The server does not offer TLS, and tls is "${destination.tls}": nothing was sent unencrypted. Enable TLS on the server, or set tls: disabled if this network is trusted.`;
  }
  if (/altnames|Hostname\/IP does not match/i.test(text)) {
    return `\n  The server's certificate is not for this host name; connect with the name on the certificate, or use tls: verify-ca to check the CA only.`;
  }
  if (/certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_|DEPTH_ZERO/i.test(`${code} ${text}`)) {
    const ca = destination.caFile
      ? `it is not signed by the CA in ca_file (${destination.caFile})`
      : 'it is not signed by a CA this system trusts; set ca_file to the CA that signed it';
    return `\n  The server's TLS certificate was refused: ${ca}.`;
  }
  if (code === 'ER_ACCESS_DENIED_ERROR' || (error as { errno?: unknown } | null)?.errno === 1045) {
    return '\n  Check the username and password (PlanetScale credentials are per branch).';
  }
  return '';
}

