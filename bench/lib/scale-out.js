/**
 * `npm run bench -- --scale-out [--rows N] [--workers 1,2,4] [--smoke] [--missing-table]` (issue 15, part 5)
 *
 * Partitioned applies against one apply, on this machine. For each worker count W, in order:
 *   initial load  the `mode: mirror` sync into an empty table (created beforehand with the DDL
 *                 pssync plans), by W processes started together; with --missing-table, into no
 *                 table (a first run: every worker plans CREATE TABLE, one makes it);
 *   re-sync       the mirror with the 1%/1%/1% file, by W processes started together;
 * W = 1 is a plain `pssync apply` (what a user runs today); W > 1 is `apply --partition K/W` for
 * K = 1…W. After each step a full `plan --detailed-exitcode` must be empty and CHECKSUM TABLE must
 * equal the first worker count's, or the run fails.
 *
 * The re-sync's starting table is the initial load just made by the same W: its contents are
 * checked equal to the first W's (CHECKSUM TABLE), so no restore is needed — the cheapest way to
 * start every W's re-sync from the same rows. (Its pages are not laid out identically: W writers
 * insert interleaved keys. That is also what a user's partitioned load leaves.)
 *
 * Measured per group: wall time from the first start to the last exit; per worker wall time, client
 * CPU (user + system) and peak RSS (lib/measure.js); the server's CPU as the utime + stime delta of
 * the local mariadbd/mysqld in /proc (loopback servers only; it includes any other session's work);
 * and the whole machine's busy and iowait time from /proc/stat, to say what limits the run.
 * pssync is not CPU-profiled here: W profilers would share the same cores.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { BenchError, fail, fmt, log, manifest, openAdmin, parseApplyReport, pssync, ratio, seconds, tableDdl } from './common.js';
import { ensureDataset, resyncCounts } from './generate.js';
import { measure, rssMethod } from './measure.js';

const TABLE = 'pssync_scale_out';
const PHASES = [
  { name: 'initial', label: (missingTable) => `Initial load (mirror into ${missingTable ? 'a missing table: every worker plans CREATE TABLE' : 'an empty table'})` },
  { name: 'resync', label: () => 'Mirror re-sync 1%/1%/1%' },
];

export async function runScaleOut(options) {
  const { rows, workers } = options;
  const { url, databaseUrl, admin } = await openAdmin(options);
  const [[{ version }]] = await admin.query('SELECT VERSION() AS version');
  await admin.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(options.database)}`);
  await admin.query(`CREATE DATABASE ${mysql.escapeId(options.database)}`);
  await admin.changeUser({ database: options.database });

  const cores = cpus().length;
  const machine = `${cores} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM (${fmt(freemem() / 2 ** 30, 1)} GiB free), Node ${process.version}`;
  const server = serverProcess(url);
  log(`pssync bench --scale-out: ${fmt(rows)} rows, workers ${workers.join(', ')}${options.smoke ? ' (smoke)' : ''}`);
  log(`server ${version} at ${url.host}${server ? ` (pid ${server.pids.join(', ')})` : ', not on this machine: no server CPU'}; ${machine}`);

  const started = performance.now();
  const data = await ensureDataset(options.dataDir, rows);
  log(`data: ${data.dir} (${seconds(performance.now() - started)} s)`);
  const counts = resyncCounts(rows);
  const expected = {
    initial: { insert: rows, update: 0, delete: 0, rows },
    resync: { insert: counts.added, update: counts.changed, delete: counts.removed, rows: rows - counts.removed + counts.added },
  };

  const work = mkdtempSync(join(tmpdir(), 'pssync-bench-scale-'));
  const env = { ...process.env, BENCH_DATABASE_URL: databaseUrl.toString(), NO_COLOR: '1', PSSYNC_MANIFEST: '' };
  const manifests = {
    initial: join(work, 'initial.yaml'),
    resync: join(work, 'resync.yaml'),
  };
  writeFileSync(manifests.initial, manifest({ table: TABLE, csv: data.base, mode: 'mirror', strategy: 'auto' }));
  writeFileSync(manifests.resync, manifest({ table: TABLE, csv: data.resync, mode: 'mirror', strategy: 'auto' }));

  /** phase → [{ workers, group }] in run order */
  const results = new Map(PHASES.map((phase) => [phase.name, []]));
  /** phase → CHECKSUM TABLE of the first worker count, which every other must match */
  const reference = new Map();
  const checksum = async () => String((await admin.query(`CHECKSUM TABLE ${mysql.escapeId(TABLE)}`))[0][0].Checksum);

  // The full plan and the checksum after a group: what every worker count must leave.
  const check = async (phase, count) => {
    const after = await measure(process.execPath, [pssync, 'plan', '-f', manifests[phase], '--detailed-exitcode'], { cwd: work, env });
    if (after.code !== 0) fail(`the full plan after the ${phase} with ${count} worker(s) (exit 2 means it is not empty)`, after);
    const [[{ total }]] = await admin.query(`SELECT COUNT(*) AS total FROM ${mysql.escapeId(TABLE)}`);
    if (Number(total) !== expected[phase].rows) throw new BenchError(`${TABLE} has ${total} rows after the ${phase} with ${count} worker(s), expected ${expected[phase].rows}`);
    const sum = await checksum();
    if (!reference.has(phase)) reference.set(phase, { sum, workers: count });
    const first = reference.get(phase);
    if (sum !== first.sum) throw new BenchError(`CHECKSUM TABLE after the ${phase} with ${count} worker(s) is ${sum}, with ${first.workers} it was ${first.sum}`);
    log(`  full plan after it: empty (${seconds(after.wallMs)} s); CHECKSUM TABLE ${sum}`);
  };

  try {
    const createTable = await tableDdl(work, env);
    for (const count of workers) {
      await admin.query(`DROP TABLE IF EXISTS ${mysql.escapeId(TABLE)}`);
      if (!options.missingTable) await admin.query(createTable(TABLE));
      for (const phase of PHASES) {
        const group = await runGroup({ count, manifestFile: manifests[phase.name], work, env, server });
        checkCounts(group, expected[phase.name], `${phase.name} with ${count} worker(s)`);
        results.get(phase.name).push({ workers: count, group });
        logGroup(phase.name, count, group);
        await check(phase.name, count);
      }
    }
  } finally {
    if (!options.keep) await admin.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(options.database)}`);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }

  const markdown = report({ rows, counts, version, machine, cores, server, results, missingTable: options.missingTable });
  process.stdout.write(`\n${markdown}`);
  if (options.out) writeFileSync(options.out, markdown);
}

// ---------------------------------------------------------------------------------------------
// One group of workers

/** The arguments of worker K of `count`: a plain apply for one worker, as a user runs it today. */
function workerArgs(manifestFile, index, count) {
  const args = ['apply', '-f', manifestFile, '--auto-approve'];
  return count === 1 ? args : [...args, '--partition', `${index}/${count}`];
}

/**
 * Starts `count` workers at once (measure() spawns before its first await, so all are running
 * before any is waited on) and waits for every one, so that a failing worker is reported with its
 * siblings' outcome settled, not left running.
 */
async function runGroup({ count, manifestFile, work, env, server }) {
  const before = { server: server?.cpuMs(), machine: machineTimes() };
  const started = performance.now();
  const runs = await Promise.all(
    Array.from({ length: count }, (_, index) => measure(process.execPath, [pssync, ...workerArgs(manifestFile, index + 1, count)], { cwd: work, env })),
  );
  const wallMs = performance.now() - started;
  const after = { server: server?.cpuMs(), machine: machineTimes() };
  runs.forEach((run, index) => {
    if (run.code !== 0) fail(`worker ${index + 1} of ${count} (pssync ${workerArgs(manifestFile, index + 1, count).join(' ')})`, run);
  });
  return {
    wallMs,
    workers: runs.map((run) => ({ wallMs: run.wallMs, cpuMs: run.cpuMs, peakRssMb: run.peakRssMb, stats: parseApplyReport(run.stderr), stderr: run.stderr })),
    serverCpuMs: server ? after.server - before.server : undefined,
    machine: after.machine && before.machine ? { busyMs: after.machine.busyMs - before.machine.busyMs, iowaitMs: after.machine.iowaitMs - before.machine.iowaitMs } : undefined,
  };
}

/** The workers' counts must add up to the whole plan's: the partitions cover every key once. */
function checkCounts(group, want, what) {
  const missing = group.workers.findIndex((worker) => !worker.stats);
  if (missing >= 0) throw new BenchError(`${what}: worker ${missing + 1} printed no apply report:\n${group.workers[missing].stderr.slice(-2000)}`);
  const sum = (field) => group.workers.reduce((total, worker) => total + worker.stats[field], 0);
  if (sum('insert') !== want.insert || sum('update') !== want.update || sum('delete') !== want.delete) {
    const each = group.workers.map((worker, index) => `worker ${index + 1}: +${worker.stats.insert} ~${worker.stats.update} -${worker.stats.delete}`).join('; ');
    throw new BenchError(`${what}: the workers applied +${sum('insert')} ~${sum('update')} -${sum('delete')}, expected +${want.insert} ~${want.update} -${want.delete} (${each})`);
  }
}

function logGroup(phase, count, group) {
  const each = group.workers.map((worker) => `${seconds(worker.wallMs)} s/${fmt(worker.peakRssMb)} MB/+${worker.stats.insert} ~${worker.stats.update} -${worker.stats.delete}`).join(', ');
  log(`${phase}, ${count} worker(s): ${seconds(group.wallMs)} s (${each}); server CPU ${seconds(group.serverCpuMs)} s`);
}

// ---------------------------------------------------------------------------------------------
// CPU time from /proc (Linux)

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The local server's processes, when the bench talks to it over loopback and /proc shows them. */
function serverProcess(url) {
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname)) return undefined;
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && ['mariadbd', 'mysqld'].includes(readProc(`/proc/${name}/comm`)?.trim()));
  } catch {
    return undefined;
  }
  if (pids.length === 0) return undefined;
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat; the command name before them may
  // hold spaces, so count from the closing parenthesis.
  const cpuMs = () =>
    pids.reduce((total, pid) => {
      const fields = (readProc(`/proc/${pid}/stat`) ?? '').split(')').pop().trim().split(' ');
      return total + ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
    }, 0);
  return { pids, cpuMs };
}

/** All CPUs' busy (not idle, not iowait) and iowait time so far, from the first line of /proc/stat. */
function machineTimes() {
  const line = readProc('/proc/stat')?.split('\n')[0];
  if (!line?.startsWith('cpu ')) return undefined;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  const toMs = (ticks) => (ticks * 1000) / clockTicks;
  return { busyMs: toMs(user + nice + system + irq + softirq + steal), iowaitMs: toMs(iowait), idleMs: toMs(idle) };
}

function readProc(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function report({ rows, counts, version, machine, cores, server, results, missingTable }) {
  const lines = [];
  lines.push(`### Scale-out: ${fmt(rows)} rows — ${new Date().toISOString().slice(0, 10)}`, '');
  lines.push(
    `Server ${version}${server ? '' : ' (not on this machine)'}; ${machine}. Peak RSS: ${rssMethod}. ` +
      `1 worker is a plain \`pssync apply\`; W workers are \`pssync apply --partition K/W\`, K = 1…W, started together. ` +
      `The re-sync writes +${fmt(counts.added)} ~${fmt(counts.changed)} -${fmt(counts.removed)}.`,
  );
  for (const phase of PHASES) {
    const groups = results.get(phase.name);
    if (groups.length === 0) continue;
    const base = groups.find((entry) => entry.workers === 1) ?? groups[0];
    lines.push('', `**${phase.label(missingTable)}**`, '');
    lines.push(`| workers | wall s | wall vs ${base.workers} worker${base.workers === 1 ? '' : 's'} | slowest worker s | peak RSS MB per worker: max (each) | client CPU s (sum) | server CPU s | client + server CPU of ${cores} cores × wall |`);
    lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const { workers, group } of groups) {
      const rss = group.workers.map((worker) => worker.peakRssMb ?? 0);
      const client = clientCpu(group);
      const used = client === undefined ? undefined : (client + (group.serverCpuMs ?? 0)) / (cores * group.wallMs);
      lines.push(
        `| ${workers} | ${seconds(group.wallMs)} | ${ratio(group.wallMs / base.group.wallMs)} | ${seconds(Math.max(...group.workers.map((worker) => worker.wallMs)))} | ` +
          `${fmt(Math.max(...rss))}${rss.length > 1 ? ` (${rss.map((value) => fmt(value)).join(', ')})` : ''} | ${seconds(client)} | ${seconds(group.serverCpuMs)} | ${percent(used)} |`,
      );
    }
    lines.push('', 'What limits it:', '');
    for (const { workers, group } of groups) lines.push(`- ${limits({ workers, group, base, cores })}`);
  }
  lines.push(
    '',
    'Wall: the group, from the first worker\'s start to the last one\'s exit. Client CPU: user + system of every worker, summed. ' +
      'Server CPU: utime + stime of the local server process over the group (every session\'s, not only the bench\'s). ' +
      '"Other processes" and iowait: the whole machine (/proc/stat) less the workers and the server.',
  );
  return lines.join('\n') + '\n';
}

const clientCpu = (group) => (group.workers.some((worker) => worker.cpuMs === undefined) ? undefined : group.workers.reduce((total, worker) => total + worker.cpuMs, 0));
const percent = (share) => (share === undefined || !Number.isFinite(share) ? '–' : `${fmt(share * 100)}%`);

/**
 * One line, computed from the figures: how full the cores were (the workers, the server, anything
 * else), how much the client's CPU grew against one worker (every worker parses the whole file),
 * and the verdict: cores full, disk waits, or neither (the workers wait on something else).
 */
function limits({ workers, group, base, cores }) {
  const capacity = cores * group.wallMs;
  const client = clientCpu(group);
  if (client === undefined) return `${workers}: no CPU figures (GNU time is missing)`;
  const server = group.serverCpuMs;
  const others = group.machine && server !== undefined ? Math.max(0, group.machine.busyMs - client - server) : undefined;
  const busy = group.machine ? group.machine.busyMs / capacity : (client + (server ?? 0)) / capacity;
  const iowait = group.machine ? group.machine.iowaitMs / capacity : undefined;
  const parts = [`client ${seconds(client)} s + server ${seconds(server)} s of CPU in ${cores} cores × ${seconds(group.wallMs)} s: ${percent((client + (server ?? 0)) / capacity)}`];
  if (others !== undefined) parts.push(`other processes ${percent(others / capacity)}`);
  if (iowait !== undefined) parts.push(`iowait ${percent(iowait)}`);
  const baseClient = clientCpu(base.group);
  if (workers !== base.workers && baseClient) parts.push(`client CPU ${ratio(client / baseClient)} ${base.workers} worker's (each worker reads and parses the whole CSV)`);
  const slowest = Math.max(...group.workers.map((worker) => worker.wallMs));
  const fastest = Math.min(...group.workers.map((worker) => worker.wallMs));
  let verdict;
  if (busy >= 0.85) verdict = `the ${cores} cores are full: CPU-bound${others !== undefined && others / capacity >= 0.1 ? ', and shared with other processes' : ''}`;
  else if (iowait !== undefined && iowait >= 0.15) verdict = 'the cores wait on the disk (iowait)';
  else verdict = 'neither the cores nor the disk are full: the workers wait (locks, round trips, one another)';
  if (workers > 1 && slowest > 1.25 * fastest) verdict += `; the slowest worker took ${ratio(slowest / fastest)} the fastest`;
  return `${workers} worker${workers === 1 ? '' : 's'}: ${parts.join('; ')} — ${verdict}.`;
}
