/**
 * The error classifier against the servers' real errors: errno, SQLSTATE and message as MySQL 8,
 * MariaDB 10.11 and Vitess/PlanetScale send them, and the error objects mysql2 and Node make
 * (shape: { code, errno, sqlState, message, fatal }).
 */
import { describe, expect, it } from 'vitest';
import { classifyError, type ErrorKind } from '../../../src/dialect/error-class.js';
import { PssyncError } from '../../../src/model/errors.js';

/** A mysql2 server error: code is the ER_ symbol, errno the number. */
function serverError(errno: number, code: string, sqlState: string, message: string, fatal?: boolean): Error {
  return Object.assign(new Error(message), { errno, code, sqlState, sqlMessage: message, ...(fatal ? { fatal } : {}) });
}

/** A mysql2 / Node network error: code is the symbol, errno negative or absent, fatal. */
function networkError(code: string | undefined, message: string, errno?: number): Error {
  return Object.assign(new Error(message), { ...(code ? { code } : {}), ...(errno !== undefined ? { errno } : {}), fatal: true });
}

interface Case {
  readonly server: 'mysql' | 'mariadb' | 'vitess' | 'client';
  readonly error: Error;
  readonly kind: ErrorKind;
  readonly reconnect?: boolean;
}

const CASES: readonly Case[] = [
  // ---- transient ----
  { server: 'mysql', error: serverError(1213, 'ER_LOCK_DEADLOCK', '40001', 'Deadlock found when trying to get lock; try restarting transaction'), kind: 'transient', reconnect: false },
  { server: 'mariadb', error: serverError(1213, 'ER_LOCK_DEADLOCK', '40001', 'Deadlock found when trying to get lock; try restarting transaction'), kind: 'transient', reconnect: false },
  { server: 'mysql', error: serverError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'HY000', 'Lock wait timeout exceeded; try restarting transaction'), kind: 'transient', reconnect: false },
  { server: 'mariadb', error: serverError(1053, 'ER_SERVER_SHUTDOWN', '08S01', 'Server shutdown in progress'), kind: 'transient', reconnect: true },
  { server: 'mariadb', error: serverError(1927, 'ER_CONNECTION_KILLED', '70100', 'Connection was killed'), kind: 'transient', reconnect: true },
  { server: 'mysql', error: serverError(4031, 'ER_CLIENT_INTERACTION_TIMEOUT', 'HY000', 'The client was disconnected by the server because of inactivity. See wait_timeout and interactive_timeout for configuring this behavior.', true), kind: 'transient', reconnect: true },
  { server: 'mysql', error: serverError(1317, 'ER_QUERY_INTERRUPTED', '70100', 'Query execution was interrupted'), kind: 'transient', reconnect: false },
  { server: 'mysql', error: serverError(1040, 'ER_CON_COUNT_ERROR', '08004', 'Too many connections'), kind: 'transient' },
  // What mysql2 reports when the server closes the socket (KILL <id>, server restart, proxy hang-up).
  { server: 'client', error: networkError('PROTOCOL_CONNECTION_LOST', 'Connection lost: The server closed the connection.'), kind: 'transient', reconnect: true },
  { server: 'client', error: networkError(undefined, "Can't add new command when connection is in closed state"), kind: 'transient', reconnect: true },
  { server: 'client', error: networkError('ECONNRESET', 'read ECONNRESET', -104), kind: 'transient', reconnect: true },
  { server: 'client', error: networkError('EPIPE', 'write EPIPE', -32), kind: 'transient', reconnect: true },
  { server: 'client', error: networkError('ETIMEDOUT', 'connect ETIMEDOUT', -110), kind: 'transient', reconnect: true },
  { server: 'client', error: networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3306', -111), kind: 'transient', reconnect: true },
  { server: 'client', error: networkError('PROTOCOL_SEQUENCE_TIMEOUT', 'Query inactivity timeout'), kind: 'transient', reconnect: true },
  { server: 'client', error: serverError(2013, 'CR_SERVER_LOST', 'HY000', 'Lost connection to MySQL server during query'), kind: 'transient', reconnect: true },
  { server: 'client', error: serverError(2006, 'CR_SERVER_GONE_ERROR', 'HY000', 'MySQL server has gone away'), kind: 'transient', reconnect: true },
  { server: 'vitess', error: serverError(1105, 'ER_UNKNOWN_ERROR', 'HY000', 'target: commerce.0.primary: primary is not serving, there is a reparent operation in progress (errno 1105) (sqlstate HY000)'), kind: 'transient' },
  { server: 'vitess', error: serverError(1105, 'ER_UNKNOWN_ERROR', 'HY000', 'target: commerce.-80.primary: vttablet: rpc error: code = FailedPrecondition desc = operation not allowed in state NOT_SERVING (errno 1105) (sqlstate HY000)'), kind: 'transient' },
  { server: 'vitess', error: serverError(1105, 'ER_UNKNOWN_ERROR', 'HY000', 'unavailable: vtgate connection error: no endpoints, after 1 attempts (errno 1105) (sqlstate HY000)'), kind: 'transient' },
  { server: 'vitess', error: serverError(1105, 'ER_UNKNOWN_ERROR', 'HY000', "target: commerce.0.primary: no healthy tablet available for 'keyspace:\"commerce\" shard:\"0\" tablet_type:PRIMARY' (errno 1105) (sqlstate HY000)"), kind: 'transient' },
  { server: 'vitess', error: serverError(1203, 'ER_TOO_MANY_USER_CONNECTIONS', '42000', 'target: commerce.0.primary: vttablet: rpc error: code = ResourceExhausted desc = transaction pool connection limit exceeded (errno 1203) (sqlstate 42000)'), kind: 'transient' },
  { server: 'vitess', error: serverError(1041, 'ER_OUT_OF_RESOURCES', 'HY000', 'vttablet: rpc error: code = ResourceExhausted desc = Transaction throttled (errno 1041) (sqlstate HY000)'), kind: 'transient' },

  // ---- shrink and retry ----
  { server: 'vitess', error: serverError(1105, 'ER_UNKNOWN_ERROR', 'HY000', 'target: platform.-.primary: vttablet: rpc error: code = Aborted desc = transaction 1656362196194291371: ended at 2022-06-27 20:43:34.367 UTC (exceeded timeout: 20s) (CallerID: planetscale-admin) (errno 1105) (sqlstate HY000)'), kind: 'shrink' },
  { server: 'vitess', error: serverError(1317, 'ER_QUERY_INTERRUPTED', '70100', 'target: customer.-80.primary: vttablet: rpc error: code = Aborted desc = transaction 1703182545849001001: ended at 2023-12-21 14:07:41.515 EST (exceeded timeout: 30s) (CallerID: userData1) (errno 1317) (sqlstate 70100)'), kind: 'shrink' },
  { server: 'vitess', error: serverError(2013, 'CR_SERVER_LOST', 'HY000', 'vttablet: (errno 2013) due to context deadline exceeded, elapsed time: 20.000983581s, killing query ID 2751'), kind: 'shrink' },
  { server: 'vitess', error: serverError(1203, 'ER_TOO_MANY_USER_CONNECTIONS', '42000', 'target: commerce.0.primary: vttablet: rpc error: code = Aborted desc = Row count exceeded 100000 (errno 1203) (sqlstate 42000)'), kind: 'shrink' },
  { server: 'vitess', error: serverError(1105, 'ER_UNKNOWN_ERROR', 'HY000', 'in-memory row count exceeded allowed limit of 100000 (errno 1105) (sqlstate HY000)'), kind: 'shrink' },
  { server: 'vitess', error: serverError(1153, 'ER_NET_PACKET_TOO_LARGE', '08S01', 'rpc error: code = ResourceExhausted desc = grpc: received message larger than max (99282 vs. 16777216) (errno 1153) (sqlstate 08S01)'), kind: 'shrink' },
  { server: 'vitess', error: serverError(1153, 'ER_NET_PACKET_TOO_LARGE', '08S01', 'grpc: trying to send message larger than max (18015277 vs. 16777216) (errno 1153) (sqlstate 08S01)'), kind: 'shrink' },
  { server: 'mysql', error: serverError(1153, 'ER_NET_PACKET_TOO_LARGE', '08S01', "Got a packet bigger than 'max_allowed_packet' bytes", true), kind: 'shrink', reconnect: true },
  { server: 'mysql', error: serverError(3024, 'ER_QUERY_TIMEOUT', 'HY000', 'Query execution was interrupted, maximum statement execution time exceeded'), kind: 'shrink' },
  { server: 'mariadb', error: serverError(1969, 'ER_STATEMENT_TIMEOUT', '70100', 'Query execution was interrupted (max_statement_time exceeded)'), kind: 'shrink' },
  { server: 'mysql', error: serverError(1197, 'ER_TRANS_CACHE_FULL', 'HY000', "Multi-statement transaction required more than 'max_binlog_cache_size' bytes of storage; increase this mysqld variable and try again"), kind: 'shrink' },
  { server: 'mysql', error: serverError(1206, 'ER_LOCK_TABLE_FULL', 'HY000', 'The total number of locks exceeds the lock table size'), kind: 'shrink' },

  // ---- permanent ----
  { server: 'mysql', error: serverError(1062, 'ER_DUP_ENTRY', '23000', "Duplicate entry '1' for key 'customer_ltv.PRIMARY'"), kind: 'permanent' },
  { server: 'mariadb', error: serverError(1062, 'ER_DUP_ENTRY', '23000', "Duplicate entry '1' for key 'PRIMARY'"), kind: 'permanent' },
  { server: 'mysql', error: serverError(1146, 'ER_NO_SUCH_TABLE', '42S02', "Table 'analytics.customer_ltv' doesn't exist"), kind: 'permanent' },
  { server: 'vitess', error: serverError(1146, 'ER_NO_SUCH_TABLE', '42S02', "target: analytics.-.primary: vttablet: rpc error: code = NotFound desc = Table 'vt_analytics.customer_ltv' doesn't exist (errno 1146) (sqlstate 42S02) (CallerID: pscale): Sql: \"insert into customer_ltv …\""), kind: 'permanent' },
  { server: 'mysql', error: serverError(1054, 'ER_BAD_FIELD_ERROR', '42S22', "Unknown column 'ltv' in 'field list'"), kind: 'permanent' },
  { server: 'mysql', error: serverError(1045, 'ER_ACCESS_DENIED_ERROR', '28000', "Access denied for user 'app'@'10.0.0.1' (using password: YES)"), kind: 'permanent' },
  { server: 'mariadb', error: serverError(1044, 'ER_DBACCESS_DENIED_ERROR', '42000', "Access denied for user 'app'@'%' to database 'analytics'"), kind: 'permanent' },
  { server: 'mysql', error: serverError(1142, 'ER_TABLEACCESS_DENIED_ERROR', '42000', "INSERT command denied to user 'app'@'localhost' for table 'customer_ltv'"), kind: 'permanent' },
  { server: 'mysql', error: serverError(1064, 'ER_PARSE_ERROR', '42000', "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'FROM' at line 1"), kind: 'permanent' },
  { server: 'mysql', error: serverError(1118, 'ER_TOO_BIG_ROWSIZE', '42000', 'Row size too large. The maximum row size for the used table type, not counting BLOBs, is 65535. This includes storage overhead, check the manual. You have to change some columns to TEXT or BLOBs'), kind: 'permanent' },
  { server: 'mariadb', error: serverError(1170, 'ER_BLOB_KEY_WITHOUT_LENGTH', '42000', "BLOB/TEXT column 'email' used in key specification without a key length"), kind: 'permanent' },
  { server: 'vitess', error: serverError(1235, 'ER_NOT_SUPPORTED_YET', '42000', 'VT12001: unsupported: cross-shard DELETE with LIMIT is not supported (errno 1235) (sqlstate 42000)'), kind: 'permanent' },
  { server: 'mysql', error: serverError(1235, 'ER_NOT_SUPPORTED_YET', '42000', "This version of MySQL doesn't yet support 'LIMIT & IN/ALL/ANY/SOME subquery'"), kind: 'permanent' },
  { server: 'vitess', error: serverError(1105, 'ER_UNKNOWN_ERROR', 'HY000', 'direct DDL is disabled (errno 1105) (sqlstate HY000)'), kind: 'permanent' },
  { server: 'vitess', error: serverError(1105, 'ER_UNKNOWN_ERROR', 'HY000', 'Data Definition Language is not supported on branches with safe migrations enabled.'), kind: 'permanent' },
  { server: 'mysql', error: serverError(1406, 'ER_DATA_TOO_LONG', '22001', "Data too long for column 'name' at row 1"), kind: 'permanent' },
  { server: 'vitess', error: serverError(1105, 'ER_UNKNOWN_ERROR', 'HY000', 'vtgate: something nobody has seen before (errno 1105) (sqlstate HY000)'), kind: 'permanent' },
  { server: 'client', error: networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND db.example.invalid', -3008), kind: 'permanent' },
  { server: 'client', error: Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), kind: 'permanent' },
];

describe('classifyError', () => {
  for (const { server, error, kind, reconnect } of CASES) {
    it(`${server}: ${(error as { errno?: number }).errno ?? (error as { code?: string }).code ?? ''} "${error.message.slice(0, 90)}" is ${kind}`, () => {
      const result = classifyError(error);
      expect(result.kind).toBe(kind);
      if (reconnect !== undefined) expect(result.reconnect).toBe(reconnect);
      expect(result.reason).not.toBe('');
    });
  }

  it('a PssyncError (lock lost, DDL refused) is permanent whatever its text says', () => {
    expect(classifyError(new PssyncError('PSSYNC_E_LOCKED', 'lost connection holding the lock')).kind).toBe('permanent');
  });

  it('anything unrecognised is permanent: never retry blindly', () => {
    expect(classifyError(new TypeError('x is not a function')).kind).toBe('permanent');
    expect(classifyError('a string').kind).toBe('permanent');
    expect(classifyError(undefined).kind).toBe('permanent');
  });
});
