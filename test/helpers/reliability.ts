/**
 * Helpers for the reliability tests (crash, concurrency, retry, TLS): the CLI as a child process
 * that can be watched and killed, the server's PROCESSLIST as a trigger, datasets big enough for
 * many statements, and a throw-away second MariaDB server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { PSSYNC_BIN } from './workspace.js';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running pssync: its output so far, a way to wait for a line, and to kill it. */
export class RunningCli {
  stdout = '';
  stderr = '';
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];

  constructor(args: readonly string[], options: { cwd: string; env?: Record<string, string> }) {
    this.child = spawn(process.execPath, [PSSYNC_BIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: 'true', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.pattern.test(this.stderr)) return true;
        waiter.resolve();
        return false;
      });
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        for (const waiter of this.waiters) waiter.resolve();
        this.waiters = [];
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when stderr matches (or the process ended). */
  waitForStderr(pattern: RegExp): Promise<void> {
    if (pattern.test(this.stderr)) return Promise.resolve();
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  /** SIGKILL: no cleanup, no goodbye to the server. Resolves with how it ended. */
  async kill(): Promise<Exit> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }
}

export function startCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): RunningCli {
  return new RunningCli(args, options);
}

export interface SeenStatement {
  readonly id: number;
  /** Start and end of the statement's text. */
  readonly text: string;
}

/**
 * Watches a database's PROCESSLIST (every few ms) for statements of other sessions. Statements are
 * told apart by connection id and text, so "the third staging INSERT" means the third distinct one.
 */
export class StatementWatcher {
  private constructor(
    private readonly connection: mysql.Connection,
    private readonly database: string,
  ) {}

  static async open(url: string, database: string): Promise<StatementWatcher> {
    const server = new URL(url);
    const connection = await mysql.createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: decodeURIComponent(server.username || 'root'),
      password: decodeURIComponent(server.password),
    });
    return new StatementWatcher(connection, database);
  }

  async current(): Promise<SeenStatement[]> {
    const [rows] = await this.connection.query(
      `SELECT ID AS id, CONCAT(LEFT(INFO, 160), ' … ', RIGHT(INFO, 60)) AS text FROM information_schema.PROCESSLIST
        WHERE DB = ? AND INFO IS NOT NULL AND ID <> CONNECTION_ID() AND INFO NOT LIKE '%information_schema.PROCESSLIST%'`,
      [this.database],
    );
    return (rows as Array<{ id: number; text: string }>).map((row) => ({ id: Number(row.id), text: row.text }));
  }

  /**
   * Resolves with the `occurrence`-th distinct statement matching `pattern`, as soon as it is seen
   * running; undefined when `until` resolves first (the process ended) or after `timeoutMs`.
   */
  async waitFor(pattern: RegExp, occurrence = 1, until?: Promise<unknown>, timeoutMs = 30_000): Promise<SeenStatement | undefined> {
    const seen = new Set<string>();
    let done = false;
    void until?.then(() => (done = true));
    const deadline = performance.now() + timeoutMs;
    while (!done && performance.now() < deadline) {
      for (const statement of await this.current()) {
        if (!pattern.test(statement.text)) continue;
        seen.add(`${statement.id}\0${statement.text}`);
        if (seen.size >= occurrence) return statement;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return undefined;
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.connection.query(sql, params);
    return rows as T[];
  }

  async close(): Promise<void> {
    await this.connection.end();
  }
}

export type DatasetRow = readonly [id: string, name: string, score: string, note: string];

/**
 * A CSV of `count` rows (id, name, score, note) starting at id `first`, and the rows MariaDB/MySQL
 * return for it after apply (DECIMAL(10,2) with two decimals). `variant` changes every value.
 */
export function writeDataset(path: string, first: number, count: number, variant: string): DatasetRow[] {
  const rows: DatasetRow[] = [];
  const lines = ['id,name,score,note'];
  for (let id = first; id < first + count; id += 1) {
    const name = `${variant} name ${id}`;
    const score = `${(id * 7) % 10_000}.${variant.length % 10}5`;
    const note = `${variant}-${(id * 31) % 99_991}`;
    rows.push([String(id), name, score, note]);
    lines.push(`${id},${name},${score},${note}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return rows;
}

/** The table's rows as text, by id. */
export async function tableRows(query: <T>(sql: string) => Promise<T[]>, table: string): Promise<DatasetRow[]> {
  const rows = await query<{ id: string; name: string; score: string; note: string }>(
    `SELECT CAST(t.id AS CHAR) AS id, t.name, CAST(t.score AS CHAR) AS score, t.note FROM \`${table}\` t ORDER BY t.id`,
  );
  return rows.map((row) => [String(row.id), row.name, String(row.score), row.note]);
}

export async function stagingTables(query: <T>(sql: string) => Promise<T[]>): Promise<string[]> {
  const rows = await query<{ name: string }>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE '\\_pssync\\_stage\\_%'",
  );
  return rows.map((row) => row.name);
}

/** A free TCP port on 127.0.0.1 (there is a small race until the server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const MARIADBD = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadbd'];
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db', '/usr/scripts/mariadb-install-db'];

/** Why a second MariaDB server cannot be started here, or undefined when it can. */
export function secondServerUnavailable(): string | undefined {
  if (!MARIADBD.some(existsSync)) return `no MariaDB server binary (looked for ${MARIADBD.join(', ')})`;
  if (!INSTALL_DB.some(existsSync)) return `no mariadb-install-db (looked for ${INSTALL_DB.join(', ')})`;
  if (!process.getuid || process.getuid() !== 0) return 'not running as root (mariadbd would need its own user setup)';
  return undefined;
}

export interface SecondServer {
  readonly port: number;
  readonly dir: string;
  /** Runs SQL as root over the server's socket. */
  sql(statement: string): void;
  stop(): Promise<void>;
}

/**
 * Starts a throw-away MariaDB on a free loopback port: its own datadir (mariadb-install-db) in a
 * temporary directory, TLS options as given. `stop()` shuts it down and removes the directory.
 */
export async function startSecondServer(extraArgs: readonly string[] = []): Promise<SecondServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pssync-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'mariadb.sock');
  const install = spawnSync(INSTALL_DB.find(existsSync)!, ['--no-defaults', `--datadir=${datadir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`);
  }
  const port = await freePort();
  const child = spawn(
    MARIADBD.find(existsSync)!,
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      '--user=root',
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
      '--skip-name-resolve',
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const ended = new Promise((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await ended;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const client = ['/usr/bin/mariadb', '/usr/bin/mysql'].find(existsSync) ?? 'mariadb';
  const sql = (statement: string) => {
    const result = spawnSync(client, ['--no-defaults', `--socket=${socket}`, '-uroot', '-e', statement], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`SQL on the second server failed: ${result.stderr}`);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error('the second MariaDB server exited during startup');
    }
    try {
      sql('SELECT 1');
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { port, dir, sql, stop };
}

/** Creates a CA and a server certificate for `names` (DNS or IP SANs) with openssl, in `dir`. */
export function makeCertificates(dir: string, prefix: string, names: { dns?: string[]; ip?: string[] }, ca?: { cert: string; key: string }): { ca: string; caKey: string; cert: string; key: string } {
  const run = (args: string[]) => {
    const result = spawnSync('openssl', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
  };
  const caCert = ca?.cert ?? join(dir, `${prefix}-ca.pem`);
  const caKey = ca?.key ?? join(dir, `${prefix}-ca.key`);
  if (!ca) run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', `/CN=pssync test CA ${prefix}`]);
  const key = join(dir, `${prefix}-server.key`);
  const csr = join(dir, `${prefix}-server.csr`);
  const cert = join(dir, `${prefix}-server.pem`);
  const ext = join(dir, `${prefix}-ext.cnf`);
  const sans = [...(names.dns ?? []).map((name) => `DNS:${name}`), ...(names.ip ?? []).map((ip) => `IP:${ip}`)];
  writeFileSync(ext, `subjectAltName=${sans.join(',')}\n`);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${names.dns?.[0] ?? names.ip?.[0] ?? 'server'}`]);
  run(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { ca: caCert, caKey, cert, key };
}
