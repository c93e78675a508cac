/**
 * Large CSV files are parsed on a worker thread (issue 7). Parsing costs ~5–10 µs of CPU a record
 * of the benchmark's data; on its own thread that work overlaps with mapping, comparing and
 * writing on the main thread, where taking a batch of records off the worker costs ~1 µs a record.
 * Records, values, line numbers and errors are exactly those of readCsv: the worker runs it. Small
 * files, standard input, and code run from TypeScript sources (no compiled worker script) are read
 * on the main thread.
 *
 * A batch crosses as one string (its values joined by NUL) with the NULLs' places, not as an array
 * of strings: copying thousands of small strings between threads cost the worker as much as
 * parsing them (issue 12). A batch holding a NUL character in a value crosses as an array.
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CsvSourceConfig } from '../manifest/types.js';
import { readCsvRecords, rowsOf, type CsvReadOptions } from './csv.js';
import type { CsvBatch } from './csv-rows.js';
import { batchedRecords, SourceError, type BatchedRecords, type SourceRow } from './source.js';

/** Messages of rows the worker may send before the main thread takes them. */
export const BATCHES_AHEAD = 4;

/** Below this, starting a thread (~30 ms) costs more than it saves. */
const THREAD_FROM_BYTES = 4 * 1024 * 1024;

export type WorkerMessage =
  | { readonly type: 'header'; readonly names: readonly string[]; readonly line?: number }
  | { readonly type: 'rows'; readonly names: readonly string[]; readonly joined: string; readonly nulls: Uint32Array; readonly lines: Float64Array }
  | { readonly type: 'rows'; readonly names: readonly string[]; readonly values: (string | null)[]; readonly lines: Float64Array }
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly file?: string; readonly message: string; readonly line?: number };

const WORKER_SCRIPT = new URL('./csv-worker.js', import.meta.url);

/** The CSV reader for this source: on a worker thread when the file is large, else readCsv. */
export function readCsvSource(config: CsvSourceConfig, options: CsvReadOptions = {}): BatchedRecords {
  return config.path !== '-' && workerAvailable() && fileBytes(config.path) >= THREAD_FROM_BYTES ? readCsvThreaded(config, WORKER_SCRIPT, options) : readCsvRecords(config, options);
}

function workerAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_SCRIPT));
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // readCsv reports a missing or unreadable file in its own words
  }
}

/**
 * A worker inherits the parent's Node options (so `--cpu-prof` profiles it too), except when they
 * hold entry code (`node -e CODE`, `--input-type`), which a worker started from a file refuses; it
 * then gets none (a worker cannot be given V8 options such as heap sizes, which apply anyway).
 */
export function workerExecArgv(execArgv: readonly string[]): string[] | undefined {
  return execArgv.some((option) => /^(-e|--eval|-p|--print|--input-type)(=|$)/.test(option)) ? [] : undefined;
}

export function readCsvThreaded(config: CsvSourceConfig, script: URL = WORKER_SCRIPT, options: Pick<CsvReadOptions, 'onHeader'> = {}): BatchedRecords {
  return batchedRecords(() => threadedBatches(config, script, options));
}

async function* threadedBatches(config: CsvSourceConfig, script: URL, options: Pick<CsvReadOptions, 'onHeader'>): AsyncGenerator<readonly SourceRow[]> {
  const execArgv = workerExecArgv(process.execArgv);
  // The parser's garbage is short-lived: a small young generation keeps the thread's memory small.
  const worker = new Worker(script, { workerData: config, resourceLimits: { maxYoungGenerationSizeMb: 16 }, ...(execArgv ? { execArgv } : {}) });
  const inbox: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  const deliver = (message: WorkerMessage) => {
    inbox.push(message);
    wake?.();
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ type: 'error', message: error.message }));
  worker.on('exit', (code) => deliver(code === 0 ? { type: 'end' } : { type: 'error', message: `the CSV reader thread stopped (exit code ${code})` }));
  try {
    for (;;) {
      while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const message = inbox.shift()!;
      if (message.type === 'end') return;
      if (message.type === 'header') {
        options.onHeader?.({ names: message.names, ...(message.line !== undefined ? { line: message.line } : {}) });
        continue;
      }
      // A failure of the thread itself (it could not start, ran out of memory) is still this
      // source's failure: reported for the sync, not a crash of the whole command.
      if (message.type === 'error') throw new SourceError(message.file ?? config.path, message.file ? message.message : `the CSV reader thread failed: ${message.message}`, message.line);
      worker.postMessage('more');
      yield rowsOf(decodeBatch(message));
    }
  } finally {
    // Listeners stay until the thread is gone: an 'error' event without one would crash the process.
    await worker.terminate();
    worker.removeAllListeners();
  }
}

const SEPARATOR = '\u0000';

/** A batch as the worker posts it: one string when no value holds the separator. */
export function encodeBatch(batch: CsvBatch): WorkerMessage {
  const lines = Float64Array.from(batch.lines);
  const { values } = batch;
  if (!batch.nulFree) return { type: 'rows', names: batch.names, values, lines };
  const nulls: number[] = [];
  // Concatenation, not Array.join: join copies each value (sliced from the parser's text) one by
  // one, ~5 µs a row of the benchmark's data; `+=` links them, and posting copies the result once.
  let joined = '';
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (value === null) nulls.push(index);
    joined += index === 0 ? (value ?? '') : SEPARATOR + (value ?? '');
  }
  return { type: 'rows', names: batch.names, joined, nulls: Uint32Array.from(nulls), lines };
}

export function decodeBatch(message: Extract<WorkerMessage, { type: 'rows' }>): CsvBatch {
  const lines = Array.from(message.lines);
  if ('values' in message) return { names: message.names, values: message.values, lines };
  const values: (string | null)[] = lines.length === 0 ? [] : message.joined.split(SEPARATOR);
  for (const index of message.nulls) values[index] = null;
  return { names: message.names, values, lines };
}
