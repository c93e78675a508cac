#!/usr/bin/env node
/**
 * `npm run bench [-- --rows N] [--smoke] [--rounds R] [--strategies auto,staging,direct]`
 * `npm run bench -- --scale-out [--rows N] [--workers 1,2,4] [--smoke] [--missing-table]`: partitioned applies, 1 worker
 * against W concurrent workers (issue 15) — a separate mode, in lib/scale-out.js.
 *
 * Measures pssync against the practical limits of the same server, in the same run:
 *   baselines  LOAD DATA LOCAL INFILE (mariadb/mysql client), the same rows replayed as 4 MiB
 *              extended INSERTs (the server's floor for INSERT statements), a hand-written mysql2
 *              loader (INSERT … VALUES ? × 1,000 rows, one connection), plain reads of the CSV
 *              (PapaParse alone, and pssync's own reader) and of the table (SELECT * stream);
 *   pssync     initial load (upsert, into a missing table), a no-op plan, a 1%/1%/1% mirror
 *              re-sync, and the plan after it (must be empty) — per writer strategy, with peak
 *              RSS, statements, rows per statement and statement (= transaction) durations, and
 *              where the client CPU went (a V8 CPU profile of every run, summed by category:
 *              lib/profile.js; `--no-profile` runs without it).
 *   remote     (issue 13) the same server through a slow link (lib/slow-link.js: 20 ms round trip,
 *              100 Mbit/s, bytes counted): a no-op plan, a 1%/1%/1% mirror re-sync and verify
 *              after it, each by segment checksums and by the full read (`--compare full`);
 *              `--no-remote` skips it, `--link-rtt MS` and `--link-mbit N` change the link.
 * Prints Markdown tables with rows/s and ratios to the baselines, and checks issues 12 and 13's targets.
 * `--smoke` (CI): asserts nothing about speed, but fails when anything errors, when the writers
 * disagree about the table's contents, or when a plan after apply is not empty.
 */
import { execFileSync } from 'node:child_process';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { ensureDataset, FIELDS, resyncCounts } from './lib/generate.js';
import { BenchError, fail, fmt, log, manifest, median, openAdmin, parseApplyReport, pssync, ratio, seconds, tableDdl } from './lib/common.js';
import { measure, rssMethod } from './lib/measure.js';
import { runScaleOut } from './lib/scale-out.js';
import { formatProfile, PROFILE_CATEGORIES, summarizeProfiles } from './lib/profile.js';
import { startSlowLink } from './lib/slow-link.js';

const here = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const options = {
    rows: 1_000_000,
    smoke: false,
    rounds: 1,
    strategies: ['auto', 'staging', 'direct'],
    databaseUrl: process.env.PSSYNC_BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/',
    database: 'pssync_bench',
    dataDir: join(tmpdir(), 'pssync-bench'),
    out: undefined,
    cpuProf: undefined,
    profile: true,
    keep: false,
    remote: true,
    linkRttMs: 20,
    linkMbit: 100,
    scaleOut: false,
    workers: [1, 2, 4],
    missingTable: false,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const [flag, inline] = argv[index].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++index];
    switch (flag) {
      case '--rows': options.rows = Number(value()); break;
      case '--smoke': options.smoke = true; break;
      case '--rounds': options.rounds = Number(value()); break;
      case '--strategies': options.strategies = value().split(',').map((name) => name.trim()).filter(Boolean); break;
      case '--database-url': options.databaseUrl = value(); break;
      case '--database': options.database = value(); break;
      case '--data-dir': options.dataDir = resolve(value()); break;
      case '--out': options.out = resolve(value()); break;
      case '--cpu-prof': options.cpuProf = resolve(value()); break;
      case '--no-profile': options.profile = false; break;
      case '--keep': options.keep = true; break;
      case '--no-remote': options.remote = false; break;
      case '--link-rtt': options.linkRttMs = Number(value()); break;
      case '--link-mbit': options.linkMbit = Number(value()); break;
      case '--scale-out': options.scaleOut = true; break;
      case '--missing-table': options.missingTable = true; break;
      case '--workers': options.workers = value().split(',').map((count) => Number(count.trim())); break;
      case '--help':
        process.stdout.write(`npm run bench -- [--rows N] [--smoke] [--rounds R] [--strategies auto,staging,direct]
  [--database-url mysql://user:pass@host:port/] [--database NAME] [--data-dir DIR] [--out FILE.md]
  [--cpu-prof DIR] [--no-profile] [--keep] [--no-remote] [--link-rtt MS] [--link-mbit N]
--smoke (CI): 20,000 rows unless --rows says otherwise; asserts nothing about speed, fails on any
error, on writers that disagree about the table's contents, and on a plan after apply that is not
empty. Defaults: 1,000,000 rows, 1 round, all three strategies, $PSSYNC_BENCH_DATABASE_URL or
mysql://root@127.0.0.1:3306/, database pssync_bench (dropped and re-created), data in ${join(tmpdir(), 'pssync-bench')}.
Every pssync run is profiled (node --cpu-prof, one .cpuprofile per thread, summed by category);
--cpu-prof DIR keeps the profiles there, --no-profile runs without them.

npm run bench -- --scale-out [--rows N] [--workers 1,2,4] [--smoke] [--missing-table] [--database NAME] [--out FILE.md] [--keep]
Partitioned applies (issue 15): for each worker count W, an initial mirror load into an empty table
(--missing-table: into no table, a first run) and the 1%/1%/1% mirror re-sync, each by W concurrent
\`pssync apply --partition K/W\` (a plain apply for W = 1); group and per-worker wall time, peak RSS,
client and server CPU. Defaults: 4,000,000 rows (20,000 with --smoke), workers 1,2,4. --rounds,
--strategies and the profile and remote options do not apply to it.
`);
        process.exit(0);
      default:
        throw new Error(`unknown option ${flag} (try --help)`);
    }
  }
  const rowsGiven = argv.some((arg) => arg === '--rows' || arg.startsWith('--rows='));
  if (options.smoke && !rowsGiven) options.rows = 20_000;
  else if (options.scaleOut && !rowsGiven) options.rows = 4_000_000;
  // At most 64: pssync's partition locks are checked for every N up to 64 (docs/scale-out.md).
  if (options.workers.length === 0 || options.workers.some((count) => !Number.isInteger(count) || count < 1 || count > 64)) throw new Error('--workers must be a list of integers from 1 to 64, e.g. 1,2,4');
  if (!Number.isInteger(options.rows) || options.rows < 100) throw new Error('--rows must be an integer ≥ 100');
  if (!Number.isInteger(options.rounds) || options.rounds < 1) throw new Error('--rounds must be an integer ≥ 1');
  for (const strategy of options.strategies) {
    if (!['auto', 'staging', 'direct'].includes(strategy)) throw new Error(`unknown strategy ${strategy}`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function commandExists(name) {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function clientBinary() {
  return ['mariadb', 'mysql'].find(commandExists);
}

// ---------------------------------------------------------------------------------------------
// The run

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.scaleOut) return runScaleOut(options);
  const rows = options.rows;
  const { url, databaseUrl, admin } = await openAdmin(options);
  const [[{ version }]] = await admin.query('SELECT VERSION() AS version');
  const [[{ localInfile }]] = await admin.query('SELECT @@local_infile AS localInfile');
  await admin.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(options.database)}`);
  await admin.query(`CREATE DATABASE ${mysql.escapeId(options.database)}`);
  await admin.changeUser({ database: options.database });

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM (${fmt(freemem() / 2 ** 30, 1)} GiB free), Node ${process.version}`;
  log(`pssync bench: ${fmt(rows)} rows, ${options.rounds} round(s), strategies ${options.strategies.join(', ')}${options.smoke ? ' (smoke)' : ''}`);
  log(`server ${version} at ${url.host}; ${machine}`);

  const started = performance.now();
  const data = await ensureDataset(options.dataDir, rows);
  log(`data: ${data.dir} (${seconds(performance.now() - started)} s)`);
  const counts = resyncCounts(rows);
  const resyncRows = rows - counts.removed + counts.added;

  const work = mkdtempSync(join(tmpdir(), 'pssync-bench-work-'));
  const env = { ...process.env, BENCH_DATABASE_URL: databaseUrl.toString(), NO_COLOR: '1', PSSYNC_MANIFEST: '' };
  // One directory per pssync run: Node writes a profile per thread (the CSV reader has its own).
  const profileRoot = options.cpuProf ?? join(work, 'profiles');
  let profiledRuns = 0;
  const profileDir = (label) => join(profileRoot, `${label}-${(profiledRuns += 1)}`);

  const client = clientBinary();
  const createDdl = await tableDdl(work, env, rows);

  /** name → list of measurements (one per round) */
  const results = new Map();
  const record = (name, value) => {
    if (!results.has(name)) results.set(name, []);
    results.get(name).push(value);
  };
  const problems = [];
  const checksums = new Map();

  const resetTable = async (table) => {
    await admin.query(`DROP TABLE IF EXISTS ${mysql.escapeId(table)}`);
  };
  const checksum = async (table) => {
    const [[row]] = await admin.query(`CHECKSUM TABLE ${mysql.escapeId(table)}`);
    return String(row.Checksum);
  };

  const baselines = {
    async loadData() {
      if (!client) {
        problems.push('LOAD DATA baseline skipped: neither the `mariadb` nor the `mysql` client is installed');
        return;
      }
      if (Number(localInfile) !== 1) {
        problems.push('LOAD DATA baseline skipped: the server has local_infile=OFF (SET GLOBAL local_infile=1 to measure it)');
        return;
      }
      await resetTable('load_data');
      await admin.query(createDdl('load_data'));
      const columns = FIELDS.map((field) => (field.name === 'company' ? '@company' : `\`${field.name}\``)).join(', ');
      const sql = `LOAD DATA LOCAL INFILE ${mysql.escape(data.base)} INTO TABLE load_data CHARACTER SET utf8mb4
        FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY '' LINES TERMINATED BY '\\n' IGNORE 1 LINES
        (${columns}) SET company = NULLIF(@company, '')`;
      const args = ['--local-infile=1', '-h', url.hostname, '-P', url.port || '3306', '-u', decodeURIComponent(url.username || 'root'), options.database, '-e', sql];
      const result = await measure(client, args, { env: { ...process.env, MYSQL_PWD: decodeURIComponent(url.password) } });
      if (result.code !== 0) fail('LOAD DATA', result);
      const [[{ count }]] = await admin.query('SELECT COUNT(*) AS count FROM load_data');
      if (Number(count) !== rows) throw new BenchError(`LOAD DATA loaded ${count} rows, expected ${rows}`);
      record('load_data', { wallMs: result.wallMs, cpuMs: result.cpuMs, peakRssMb: result.peakRssMb });
      log(`LOAD DATA LOCAL INFILE: ${seconds(result.wallMs)} s`);
    },
    /**
     * The server's own floor for loading through INSERT statements: LOAD DATA's rows dumped as
     * 4 MiB extended INSERTs (mariadb-dump), replayed by the command-line client into an empty
     * table — the server parses and inserts, the client spends next to no CPU.
     */
    async insertReplay() {
      const dumper = client === 'mariadb' ? 'mariadb-dump' : 'mysqldump';
      if (!results.has('load_data') || !commandExists(dumper)) return;
      const dumpFile = join(work, 'replay.sql');
      const auth = ['-h', url.hostname, '-P', url.port || '3306', '-u', decodeURIComponent(url.username || 'root')];
      const authEnv = { ...process.env, MYSQL_PWD: decodeURIComponent(url.password) };
      execFileSync(dumper, [...auth, '--compact', '--no-create-info', '--skip-add-locks', '--skip-disable-keys', '--net-buffer-length=4194304', `--result-file=${dumpFile}`, options.database, 'load_data'], { env: authEnv });
      await admin.query('RENAME TABLE load_data TO load_data_kept');
      try {
        await admin.query(createDdl('load_data'));
        const result = await measure('sh', ['-c', `exec ${client} "$@" < "$DUMP"`, 'sh', ...auth, options.database], { env: { ...authEnv, DUMP: dumpFile } });
        if (result.code !== 0) fail('INSERT replay', result);
        record('insert_replay', { wallMs: result.wallMs, cpuMs: result.cpuMs, peakRssMb: result.peakRssMb });
        log(`INSERT replay (server floor for INSERT statements): ${seconds(result.wallMs)} s`);
      } finally {
        await admin.query('DROP TABLE IF EXISTS load_data');
        await admin.query('RENAME TABLE load_data_kept TO load_data');
        rmSync(dumpFile, { force: true });
      }
    },
    async mysql2Loader() {
      await resetTable('mysql2_loader');
      await admin.query(createDdl('mysql2_loader'));
      const result = await measure(process.execPath, [join(here, 'lib', 'mysql2-loader.js'), databaseUrl.toString(), 'mysql2_loader', data.base]);
      if (result.code !== 0) fail('mysql2 loader', result);
      record('mysql2_loader', { wallMs: result.wallMs, cpuMs: result.cpuMs, peakRssMb: result.peakRssMb });
      log(`mysql2 loader: ${seconds(result.wallMs)} s`);
    },
    async reads() {
      const table = results.has('load_data') ? 'load_data' : 'mysql2_loader';
      const papa = await measure(process.execPath, [join(here, 'lib', 'read-csv-papaparse.js'), data.base]);
      if (papa.code !== 0 || Number(papa.stdout) !== rows) fail('CSV read (PapaParse)', papa);
      record('read_csv_papaparse', { wallMs: papa.wallMs, cpuMs: papa.cpuMs, peakRssMb: papa.peakRssMb });
      const csv = await measure(process.execPath, [join(here, 'lib', 'read-csv.js'), data.base]);
      if (csv.code !== 0 || Number(csv.stdout) !== rows) fail('CSV read', csv);
      const select = await measure(process.execPath, [join(here, 'lib', 'read-table.js'), databaseUrl.toString(), table]);
      if (select.code !== 0 || Number(select.stdout) !== rows) fail('SELECT * read', select);
      record('read_csv', { wallMs: csv.wallMs, cpuMs: csv.cpuMs, peakRssMb: csv.peakRssMb });
      record('read_table', { wallMs: select.wallMs, cpuMs: select.cpuMs, peakRssMb: select.peakRssMb });
      log(`plain reads: CSV ${seconds(papa.wallMs)} s (PapaParse), ${seconds(csv.wallMs)} s (pssync's reader), SELECT * ${seconds(select.wallMs)} s`);
    },
  };

  const runPssync = async (label, args, expectCode = 0, { runEnv = env, profile = options.profile } = {}) => {
    const dir = profile ? profileDir(label) : undefined;
    if (dir) mkdirSync(dir, { recursive: true });
    const result = await measure(process.execPath, [...(dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : []), pssync, ...args], { cwd: work, env: runEnv });
    if (result.code !== expectCode) fail(`pssync ${args.join(' ')}`, result);
    return { ...result, profile: dir ? summarizeProfiles(dir) : undefined };
  };

  const pssyncSequence = async (strategy) => {
    const table = `pssync_${strategy}`;
    const initial = join(work, `initial-${strategy}.yaml`);
    const resync = join(work, `resync-${strategy}.yaml`);
    writeFileSync(initial, manifest({ table, csv: data.base, mode: 'upsert', strategy }));
    writeFileSync(resync, manifest({ table, csv: data.resync, mode: 'mirror', strategy }));
    await resetTable(table);

    const load = await runPssync(`${strategy}-initial`, ['apply', '-f', initial, '--auto-approve']);
    const loadStats = parseApplyReport(load.stderr);
    if (!loadStats || loadStats.insert !== rows) throw new BenchError(`initial load (${strategy}) did not report +${rows}:\n${load.stderr.slice(-2000)}`);
    record(`${strategy}:initial`, { wallMs: load.wallMs, cpuMs: load.cpuMs, peakRssMb: load.peakRssMb, stats: loadStats, profile: load.profile });
    checksums.set(`${strategy}:initial`, await checksum(table));
    log(`pssync ${strategy} initial load: ${seconds(load.wallMs)} s with the ${loadStats.strategy} writer, ${fmt(load.peakRssMb)} MB`);
    logProfile(load.profile, rows);

    const noop = await runPssync(`${strategy}-noop`, ['plan', '-f', initial, '--detailed-exitcode']);
    record(`${strategy}:noop`, { wallMs: noop.wallMs, cpuMs: noop.cpuMs, peakRssMb: noop.peakRssMb, profile: noop.profile });
    log(`pssync ${strategy} no-op plan: ${seconds(noop.wallMs)} s, ${fmt(noop.peakRssMb)} MB`);
    logProfile(noop.profile, rows);

    const mirror = await runPssync(`${strategy}-resync`, ['apply', '-f', resync, '--auto-approve']);
    const mirrorStats = parseApplyReport(mirror.stderr);
    if (!mirrorStats || mirrorStats.insert !== counts.added || mirrorStats.update !== counts.changed || mirrorStats.delete !== counts.removed) {
      throw new BenchError(`mirror re-sync (${strategy}) did not report +${counts.added} ~${counts.changed} -${counts.removed}:\n${mirror.stderr.slice(-2000)}`);
    }
    record(`${strategy}:resync`, { wallMs: mirror.wallMs, cpuMs: mirror.cpuMs, peakRssMb: mirror.peakRssMb, stats: mirrorStats, profile: mirror.profile });
    checksums.set(`${strategy}:resync`, await checksum(table));
    log(`pssync ${strategy} mirror re-sync: ${seconds(mirror.wallMs)} s, ${fmt(mirror.peakRssMb)} MB`);
    logProfile(mirror.profile, resyncRows);

    // Plan after apply must be empty (exit 0 with --detailed-exitcode; 2 would mean changes).
    const after = await runPssync(`${strategy}-after`, ['plan', '-f', resync, '--detailed-exitcode']);
    record(`${strategy}:after`, { wallMs: after.wallMs, cpuMs: after.cpuMs, peakRssMb: after.peakRssMb, profile: after.profile });
    const [[{ count }]] = await admin.query(`SELECT COUNT(*) AS count FROM ${mysql.escapeId(table)}`);
    if (Number(count) !== resyncRows) throw new BenchError(`${table} has ${count} rows after the re-sync, expected ${resyncRows}`);
  };

  // Issue 13: through a slow link, comparing by checksums against reading every row.
  const remoteSequence = async () => {
    const table = 'pssync_remote';
    const initial = join(work, 'remote-initial.yaml');
    const resync = join(work, 'remote-resync.yaml');
    writeFileSync(initial, manifest({ table, csv: data.base, mode: 'mirror', strategy: 'auto' }));
    writeFileSync(resync, manifest({ table, csv: data.resync, mode: 'mirror', strategy: 'auto' }));
    const link = await startSlowLink({ host: url.hostname, port: Number(url.port || 3306), rttMs: options.linkRttMs, mbitPerSecond: options.linkMbit });
    const remoteUrl = new URL(databaseUrl.toString());
    remoteUrl.hostname = link.host;
    remoteUrl.port = String(link.port);
    const remoteEnv = { ...env, BENCH_DATABASE_URL: remoteUrl.toString() };
    // The starting state, written over loopback (not measured).
    const load = async () => {
      await resetTable(table);
      await runPssync('remote-load', ['apply', '-f', initial, '--auto-approve'], 0, { profile: false });
    };
    const remote = async (name, args, expectCode = 0) => {
      link.reset();
      const result = await runPssync(name, args, expectCode, { runEnv: remoteEnv, profile: false });
      const entry = { wallMs: result.wallMs, cpuMs: result.cpuMs, peakRssMb: result.peakRssMb, bytesRead: link.bytes.fromServer, bytesSent: link.bytes.toServer };
      record(`remote:${name}`, entry);
      log(`remote ${name}: ${seconds(entry.wallMs)} s, ${fmt(entry.bytesRead / 1e6, 1)} MB read from the destination, ${fmt(entry.bytesSent / 1e6, 1)} MB sent`);
      return result;
    };
    try {
      await load();
      await remote('noop-full', ['plan', '-f', initial, '--compare', 'full', '--detailed-exitcode']);
      await remote('noop-checksum', ['plan', '-f', initial, '--compare', 'checksum', '--detailed-exitcode']);
      await remote('verify-checksum', ['verify', '-f', initial, '--compare', 'checksum']);
      await remote('resync-checksum', ['apply', '-f', resync, '--auto-approve', '--compare', 'checksum']);
      await remote('after-verify', ['verify', '-f', resync, '--compare', 'checksum']);
      await remote('after-full', ['plan', '-f', resync, '--compare', 'full', '--detailed-exitcode']);
      checksums.set('remote:checksum', await checksum(table));
      await load();
      await remote('resync-full', ['apply', '-f', resync, '--auto-approve', '--compare', 'full']);
      if ((await checksum(table)) !== checksums.get('remote:checksum')) throw new BenchError('the re-sync compared by checksums left other table contents than the one compared by the full read');
    } finally {
      await link.close();
    }
  };

  try {
    for (let round = 0; round < options.rounds; round += 1) {
      if (options.rounds > 1) log(`round ${round + 1} of ${options.rounds}`);
      // Alternate baselines with pssync runs, rotating the strategy order between rounds, so
      // that slow drift (page cache, InnoDB purge, thermal) does not favour one side.
      const strategies = options.strategies.map((_, index) => options.strategies[(index + round) % options.strategies.length]);
      const steps = [baselines.loadData, () => pssyncSequence(strategies[0]), baselines.mysql2Loader, baselines.insertReplay];
      strategies.slice(1).forEach((strategy, index) => {
        steps.push(() => pssyncSequence(strategy));
        if (index === 0) steps.push(baselines.reads);
      });
      if (strategies.length < 2) steps.push(baselines.reads);
      if (options.remote) steps.push(remoteSequence);
      for (const step of steps) await step();
    }

    // The writers must agree: identical table contents after the load and after the re-sync.
    for (const phase of ['initial', 'resync']) {
      const sums = new Set(options.strategies.map((strategy) => checksums.get(`${strategy}:${phase}`)));
      if (sums.size > 1) {
        throw new BenchError(`the writers disagree after the ${phase === 'initial' ? 'initial load' : 're-sync'}: ${options.strategies.map((strategy) => `${strategy}=${checksums.get(`${strategy}:${phase}`)}`).join(', ')}`);
      }
    }
    if (results.has('load_data')) {
      const loaded = await checksum('load_data');
      const mine = checksums.get(`${options.strategies[0]}:initial`);
      if (loaded !== mine) problems.push(`CHECKSUM TABLE of pssync's initial load (${mine}) differs from LOAD DATA's (${loaded})`);
    }
  } finally {
    if (!options.keep) await admin.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(options.database)}`);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }

  const markdown = report({ options, rows, counts, version, machine, results, problems });
  process.stdout.write(`\n${markdown}`);
  if (options.out) writeFileSync(options.out, markdown);
}

// ---------------------------------------------------------------------------------------------
// Report

function report({ options, rows, counts, version, machine, results, problems }) {
  const get = (name) => results.get(name) ?? [];
  const wall = (name) => median(get(name).map((entry) => entry.wallMs));
  const rss = (name) => Math.max(...get(name).map((entry) => entry.peakRssMb ?? 0)) || undefined;
  const stats = (name) => get(name).map((entry) => entry.stats).filter(Boolean);
  const loadData = wall('load_data');
  const loader = wall('mysql2_loader');
  // The fixed "read both sides" baseline (issue 12): PapaParse streaming the CSV, then SELECT * streamed.
  const reads = wall('read_csv_papaparse') !== undefined && wall('read_table') !== undefined ? wall('read_csv_papaparse') + wall('read_table') : undefined;
  const floor = wall('insert_replay');
  const rate = (ms, count) => (ms === undefined ? undefined : count / (ms / 1000));
  const resyncWork = counts.added + counts.changed + counts.removed;

  const lines = [];
  lines.push(`### ${fmt(rows)} rows — ${new Date().toISOString().slice(0, 10)}`, '');
  lines.push(`Server ${version}; ${machine}. Peak RSS: ${rssMethod}. Median of ${options.rounds} round(s).`, '');
  lines.push('| run | wall s | rows/s | vs INSERT floor | vs mysql2 loader | vs reads | client CPU s | CPU µs/row | peak RSS MB | statements | max rows/stmt | stmt median / max ms |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const row = (label, name, count, compare, cpuRows = rows) => {
    const ms = wall(name);
    if (ms === undefined) return;
    const perSecond = rate(ms, count);
    const s = stats(name);
    const statements = s.length ? fmt(median(s.map((x) => x.statements))) : '';
    const maxRows = s.length && s[0].maxRowsPerStatement !== undefined ? fmt(Math.max(...s.map((x) => x.maxRowsPerStatement))) : '';
    const times = s.length ? `${s[0].medianStatementMs !== undefined ? fmt(median(s.map((x) => x.medianStatementMs))) : '?'} / ${fmt(Math.max(...s.map((x) => x.maxStatementMs ?? 0)))}` : '';
    const cpu = median(get(name).map((entry) => entry.cpuMs));
    lines.push(
      `| ${label} | ${seconds(ms)} | ${fmt(perSecond)} | ${compare.floor && floor ? ratio(perSecond / rate(floor, rows)) : ''} | ${compare.loader && loader ? ratio(perSecond / rate(loader, rows)) : ''} | ${compare.reads && reads ? ratio(ms / reads) : ''} | ${seconds(cpu)} | ${cpu === undefined ? '–' : fmt((cpu * 1000) / cpuRows, 1)} | ${fmt(rss(name))} | ${statements} | ${maxRows} | ${times} |`,
    );
  };
  row('baseline: LOAD DATA LOCAL INFILE', 'load_data', rows, { floor: true });
  row('baseline: replay of 4 MiB extended INSERTs (server floor)', 'insert_replay', rows, {});
  row('baseline: mysql2 loader (csv-parse, VALUES ? × 1,000)', 'mysql2_loader', rows, { floor: true });
  row('baseline: read CSV (PapaParse alone)', 'read_csv_papaparse', rows, {});
  row("baseline: read CSV (pssync's reader)", 'read_csv', rows, {});
  row('baseline: SELECT * stream', 'read_table', rows, {});
  for (const strategy of options.strategies) {
    const resolved = stats(`${strategy}:initial`)[0]?.strategy;
    const name = strategy === 'auto' ? `auto (→ ${resolved ?? '?'})` : strategy;
    row(`pssync ${name}: initial load (upsert)`, `${strategy}:initial`, rows, { floor: true, loader: true });
    row(`pssync ${name}: no-op plan`, `${strategy}:noop`, rows, { reads: true });
    row(`pssync ${name}: mirror re-sync 1%/1%/1%`, `${strategy}:resync`, resyncWork, {}, rows);
    row(`pssync ${name}: plan after re-sync (empty)`, `${strategy}:after`, rows - counts.removed + counts.added, { reads: true });
  }
  lines.push(
    '',
    '"vs INSERT floor" and "vs mysql2 loader": rows/s over theirs. "vs reads": wall time over the fixed baseline of both sides read one after the other (PapaParse streaming the CSV, then SELECT * streamed). ' +
      'Rows/s of the re-sync counts the rows written (+ ~ -); its CPU µs/row, the source rows. ' +
      'Client CPU is user + system time of the measured process (for LOAD DATA and the replay: the command-line client; the server\'s CPU is not included).',
  );
  profileTable(lines, options, rows, counts, get);
  const remote = remoteTable(lines, options, get, wall);

  // Targets, for the default strategy (auto) when it ran, else each strategy measured. They are
  // defined at 1,000,000 rows; smaller runs (smoke) are not judged.
  if (rows < 1_000_000) {
    lines.push('', `Targets are judged at 1,000,000 rows; this run had ${fmt(rows)}.`);
    if (problems.length) lines.push('', ...problems.map((problem) => `- ${problem}`));
    return lines.join('\n') + '\n';
  }
  const targetStrategies = options.strategies.includes('auto') ? ['auto'] : options.strategies;
  lines.push('', '| target (issue 12) | strategy | measured | met |', '|---|---|---:|:---:|');
  const check = (label, strategy, measured, ok) => lines.push(`| ${label} | ${strategy} | ${measured} | ${ok === undefined ? '–' : ok ? 'yes' : '**no**'} |`);
  for (const strategy of targetStrategies) {
    const initial = wall(`${strategy}:initial`);
    if (initial === undefined) continue;
    const vsFloor = floor ? floor / initial : undefined;
    const vsLoader = loader ? loader / initial : undefined;
    check('initial load ≥ 0.85 × the INSERT floor\'s rows/s', strategy, ratio(vsFloor), vsFloor === undefined ? undefined : vsFloor >= 0.85);
    check('initial load ≥ 1.5 × the mysql2 loader\'s rows/s', strategy, ratio(vsLoader), vsLoader === undefined ? undefined : vsLoader >= 1.5);
    const cpu = median(get(`${strategy}:initial`).map((entry) => entry.cpuMs));
    const perRow = cpu === undefined ? undefined : (cpu * 1000) / rows;
    check('client CPU per row, initial load ≤ 12 µs', strategy, perRow === undefined ? '–' : `${fmt(perRow, 1)} µs`, perRow === undefined ? undefined : perRow <= 12);
    const noop = wall(`${strategy}:noop`);
    check('no-op plan ≤ 1.0 × reads of both sides (PapaParse + SELECT *)', strategy, ratio(reads ? noop / reads : undefined), reads ? noop / reads <= 1.0 : undefined);
    const resync = wall(`${strategy}:resync`);
    check('mirror re-sync 1%/1%/1% ≤ 1.2 × the no-op plan', strategy, ratio(resync / noop), resync / noop <= 1.2);
    const peak = Math.max(rss(`${strategy}:initial`) ?? 0, rss(`${strategy}:noop`) ?? 0, rss(`${strategy}:resync`) ?? 0, rss(`${strategy}:after`) ?? 0);
    const rssLimit = rows >= 10_000_000 ? 1024 : 300;
    check(`peak RSS ≤ ${rssLimit === 1024 ? '1 GB (10M rows)' : '300 MB (1M rows)'}`, strategy, `${fmt(peak)} MB`, peak <= rssLimit);
    const all = [...stats(`${strategy}:initial`), ...stats(`${strategy}:resync`)];
    const maxRows = Math.max(...all.map((x) => x.maxRowsPerStatement ?? 0));
    const medianMs = Math.max(...all.map((x) => x.medianStatementMs ?? 0));
    const maxMs = Math.max(...all.map((x) => x.maxStatementMs ?? 0));
    check('statements ≤ 100,000 rows', strategy, fmt(maxRows), maxRows <= 100_000);
    check('statement (transaction) median ≤ 5 s, max ≤ 20 s', strategy, `${fmt(medianMs)} / ${fmt(maxMs)} ms`, medianMs <= 5000 && maxMs <= 20_000);
  }
  if (remote) {
    lines.push('', '| target (issue 13, through the slow link) | measured | met |', '|---|---:|:---:|');
    const judge = (label, measured, limit) => lines.push(`| ${label} | ${ratio(measured)} | ${measured === undefined ? '–' : measured <= limit ? 'yes' : '**no**'} |`);
    judge('bytes read, no-op plan ≤ 5% of the full-read plan\'s', remote.noopBytes, 0.05);
    judge('no-op plan wall time ≤ 0.3× the full-read plan\'s', remote.noopTime, 0.3);
    judge('1%/1%/1% re-sync wall time ≤ 0.5× the full-read re-sync\'s', remote.resyncTime, 0.5);
    judge('verify after apply ≤ 0.3× the full-read plan\'s', remote.verifyTime, 0.3);
  }
  if (problems.length) lines.push('', ...problems.map((problem) => `- ${problem}`));
  return lines.join('\n') + '\n';
}

/** Issue 13's runs through the slow link, each against the full read through the same link. */
function remoteTable(lines, options, get, wall) {
  if (!options.remote || get('remote:noop-full').length === 0) return undefined;
  const bytes = (name) => median(get(`remote:${name}`).map((entry) => entry.bytesRead));
  const sent = (name) => median(get(`remote:${name}`).map((entry) => entry.bytesSent));
  lines.push('', `Through a slow link (bench/lib/slow-link.js: ${options.linkRttMs} ms round trip, ${options.linkMbit} Mbit/s each way; bytes counted by the link):`, '');
  lines.push('| run | wall s | MB read from the destination | MB sent | time vs full read | bytes vs full read |', '|---|---:|---:|---:|---:|---:|');
  const line = (label, name, against) => {
    const ms = wall(`remote:${name}`);
    if (ms === undefined) return;
    const versus = against ? wall(`remote:${against}`) : undefined;
    lines.push(`| ${label} | ${seconds(ms)} | ${fmt(bytes(name) / 1e6, 2)} | ${fmt(sent(name) / 1e6, 2)} | ${versus ? ratio(ms / versus) : ''} | ${against ? ratio(bytes(name) / bytes(against)) : ''} |`);
  };
  line('no-op plan, full read', 'noop-full');
  line('no-op plan, checksums', 'noop-checksum', 'noop-full');
  line('verify (nothing differs), checksums', 'verify-checksum', 'noop-full');
  line('mirror re-sync 1%/1%/1%, full read', 'resync-full');
  line('mirror re-sync 1%/1%/1%, checksums', 'resync-checksum', 'resync-full');
  line('plan after the re-sync, full read', 'after-full');
  line('verify after the re-sync, checksums', 'after-verify', 'after-full');
  return {
    noopBytes: bytes('noop-checksum') / bytes('noop-full'),
    noopTime: wall('remote:noop-checksum') / wall('remote:noop-full'),
    resyncTime: wall('remote:resync-checksum') / wall('remote:resync-full'),
    verifyTime: wall('remote:after-verify') / wall('remote:after-full'),
  };
}

/** Where each pssync run's client CPU went (medians over the rounds), from its CPU profiles. */
function profileTable(lines, options, rows, counts, get) {
  if (!options.profile) return;
  const runs = [['initial load', 'initial'], ['no-op plan', 'noop'], ['mirror re-sync', 'resync'], ['plan after re-sync', 'after']];
  const header = PROFILE_CATEGORIES.map((name) => `${name} s (µs/row)`);
  lines.push('', `Where the client CPU went (V8 CPU profiles of every thread, self time by category: bench/lib/profile.js; µs per source row):`, '');
  lines.push(`| run | ${header.join(' | ')} | sum s |`, `|---|${header.map(() => '---:').join('|')}|---:|`);
  for (const strategy of options.strategies) {
    for (const [label, phase] of runs) {
      const profiles = get(`${strategy}:${phase}`).map((entry) => entry.profile).filter(Boolean);
      if (profiles.length === 0) continue;
      const sourceRows = phase === 'initial' || phase === 'noop' ? rows : rows - counts.removed + counts.added;
      const cells = PROFILE_CATEGORIES.map((name) => {
        const ms = median(profiles.map((profile) => profile.totals[name]));
        return `${fmt(ms / 1000, 2)} (${fmt((ms * 1000) / sourceRows, 1)})`;
      });
      const sum = median(profiles.map((profile) => PROFILE_CATEGORIES.reduce((total, name) => total + profile.totals[name], 0)));
      lines.push(`| ${strategy}: ${label} | ${cells.join(' | ')} | ${fmt(sum / 1000, 2)} |`);
    }
  }
}

function logProfile(profile, rows) {
  if (profile) log(`  CPU: ${formatProfile(profile, rows)}`);
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof BenchError ? error.message : error?.stack ?? error}\n`);
  process.exitCode = 1;
});
