/**
 * Secrets never leave the process. A database user whose password (and name) come from the
 * environment runs every command — validate, plan (text, JSON, Markdown, --out), show, apply
 * (manifest and saved plan), introspect — and the failing paths: wrong password, unreachable host,
 * bad SQL in a mysql source (whose server error echoes the SQL), an apply that fails mid-write
 * (a trigger whose error message quotes the password), a lock held by the same user (progress
 * output names the holder), rejected rows that carry the password. After each, the password — raw,
 * URL-encoded, JSON-escaped or SQL-escaped — appears in no stdout, stderr, plan file or rejects file.
 * And no command takes a password on the command line.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockName } from '../../src/apply/lock.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace, type CliResult } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const tag = randomBytes(3).toString('hex');
const USER = `pssync_secret_${tag}`;
/** Recognisable, and with the characters escaping changes: quotes, a backslash, a percent sign. */
const PASSWORD = `Pw-RECOGNISABLE-${tag}-'q"b\\s%x`;
const WRONG = `${PASSWORD}-but-wrong`;

function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    secret.replace(/[\\'"]/g, (char) => `\\${char}`),
    'RECOGNISABLE', // any fragment long enough to identify it
  ];
}

/** Every file the workspace holds (plan files, rejects files), read back. */
function workspaceFiles(dir = workspace.dir): Array<{ path: string; text: string }> {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return workspaceFiles(path);
    return /\.(json|ndjson|md|txt|out)$/.test(name) ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}

function expectNoSecret(label: string, result: CliResult): void {
  const outputs = [
    { where: `${label}: stdout`, text: result.stdout },
    { where: `${label}: stderr`, text: result.stderr },
    ...workspaceFiles().map((file) => ({ where: `${label}: ${file.path}`, text: file.text })),
  ];
  for (const { where, text } of outputs) {
    for (const secret of [...forms(PASSWORD), ...forms(WRONG), USER]) {
      expect(text.includes(secret), `${where} contains ${JSON.stringify(secret)}:\n${text}`).toBe(false);
    }
  }
}

const manifest = (extra = '') => `version: 1
destinations:
  db:
    host: ${db.host}
    port: ${db.port}
    database: ${db.name}
    username: \${DB_USER}
    password: \${DB_PASSWORD}
    tls: disabled
  unreachable:
    host: 127.0.0.1
    port: 1
    database: ${db.name}
    username: \${DB_USER}
    password: \${DB_PASSWORD}
    tls: disabled
sources:
  people:
    kind: csv
    path: people.csv
  query:
    kind: mysql
    url: mysql://\${DB_USER}:\${DB_PASSWORD_URL}@${db.host}:${db.port}/${db.name}
    query: SELECT '\${DB_PASSWORD}' AS id FROM WHERE
syncs:
  people:
    source: people
    destination: db
    table: people
    mode: mirror
    primary_key: [id]
    max_rejected_rows: 1
    fields:
      - { from: id, to: id, type: int }
      - { from: name, to: name, type: varchar(200) }
${extra}`;

const broken = `  from_query:
    source: query
    destination: db
    table: from_query
    mode: upsert
    primary_key: [id]
  elsewhere:
    source: people
    destination: unreachable
    table: people
    mode: upsert
    primary_key: [id]
`;

describe(`secrets stay secret (${dialectOf(db.version)})`, () => {
  const env = (password = PASSWORD) => ({ DB_USER: USER, DB_PASSWORD: password, DB_PASSWORD_URL: encodeURIComponent(password) });
  const results: Array<[string, CliResult]> = [];
  const run = async (label: string, args: string[], password?: string) => {
    const result = await workspace.run(args, env(password));
    results.push([label, result]);
    expectNoSecret(label, result);
    return result;
  };

  beforeAll(async () => {
    await db.query(`CREATE USER '${USER}'@'%' IDENTIFIED BY ?`, [PASSWORD]);
    await db.query(`GRANT ALL ON \`${db.name}\`.* TO '${USER}'@'%'`);
    // A bad row (name too long for varchar(200)? no: a non-integer id) carrying the password.
    workspace.write('people.csv', `id,name\n1,alice\n2,bob\nnot-a-number,"${PASSWORD.replace(/"/g, '""')}"\n`);
    workspace.write('pssync.yaml', manifest());
    workspace.write('broken.yaml', manifest(broken));
  });

  afterAll(async () => {
    await db.query(`DROP USER IF EXISTS '${USER}'@'%'`);
  });

  it('validate, plan in every format, plan --out, show', async () => {
    expect((await run('validate', ['validate'])).code).toBe(0);
    expect((await run('plan', ['plan'])).code).toBe(0);
    expect((await run('plan json', ['plan', '--format', 'json'])).code).toBe(0);
    expect((await run('plan markdown', ['plan', '--format', 'markdown', '--samples', '5'])).code).toBe(0);
    expect((await run('plan --out', ['plan', '--out', 'saved.plan.json'])).code).toBe(0);
    expect((await run('show', ['show', 'saved.plan.json'])).code).toBe(0);
    expect((await run('show json', ['show', 'saved.plan.json', '--format', 'json'])).code).toBe(0);
  });

  it('apply (with a rejects file), apply of a saved plan, introspect', async () => {
    const applied = await run('apply', ['apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(workspaceFiles().some((file) => file.path.endsWith('.rejects.ndjson'))).toBe(true);
    workspace.write('people.csv', 'id,name\n1,alice\n3,carol\n');
    expect((await run('plan --out (2)', ['plan', '--out', 'second.plan.json'])).code).toBe(0);
    const saved = await run('apply saved plan', ['apply', 'second.plan.json', '--allow-deletes']);
    expect(saved.code, saved.stderr).toBe(0);
    expect((await run('introspect', ['introspect', '--destination', 'db', '--table', 'people'])).code).toBe(0);
  });

  it('wrong password, unreachable host, bad SQL in a mysql source: failures that say why, without the secret', async () => {
    const wrong = await run('wrong password', ['plan', '--sync', 'people'], WRONG);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Access denied');
    const wrongJson = await run('wrong password, json', ['plan', '--sync', 'people', '--format', 'json'], WRONG);
    expect(wrongJson.code).toBe(1);
    const unreachable = await run('unreachable host', ['plan', '-f', 'broken.yaml', '--sync', 'elsewhere']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('ECONNREFUSED');
    const badSql = await run('bad SQL in a mysql source', ['plan', '-f', 'broken.yaml', '--sync', 'from_query']);
    expect(badSql.code).toBe(1);
    expect(badSql.stdout + badSql.stderr).toMatch(/syntax/i);
    const badSqlApply = await run('bad SQL in a mysql source, apply', ['apply', '-f', 'broken.yaml', '--sync', 'from_query', '--auto-approve']);
    expect(badSqlApply.code).toBe(1);
  });

  it('an apply that fails mid-write with an error quoting the password', async () => {
    await db.query(
      `CREATE TRIGGER people_guard BEFORE INSERT ON people FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ?`,
      [`refused by the guard: ${PASSWORD}`],
    );
    try {
      workspace.write('people.csv', 'id,name\n1,alice\n3,carol\n4,dave\n');
      const failed = await run('failing apply', ['apply', '--auto-approve']);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('refused by the guard: ***');
    } finally {
      await db.query('DROP TRIGGER people_guard');
    }
  });

  it('progress output and the lock error name the lock holder without the (interpolated) user name', async () => {
    const holder = await mysql.createConnection({ host: db.host, port: db.port, user: USER, password: PASSWORD, database: db.name });
    try {
      await holder.query('SELECT GET_LOCK(?, 10)', [lockName(db.name, 'people')]);
      workspace.write('people.csv', 'id,name\n1,alice\n5,erin\n');
      const locked = await run('lock held', ['apply', '--auto-approve', '--allow-deletes', '--lock-timeout', '1']);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toContain('PSSYNC_E_LOCKED');
      expect(locked.stderr).toContain('waiting up to 1 s for another apply on database connection');
      expect(locked.stderr).toContain('(***@');
    } finally {
      await holder.end();
    }
  });

  it('no command takes a password on the command line', async () => {
    for (const command of ['validate', 'plan', 'apply', 'show', 'introspect']) {
      const help = await workspace.run([command, '--help']);
      expect(help.stdout + help.stderr).not.toMatch(/password|passwd|secret/i);
    }
    const refused = await workspace.run(['plan', '--password', 'hunter2-on-the-command-line']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Unknown argument: password');
  });

  it('ran every command, failing ones included', () => {
    expect(results.length).toBeGreaterThanOrEqual(18);
  });
});
