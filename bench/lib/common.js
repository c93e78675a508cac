/**
 * What bench/run.js and its modes (lib/scale-out.js) share: number formatting, the bench's failure
 * type, the manifest every pssync run uses, and reading `pssync apply`'s report line.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { FIELDS } from './generate.js';
import { measure } from './measure.js';

/** bin/pssync.js of this checkout: the CLI as a user runs it. */
export const pssync = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'bin', 'pssync.js');

export const fmt = (value, digits = 0) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const seconds = (ms) => (ms === undefined ? '–' : fmt(ms / 1000, 2));
export const ratio = (value) => (value === undefined || !Number.isFinite(value) ? '–' : `${fmt(value, 2)}×`);
export const median = (values) => {
  const sorted = values.filter((value) => value !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export class BenchError extends Error {}

export function fail(what, result) {
  const output = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-25).join('\n');
  throw new BenchError(`${what} failed (exit ${result.code}):\n${output}`);
}

export function manifest({ table, csv, mode, strategy, databaseUrl }) {
  const fields = FIELDS.map((field) => `      - { from: ${field.name}, to: ${field.name}, type: ${field.type} }`).join('\n');
  return `version: 1
destinations:
  bench:
    url: \${BENCH_DATABASE_URL}
sources:
  profiles:
    kind: csv
    path: ${JSON.stringify(csv)}
syncs:
  profiles:
    source: profiles
    destination: bench
    table: ${table}
    mode: ${mode}
    primary_key: [id]${strategy === 'auto' ? '' : `\n    strategy: ${strategy}`}
    safety: { max_delete_ratio: 0.05 }
    fields:
${fields}
`;
}

/** The statistics line of `pssync apply`'s report (src/render/report.ts). */
export function parseApplyReport(stderr) {
  const line = stderr.split('\n').find((text) => / applied \+\d+/.test(text));
  if (!line) return undefined;
  const counts = /applied \+(\d+) ~(\d+) -(\d+)/.exec(line);
  const strategy = /with the (\w+) writer/.exec(line)?.[1];
  const statements = Number(/\((\d+) statements/.exec(line)?.[1]);
  const maxRows = /at most ([\d,]+) rows/.exec(line)?.[1];
  const medianMs = /median ([\d,]+) ms/.exec(line)?.[1];
  const maxMs = /max ([\d,]+) ms/.exec(line)?.[1] ?? /longest statement ([\d,]+) ms/.exec(line)?.[1];
  const num = (text) => (text === undefined ? undefined : Number(text.replace(/,/g, '')));
  return {
    insert: Number(counts[1]),
    update: Number(counts[2]),
    delete: Number(counts[3]),
    strategy,
    statements,
    maxRowsPerStatement: num(maxRows),
    medianStatementMs: num(medianMs),
    maxStatementMs: num(maxMs),
  };
}

/** CREATE TABLE exactly as pssync plans it for the manifest's fields, for the baselines' tables. */
export async function tableDdl(work, env) {
  const probe = join(work, 'probe.yaml');
  writeFileSync(probe, manifest({ table: 'probe_table', csv: join(work, 'probe.csv'), mode: 'upsert', strategy: 'auto' }));
  writeFileSync(join(work, 'probe.csv'), `${FIELDS.map((field) => field.name).join(',')}\n`);
  const result = await measure(process.execPath, [pssync, 'plan', '-f', probe, '--format', 'json'], { cwd: work, env });
  if (result.code !== 0) fail('pssync plan (probe for the table DDL)', result);
  const ddl = JSON.parse(result.stdout).syncs[0].ddl[0];
  if (!ddl?.includes('`probe_table`')) throw new BenchError(`unexpected probe DDL: ${ddl}`);
  return (table) => ddl.replace('`probe_table`', `\`${table}\``);
}

/** The admin connection (no database) and the URL of the bench's own database. */
export async function openAdmin(options) {
  const url = new URL(options.databaseUrl);
  const databaseUrl = new URL(options.databaseUrl);
  databaseUrl.pathname = `/${options.database}`;
  const admin = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    multipleStatements: false,
  });
  return { url, databaseUrl, admin };
}

export function log(message) {
  process.stderr.write(`${message}\n`);
}
