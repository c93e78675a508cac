/**
 * `postgres://` source URLs taken apart, as mysql-url.ts does for MySQL. TLS follows the
 * destinations' rules: `sslmode=require` (and `prefer`, `allow`) means a verified certificate
 * that names the host, `verify-ca` the chain only, `disable` none; without it, TLS is required
 * except on loopback hosts. Pure; error texts never quote the URL (it usually holds a password).
 */
import type { UrlParts } from './mysql-url.js';
import type { TlsMode } from './types.js';

/** `postgres://user:password@host:port/database?sslmode=…` (or `postgresql://`), percent-decoded. */
export function parsePostgresUrl(text: string): UrlParts | { error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: 'url is not a valid postgres:// URL (percent-encode special characters in the user name and password)' };
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return { error: 'url must start with postgres:// (or postgresql://)' };
  try {
    const parts: UrlParts = {};
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (host) parts.host = host;
    if (url.port) parts.port = Number(url.port);
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (database.includes('/')) return { error: 'url path must be just the database name' };
    if (database) parts.database = database;
    if (url.username) parts.username = decodeURIComponent(url.username);
    if (url.password) parts.password = decodeURIComponent(url.password);
    const tlsParam = url.searchParams.get('sslmode') ?? url.searchParams.get('ssl-mode') ?? url.searchParams.get('tls');
    if (tlsParam !== null) {
      const tls = SSL_MODES[tlsParam.toLowerCase()];
      if (!tls) return { error: `url sslmode must be one of ${Object.keys(SSL_MODES).join(', ')}` };
      parts.tls = tls;
    }
    return parts;
  } catch {
    return { error: 'url has a malformed percent-encoding' };
  }
}

/** libpq `sslmode` values (every one that encrypts also verifies here), and the manifest's `tls` values. */
const SSL_MODES: Readonly<Record<string, TlsMode>> = {
  disable: 'disabled',
  disabled: 'disabled',
  allow: 'required',
  prefer: 'required',
  require: 'required',
  required: 'required',
  'verify-ca': 'verify-ca',
  'verify-full': 'required',
};
