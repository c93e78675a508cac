/**
 * `mysql://` connection URLs taken apart (destinations accept one instead of host/port/…),
 * and the loopback test behind the `tls` default. Pure; error texts never quote the URL,
 * which usually holds a password.
 */
import type { TlsMode } from './types.js';

export interface UrlParts {
  host?: string;
  port?: number;
  database?: string;
  shard?: string;
  username?: string;
  password?: string;
  tls?: TlsMode;
}

/**
 * `mysql://user:password@host:port/database?ssl-mode=…`, percent-decoded. A Vitess shard target is
 * `/keyspace/shard` (`/commerce/-80`), the form vtgate itself prints in SHOW VITESS_SHARDS.
 */
export function parseMysqlUrl(text: string): UrlParts | { error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: 'url is not a valid mysql:// URL (percent-encode special characters in the user name and password)' };
  }
  if (url.protocol !== 'mysql:') return { error: 'url must start with mysql://' };
  try {
    const parts: UrlParts = {};
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (host) parts.host = host;
    if (url.port) parts.port = Number(url.port);
    const [database, shard, ...more] = url.pathname.replace(/^\//, '').split('/').map(decodeURIComponent);
    if (more.length > 0 || shard === '' || database?.includes('/')) return { error: 'url path must be the database name, or a Vitess keyspace and shard (/keyspace/-80)' };
    if (database) parts.database = database;
    if (shard !== undefined) parts.shard = shard;
    if (url.username) parts.username = decodeURIComponent(url.username);
    if (url.password) parts.password = decodeURIComponent(url.password);
    const tlsParam = url.searchParams.get('ssl-mode') ?? url.searchParams.get('sslmode') ?? url.searchParams.get('tls');
    if (tlsParam !== null) {
      const tls = TLS_PARAMS[tlsParam.toLowerCase()];
      if (!tls) return { error: `url ssl-mode/tls must be one of ${Object.keys(TLS_PARAMS).join(', ')}` };
      parts.tls = tls;
    }
    return parts;
  } catch {
    return { error: 'url has a malformed percent-encoding' };
  }
}

/** MySQL client `--ssl-mode` values, and the manifest's own `tls` values. */
const TLS_PARAMS: Readonly<Record<string, TlsMode>> = {
  disabled: 'disabled',
  preferred: 'required',
  required: 'required',
  verify_ca: 'verify-ca',
  'verify-ca': 'verify-ca',
  verify_identity: 'verify-ca',
  true: 'required',
  false: 'disabled',
};

/** Loopback hosts (localhost, 127.0.0.0/8, ::1) default to tls: disabled; a local MySQL rarely has TLS. */
export function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'localhost' || lower === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower);
}
