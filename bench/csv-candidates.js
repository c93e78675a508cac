#!/usr/bin/env node
/**
 * Issue 12's parser comparison: `node bench/csv-candidates.js FILE [parser…]` streams every record
 * of FILE through each parser, each in its own process, and prints CPU µs per record. Parsers:
 * csv-parse (as pssync used it: raw records, no cast), papaparse-step (its Parser in step mode,
 * as pssync's reader drives it), papaparse-stream (Papa.parse over a file stream), udsv (not a
 * dependency: `npm install --no-save udsv` first). The benchmark's own file is
 * $TMPDIR/pssync-bench/v1-1000000/base.csv once `npm run bench` has run; any CSV will do.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';

const [file, ...chosen] = process.argv.slice(2);
const ALL = ['csv-parse', 'papaparse-step', 'papaparse-stream', 'udsv'];

async function* texts(path) {
  const decoder = new StringDecoder('utf8');
  for await (const bytes of createReadStream(path, { highWaterMark: 64 * 1024 })) yield decoder.write(bytes);
  yield decoder.end();
}

const parsers = {
  async 'csv-parse'(path) {
    const { parse } = await import('csv-parse');
    let records = 0;
    for await (const record of createReadStream(path).pipe(parse({ raw: true, skip_empty_lines: true, bom: true, record_delimiter: ['\r\n', '\n'], on_record: (r) => r }))) if (record) records += 1;
    return records;
  },
  async 'papaparse-step'(path) {
    const Papa = (await import('papaparse')).default;
    let records = 0;
    let rest = '';
    let base = 0;
    const parser = new Papa.Parser({ delimiter: ',', newline: '\n', quoteChar: '"', step: () => (records += 1) });
    for await (const text of texts(path)) {
      const input = rest + text;
      const cursor = parser.parse(input, base, true).meta.cursor;
      rest = input.slice(cursor - base);
      base = cursor;
    }
    parser.parse(rest, base, false);
    return records;
  },
  async 'papaparse-stream'(path) {
    const Papa = (await import('papaparse')).default;
    let records = 0;
    await new Promise((resolve, reject) => Papa.parse(createReadStream(path, 'utf8'), { step: () => (records += 1), complete: resolve, error: reject }));
    return records;
  },
  async udsv(path) {
    const { inferSchema, initParser } = await import('udsv');
    let parser;
    let records = 0;
    for await (const text of texts(path)) {
      if (!text) continue;
      parser ??= initParser(inferSchema(text));
      parser.chunk(text, parser.stringArrs, () => (records += 1));
    }
    parser?.end();
    return records;
  },
};

if (process.env.CSV_CANDIDATE) {
  const started = process.cpuUsage();
  const records = await parsers[process.env.CSV_CANDIDATE](file);
  const cpu = process.cpuUsage(started);
  process.stdout.write(JSON.stringify({ records, cpuUs: cpu.user + cpu.system, rssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else {
  if (!file) throw new Error('usage: node bench/csv-candidates.js FILE [parser…]');
  for (const name of chosen.length ? chosen : ALL) {
    try {
      const out = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), file], { env: { ...process.env, CSV_CANDIDATE: name }, stdio: ['ignore', 'pipe', 'pipe'] }).toString());
      console.log(`${name.padEnd(18)} ${(out.cpuUs / out.records).toFixed(2).padStart(6)} µs CPU/record  ${out.records} records  peak RSS ${out.rssMb} MB`);
    } catch (error) {
      console.log(`${name.padEnd(18)} not measured: ${String(error.stderr ?? error).split('\n').find((line) => /Error/.test(line)) ?? error}`);
    }
  }
}
