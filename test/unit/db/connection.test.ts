/** Connection options (TLS modes, no multi-statements) and the hints on connection failures. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectHint, connectionOptions } from '../../../src/db/connection.js';
import type { DestinationConfig } from '../../../src/manifest/types.js';

function destination(fields: Partial<DestinationConfig> = {}): DestinationConfig {
  return {
    name: 'warehouse',
    host: 'aws.connect.psdb.cloud',
    port: 3306,
    database: 'analytics',
    username: 'app',
    password: 'pw',
    tls: 'required',
    createDatabase: false,
    position: { file: 'pssync.yaml', line: 3, column: 3, path: 'destinations.warehouse' },
    ...fields,
  };
}

describe('connectionOptions', () => {
  it('required: verifies the chain against the system CAs and the host name, TLS 1.2 at least', () => {
    const options = connectionOptions(destination());
    expect(options.ssl).toEqual({ rejectUnauthorized: true, minVersion: 'TLSv1.2', verifyIdentity: true });
    expect(options.multipleStatements).toBe(false);
  });

  it('required with ca_file: that CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pssync-ca-'));
    writeFileSync(join(dir, 'ca.pem'), 'PEM');
    const options = connectionOptions(destination({ caFile: join(dir, 'ca.pem') }));
    expect(options.ssl).toMatchObject({ rejectUnauthorized: true, verifyIdentity: true });
    expect(String((options.ssl as { ca: Buffer }).ca)).toBe('PEM');
  });

  it('verify-ca: the chain, not the host name', () => {
    expect(connectionOptions(destination({ tls: 'verify-ca', host: '10.0.0.5' })).ssl).toEqual({ rejectUnauthorized: true, minVersion: 'TLSv1.2', verifyIdentity: false });
  });

  it('disabled: no TLS at all', () => {
    expect(connectionOptions(destination({ tls: 'disabled' })).ssl).toBeUndefined();
  });

  it('required with an IP address is refused: the host name check cannot be done', () => {
    for (const host of ['10.0.0.5', '127.0.0.1', '::1']) {
      expect(() => connectionOptions(destination({ host }))).toThrow(/cannot be done for an IP address.*tls: verify-ca/);
    }
  });

  it('an unreadable ca_file is a clear error', () => {
    expect(() => connectionOptions(destination({ caFile: '/nonexistent/ca.pem' }))).toThrow(/cannot read ca_file of destination "warehouse"/);
  });
});

describe('connectHint', () => {
  const required = { tls: 'required' as const };
  it('a server without TLS', () => {
    const error = Object.assign(new Error('Server does not support secure connection'), { code: 'HANDSHAKE_NO_SSL_SUPPORT' });
    expect(connectHint(error, required)).toContain('The server does not offer TLS, and tls is "required"');
  });

  it('an untrusted certificate, with and without ca_file', () => {
    const error = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(connectHint(error, required)).toContain('set ca_file to the CA that signed it');
    expect(connectHint(error, { tls: 'required', caFile: '/etc/ca.pem' })).toContain('not signed by the CA in ca_file (/etc/ca.pem)');
  });

  it('a certificate for another host name', () => {
    const error = Object.assign(new Error("Hostname/IP does not match certificate's altnames: Host: db.example.com. is not in the cert's altnames: DNS:other.example.com"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(connectHint(error, required)).toContain('use tls: verify-ca to check the CA only');
  });

  it('wrong credentials', () => {
    const error = Object.assign(new Error("Access denied for user 'app'@'10.0.0.1' (using password: YES)"), { errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' });
    expect(connectHint(error, required)).toContain('Check the username and password');
  });

  it('nothing to add otherwise', () => {
    expect(connectHint(new Error('connect ECONNREFUSED 127.0.0.1:3306'), required)).toBe('');
  });
});
