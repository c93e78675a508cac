/**
 * Where a pssync run's client CPU went, from the .cpuprofile files Node writes for it (one per
 * thread: the main one and the CSV reader's): V8's samples' self time, summed by what the code
 * does, told by the file it is in.
 *   parse        the source's tokenizer and input: papaparse, csv-parse, dist/source/ (UTF-8 check,
 *                decoding, the CSV thread's batches)
 *   map/coerce   dist/mapping/ (field mapping, coercion to the column's canonical form, keys)
 *   match        dist/plan/ (row diff: the key index, comparing desired with actual rows)
 *   SQL text     dist/apply/ (packing rows into statements, literal text)
 *   driver       mysql2, dist/db/, dist/introspect/ (sending statements, decoding result rows)
 *   GC           V8's garbage collector
 *   runtime      Node's own JavaScript (streams, sockets, worker messages) and V8 native code
 *   other        everything else (CLI, manifest, rendering)
 * Idle time is left out: the sum is CPU time, comparable with user + system time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROFILE_CATEGORIES = ['parse', 'map/coerce', 'match', 'SQL text', 'driver', 'GC', 'runtime', 'other'];

function categoryOf(frame) {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return undefined;
  if (functionName === '(program)' || url === '') return 'runtime';
  if (/node_modules\/(papaparse|csv-parse)\/|\/dist\/source\//.test(url)) return 'parse';
  if (/\/dist\/mapping\//.test(url)) return 'map/coerce';
  if (/\/dist\/plan\//.test(url)) return 'match';
  if (/\/dist\/apply\//.test(url)) return 'SQL text';
  if (/node_modules\/(mysql2|sqlstring|iconv-lite|lru\.min|named-placeholders|denque)\/|\/dist\/(db|introspect)\//.test(url)) return 'driver';
  if (url.startsWith('node:')) return 'runtime';
  return 'other';
}

/** Milliseconds of self time per category, summed over every .cpuprofile in `dir`. */
export function summarizeProfiles(dir) {
  const totals = Object.fromEntries(PROFILE_CATEGORIES.map((name) => [name, 0]));
  let files = 0;
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    const category = new Map(profile.nodes.map((node) => [node.id, categoryOf(node.callFrame)]));
    // timeDeltas[i] is the time since the sample before sample i: it is spent where sample i was taken.
    profile.samples.forEach((id, index) => {
      const at = category.get(id);
      if (at) totals[at] += (profile.timeDeltas[index] ?? 0) / 1000;
    });
    files += 1;
  }
  return files === 0 ? undefined : { totals, threads: files };
}

/** "parse 3.9 s (3.9 µs/row) · map/coerce …" */
export function formatProfile(summary, rows) {
  if (!summary) return '–';
  return PROFILE_CATEGORIES.filter((name) => summary.totals[name] >= 5)
    .map((name) => `${name} ${(summary.totals[name] / 1000).toFixed(1)} s (${((summary.totals[name] * 1000) / rows).toFixed(1)} µs/row)`)
    .join(' · ');
}
