/**
 * Large CSV files are parsed on a worker thread (issue 7). csv-parse costs ~12 µs of CPU a record
 * of the benchmark's data; on its own thread that work overlaps with mapping, comparing and
 * writing on the main thread, where taking a batch of records off the worker costs ~1–2 µs a record. Records, values, line numbers and errors are exactly those of
 * readCsv: the worker runs it. Small files, standard input, and code run from TypeScript sources
 * (no compiled worker script) are read on the main thread.
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CsvSourceConfig } from '../manifest/types.js';
import { readCsv, type CsvReadOptions } from './csv.js';
import { SourceError, type SourceRow } from './source.js';

/** Records per message, and messages the worker may send before the main thread takes them. */
export const BATCH_ROWS = 1_000;
export const BATCHES_AHEAD = 4;

/** Below this, starting a thread (~30 ms) costs more than it saves. */
const THREAD_FROM_BYTES = 4 * 1024 * 1024;

export type WorkerMessage =
  | { readonly type: 'header'; readonly names: readonly string[]; readonly line?: number }
  | { readonly type: 'rows'; readonly names: readonly string[]; readonly values: readonly (string | null)[]; readonly lines: readonly number[] }
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly file?: string; readonly message: string; readonly line?: number };

const WORKER_SCRIPT = new URL('./csv-worker.js', import.meta.url);

/** The CSV reader for this source: on a worker thread when the file is large, else readCsv. */
export function readCsvSource(config: CsvSourceConfig, options: CsvReadOptions = {}): AsyncIterable<SourceRow> {
  return config.path !== '-' && workerAvailable() && fileBytes(config.path) >= THREAD_FROM_BYTES ? readCsvThreaded(config, WORKER_SCRIPT, options) : readCsv(config, options);
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

export async function* readCsvThreaded(config: CsvSourceConfig, script: URL = WORKER_SCRIPT, options: Pick<CsvReadOptions, 'onHeader'> = {}): AsyncGenerator<SourceRow> {
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
      const { names, values, lines } = message;
      const width = names.length;
      for (let row = 0, at = 0; row < lines.length; row += 1) {
        const fields: Record<string, string | null> = {};
        for (let column = 0; column < width; column += 1, at += 1) fields[names[column]!] = values[at]!;
        yield { fields, line: lines[row]! };
      }
    }
  } finally {
    // Listeners stay until the thread is gone: an 'error' event without one would crash the process.
    await worker.terminate();
    worker.removeAllListeners();
  }
}
