/**
 * TLS against a real second MariaDB server, started by this test on a free loopback port with its
 * own datadir (mariadb-install-db, in a temporary directory) and a CA and server certificate made
 * here with openssl (the certificate names `localhost` only). The test user REQUIRES SSL, so a
 * successful connection is an encrypted one. Checked:
 *   - `tls: required` with the right `ca_file` connects (plan and apply);
 *   - an untrusted certificate is refused: no `ca_file` (not a public CA), or another CA's file;
 *   - `required` checks the host name: a certificate of the trusted CA for another name is refused
 *     (swapped in with FLUSH SSL), and an IP address host, which mysql2 cannot check, is refused
 *     up front; `verify-ca` checks the chain only, so it connects — still not without the CA;
 *   - `disabled` sends no TLS (the REQUIRE SSL user is turned away; a plain user connects);
 *   - `required` against a server without TLS (the main test server) is refused, clearly.
 * Skipped, saying why, where a second server cannot be started (no mariadbd, not root).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.js';
import { makeCertificates, secondServerUnavailable, startSecondServer, type SecondServer } from '../helpers/reliability.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const unavailable = secondServerUnavailable();
const PASSWORD = 'tls-test-password-5ff1';

interface Target {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly tls: 'required' | 'verify-ca' | 'disabled';
  readonly caFile?: string;
  readonly database?: string;
}

function manifest(target: Target): string {
  return `version: 1
destinations:
  db:
    host: ${target.host}
    port: ${target.port}
    database: ${target.database ?? 'tlsdb'}
    username: ${target.user}
    password: \${DB_PASSWORD}
    tls: ${target.tls}
${target.caFile ? `    ca_file: ${target.caFile}\n` : ''}sources:
  rows:
    kind: csv
    path: rows.csv
syncs:
  rows:
    source: rows
    destination: db
    table: tls_rows
    mode: upsert
    primary_key: [id]
    fields:
      - { from: id, to: id, type: int }
      - { from: name, to: name, type: varchar(20) }
`;
}

describe.skipIf(unavailable !== undefined)(`TLS against a second MariaDB server${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let server: SecondServer;
  let certs: string;
  let trusted: { ca: string; cert: string; key: string };
  let other: { ca: string };
  let renamed: { cert: string; key: string };
  let serving: { cert: string; key: string };
  let count = 0;

  async function plan(target: Target, command: 'plan' | 'apply' = 'plan') {
    count += 1;
    workspace.write(`tls-${count}.yaml`, manifest(target));
    const args = command === 'plan' ? ['plan', '-f', `tls-${count}.yaml`] : ['apply', '-f', `tls-${count}.yaml`, '--auto-approve'];
    return workspace.run(args, { DB_PASSWORD: target.user === db.user ? db.password : PASSWORD });
  }

  beforeAll(async () => {
    certs = mkdtempSync(join(tmpdir(), 'pssync-certs-'));
    const cert = makeCertificates(certs, 'trusted', { dns: ['localhost'] });
    trusted = cert;
    // Same CA, another name: swapped in (FLUSH SSL) to check that required verifies the name.
    renamed = makeCertificates(certs, 'renamed', { dns: ['pssync-other.test'] }, { cert: cert.ca, key: cert.caKey });
    other = makeCertificates(certs, 'other', { dns: ['localhost'] });
    serving = { cert: join(certs, 'serving-cert.pem'), key: join(certs, 'serving-key.pem') };
    copyFileSync(cert.cert, serving.cert);
    copyFileSync(cert.key, serving.key);
    server = await startSecondServer([`--ssl-ca=${cert.ca}`, `--ssl-cert=${serving.cert}`, `--ssl-key=${serving.key}`]);
    server.sql(
      [
        'CREATE DATABASE tlsdb',
        `CREATE USER 'pssync_tls'@'%' IDENTIFIED BY '${PASSWORD}' REQUIRE SSL`,
        "GRANT ALL ON tlsdb.* TO 'pssync_tls'@'%'",
        `CREATE USER 'pssync_plain'@'%' IDENTIFIED BY '${PASSWORD}'`,
        "GRANT ALL ON tlsdb.* TO 'pssync_plain'@'%'",
      ].join('; '),
    );
    workspace.write('rows.csv', 'id,name\n1,one\n2,two\n');
  });

  afterAll(async () => {
    await server?.stop();
    if (certs) rmSync(certs, { recursive: true, force: true });
  });

  it('required with the right ca_file connects, and apply writes over it', async () => {
    const result = await plan({ host: 'localhost', port: server.port, user: 'pssync_tls', tls: 'required', caFile: trusted.ca });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('tls_rows');
    const applied = await plan({ host: 'localhost', port: server.port, user: 'pssync_tls', tls: 'required', caFile: trusted.ca }, 'apply');
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('Apply complete');
  });

  it('required without ca_file refuses a certificate no public CA signed', async () => {
    const result = await plan({ host: 'localhost', port: server.port, user: 'pssync_tls', tls: 'required' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PSSYNC_E_CONNECT');
    expect(result.stderr).toMatch(/self[- ]signed certificate|unable to verify/i);
    expect(result.stderr).toContain('not signed by a CA this system trusts; set ca_file');
  });

  it('required with another CA in ca_file refuses the certificate', async () => {
    const result = await plan({ host: 'localhost', port: server.port, user: 'pssync_tls', tls: 'required', caFile: other.ca });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PSSYNC_E_CONNECT');
    expect(result.stderr).toContain(`not signed by the CA in ca_file (${other.ca})`);
  });

  it('required checks the host name: an IP address cannot be checked; a certificate for another name is refused', async () => {
    const result = await plan({ host: '127.0.0.1', port: server.port, user: 'pssync_tls', tls: 'required', caFile: trusted.ca });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PSSYNC_E_CONNECT');
    expect(result.stderr).toContain('cannot be done for an IP address (127.0.0.1)');
    // By name: a certificate (from the trusted CA) for another name is refused; verify-ca accepts it.
    copyFileSync(renamed.cert, serving.cert);
    copyFileSync(renamed.key, serving.key);
    server.sql('FLUSH SSL');
    try {
      const otherName = await plan({ host: 'localhost', port: server.port, user: 'pssync_tls', tls: 'required', caFile: trusted.ca });
      expect(otherName.code).toBe(1);
      expect(otherName.stderr).toMatch(/altnames/);
      expect(otherName.stderr).toContain('use tls: verify-ca to check the CA only');
      const caOnly = await plan({ host: 'localhost', port: server.port, user: 'pssync_tls', tls: 'verify-ca', caFile: trusted.ca });
      expect(caOnly.code, caOnly.stderr).toBe(0);
    } finally {
      copyFileSync(trusted.cert, serving.cert);
      copyFileSync(trusted.key, serving.key);
      server.sql('FLUSH SSL');
    }
  });

  it('verify-ca checks the chain but not the host name; still not without the CA', async () => {
    const result = await plan({ host: '127.0.0.1', port: server.port, user: 'pssync_tls', tls: 'verify-ca', caFile: trusted.ca });
    expect(result.code, result.stderr).toBe(0);
    const untrusted = await plan({ host: '127.0.0.1', port: server.port, user: 'pssync_tls', tls: 'verify-ca', caFile: other.ca });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain('PSSYNC_E_CONNECT');
  });

  it('disabled sends no TLS: a REQUIRE SSL user is turned away, a plain user connects', async () => {
    const refused = await plan({ host: '127.0.0.1', port: server.port, user: 'pssync_tls', tls: 'disabled' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Access denied for user 'pssync_tls'/);
    const plain = await plan({ host: '127.0.0.1', port: server.port, user: 'pssync_plain', tls: 'disabled' });
    expect(plain.code, plain.stderr).toBe(0);
  });

  it('required against a server without TLS is refused with a clear message, before any credential is sent', async () => {
    // By name: an IP address host with `required` is refused before connecting (see above).
    const host = ['127.0.0.1', '::1'].includes(db.host) ? 'localhost' : db.host;
    const result = await plan({ host, port: db.port, user: db.user, tls: 'required', database: db.name });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PSSYNC_E_CONNECT');
    expect(result.stderr).toContain('The server does not offer TLS, and tls is "required"');
  });
});
