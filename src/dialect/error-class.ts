/**
 * What to do about a failed statement (pure). Three answers:
 *   - `transient`: the statement may succeed if sent again (deadlock, lock wait timeout, lost
 *     connection, server restarting, Vitess reparenting or out of transaction slots): retry it
 *     with backoff, reconnecting first when the connection is gone;
 *   - `shrink`: the statement was too big or too slow for the server's limits (PlanetScale's 20 s
 *     transaction timeout, 100,000 rows per query, a packet over max_allowed_packet): send the same
 *     rows again in smaller statements;
 *   - `permanent`: sending it again cannot help (duplicate key, unknown table or column, access
 *     denied, syntax, row size, unsupported, DDL refused, anything unrecognised): stop the sync.
 *
 * MySQL 8, MariaDB and Vitess are told apart by error text, not by asking which server this is:
 * Vitess wraps most of its own errors in errno 1105 (or 1317 / 1203 / 1153 by gRPC code), so its
 * texts are matched before errnos. The texts and errnos are the servers' own; the unit tests
 * (test/unit/db/error-class.test.ts) pin them.
 */
import { errorText } from '../model/errors.js';
import { DDL_REFUSED_TEXT, errorNumber } from './dialect.js';

export type ErrorKind = 'transient' | 'shrink' | 'permanent';

export interface ErrorClass {
  readonly kind: ErrorKind;
  /** Short reason for logs and messages, e.g. "deadlock", "lost connection". */
  readonly reason: string;
  /** The connection is gone (or unusable): reopen it before the next statement. */
  readonly reconnect: boolean;
}

interface TextRule {
  readonly pattern: RegExp;
  readonly kind: ErrorKind;
  readonly reason: string;
  readonly reconnect?: boolean;
}

/**
 * Texts first: they are more specific than errnos (Vitess reports "Row count exceeded" as 1203 and
 * a transaction timeout as 1317 or 2013; PlanetScale's "direct DDL is disabled" is a generic 1105).
 */
const TEXT_RULES: readonly TextRule[] = [
  // Permanent, whatever errno carries them.
  { pattern: DDL_REFUSED_TEXT, kind: 'permanent', reason: 'DDL refused' },
  { pattern: /\bVT12001\b|\bunsupported:/i, kind: 'permanent', reason: 'unsupported' },
  // Too big or too slow: shrink the statement.
  { pattern: /row count exceeded/i, kind: 'shrink', reason: 'row count exceeded' },
  { pattern: /message larger than max/i, kind: 'shrink', reason: 'message larger than max' },
  { pattern: /exceeded timeout|context deadline exceeded|DeadlineExceeded/i, kind: 'shrink', reason: 'transaction timeout' },
  { pattern: /max(imum)?[_ ]statement[_ ]?(execution[_ ])?time exceeded/i, kind: 'shrink', reason: 'statement timeout' },
  // Vitess: tablet not serving, reparenting, no tablet, out of transaction slots, throttled.
  { pattern: /not serving|NOT_SERVING/i, kind: 'transient', reason: 'not serving' },
  { pattern: /no endpoints|no healthy tablet|no valid tablet/i, kind: 'transient', reason: 'no endpoints' },
  { pattern: /transaction pool connection limit exceeded/i, kind: 'transient', reason: 'transaction pool full' },
  { pattern: /Transaction throttled/i, kind: 'transient', reason: 'throttled' },
  { pattern: /code = Unavailable|\bunavailable:/i, kind: 'transient', reason: 'unavailable' },
  // mysql2 after the socket closed; client-side texts of libmysql-based proxies.
  { pattern: /Can't add new command when connection is in closed state/i, kind: 'transient', reason: 'lost connection', reconnect: true },
  { pattern: /Connection lost|server has gone away|Lost connection to (MySQL|MariaDB)? ?server/i, kind: 'transient', reason: 'lost connection', reconnect: true },
];

interface ErrnoRule {
  readonly kind: ErrorKind;
  readonly reason: string;
  readonly reconnect?: boolean;
}

const ERRNO_RULES: ReadonlyMap<number, ErrnoRule> = new Map<number, ErrnoRule>([
  // Transient.
  [1213, { kind: 'transient', reason: 'deadlock' }], // ER_LOCK_DEADLOCK
  [1205, { kind: 'transient', reason: 'lock wait timeout' }], // ER_LOCK_WAIT_TIMEOUT
  [1053, { kind: 'transient', reason: 'server shutdown', reconnect: true }], // ER_SERVER_SHUTDOWN
  [1927, { kind: 'transient', reason: 'connection killed', reconnect: true }], // MariaDB ER_CONNECTION_KILLED
  [4031, { kind: 'transient', reason: 'disconnected for inactivity', reconnect: true }], // MySQL ER_CLIENT_INTERACTION_TIMEOUT
  [2006, { kind: 'transient', reason: 'lost connection', reconnect: true }], // CR_SERVER_GONE_ERROR
  [2013, { kind: 'transient', reason: 'lost connection', reconnect: true }], // CR_SERVER_LOST
  [1317, { kind: 'transient', reason: 'query interrupted' }], // ER_QUERY_INTERRUPTED (KILL QUERY; Vitess CANCELED)
  [1040, { kind: 'transient', reason: 'too many connections', reconnect: true }], // ER_CON_COUNT_ERROR
  [1203, { kind: 'transient', reason: 'too many connections' }], // ER_TOO_MANY_USER_CONNECTIONS (Vitess RESOURCE_EXHAUSTED)
  [1041, { kind: 'transient', reason: 'out of resources' }], // ER_OUT_OF_RESOURCES (Vitess "Transaction throttled")
  [1614, { kind: 'transient', reason: 'deadlock' }], // ER_XA_RBDEADLOCK
  // Too big or too slow.
  [1153, { kind: 'shrink', reason: 'packet too large', reconnect: true }], // ER_NET_PACKET_TOO_LARGE (the server hangs up)
  [1301, { kind: 'shrink', reason: 'result larger than max_allowed_packet' }], // ER_WARN_ALLOWED_PACKET_OVERFLOWED
  [3024, { kind: 'shrink', reason: 'statement timeout' }], // MySQL ER_QUERY_TIMEOUT
  [1969, { kind: 'shrink', reason: 'statement timeout' }], // MariaDB ER_STATEMENT_TIMEOUT
  [1197, { kind: 'shrink', reason: 'transaction too large for the binlog cache' }], // ER_TRANS_CACHE_FULL
  [1206, { kind: 'shrink', reason: 'too many row locks' }], // ER_LOCK_TABLE_FULL
]);

/** Network-level error codes of Node and mysql2 (no server errno). */
const TRANSIENT_CODES: ReadonlyMap<string, string> = new Map([
  ['PROTOCOL_CONNECTION_LOST', 'lost connection'],
  ['PROTOCOL_SEQUENCE_TIMEOUT', 'lost connection'],
  ['ECONNRESET', 'connection reset'],
  ['EPIPE', 'broken pipe'],
  ['ETIMEDOUT', 'timed out'],
  ['ECONNREFUSED', 'connection refused'],
  ['ECONNABORTED', 'connection aborted'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
  ['ENETDOWN', 'network down'],
  ['EAI_AGAIN', 'name lookup failed temporarily'],
]);

export function classifyError(error: unknown): ErrorClass {
  const code = errorCode(error);
  // Our own errors (lock lost, refused DDL, …) are decisions, not accidents.
  if ((error as { name?: unknown } | null)?.name === 'PssyncError') return { kind: 'permanent', reason: 'pssync', reconnect: false };
  const text = errorText(error);
  for (const rule of TEXT_RULES) {
    if (rule.pattern.test(text)) return { kind: rule.kind, reason: rule.reason, reconnect: rule.reconnect ?? isFatal(error) };
  }
  const errno = errorNumber(error);
  const byErrno = errno !== undefined ? ERRNO_RULES.get(errno) : undefined;
  if (byErrno) return { kind: byErrno.kind, reason: byErrno.reason, reconnect: byErrno.reconnect ?? isFatal(error) };
  const byCode = code ? TRANSIENT_CODES.get(code) : undefined;
  if (byCode) return { kind: 'transient', reason: byCode, reconnect: true };
  return { kind: 'permanent', reason: permanentReason(errno, text), reconnect: isFatal(error) };
}

/** Whether an error closed the connection (mysql2 marks those `fatal`). */
export function isFatal(error: unknown): boolean {
  return (error as { fatal?: unknown } | null)?.fatal === true;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const PERMANENT_REASONS: ReadonlyMap<number, string> = new Map([
  [1062, 'duplicate key'],
  [1146, 'table does not exist'],
  [1054, 'unknown column'],
  [1045, 'access denied'],
  [1044, 'access denied'],
  [1142, 'access denied'],
  [1227, 'access denied'],
  [1064, 'syntax error'],
  [1118, 'row size too large'],
  [1170, 'key on BLOB/TEXT without a length'],
  [1235, 'unsupported'],
  [1406, 'value too long'],
  [1366, 'incorrect value'],
  [1264, 'value out of range'],
]);

function permanentReason(errno: number | undefined, text: string): string {
  if (errno !== undefined) return PERMANENT_REASONS.get(errno) ?? `error ${errno}`;
  return text.split('\n')[0]!.slice(0, 80) || 'unknown error';
}
