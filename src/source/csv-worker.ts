/**
 * Runs in a worker thread (see csv-threaded.ts): reads one CSV source with the ordinary reader and
 * posts its rows a batch at a time (csv-rows.ts), never more than a few batches ahead of what the
 * main thread has taken.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CsvSourceConfig } from '../manifest/types.js';
import { readCsvBatches } from './csv.js';
import { SourceError } from './source.js';
import { BATCHES_AHEAD, encodeBatch, type WorkerMessage } from './csv-threaded.js';

const port = parentPort!;
let credit = BATCHES_AHEAD;
let resume: (() => void) | undefined;
port.on('message', () => {
  credit += 1;
  resume?.();
});

const post = (message: WorkerMessage) => port.postMessage(message);

async function run(config: CsvSourceConfig): Promise<void> {
  // The header goes first, outside the batches' credit: it is one small message. The rows before
  // an error are delivered before it, as readCsv delivers them.
  for await (const batch of readCsvBatches(config, { onHeader: (header) => post({ type: 'header', ...header }) })) {
    while (credit === 0) await new Promise<void>((resolve) => (resume = resolve));
    credit -= 1;
    post(encodeBatch(batch));
  }
  post({ type: 'end' });
}

run(workerData as CsvSourceConfig).catch((error: unknown) => {
  if (error instanceof SourceError) post({ type: 'error', file: error.file, message: error.message, ...(error.line !== undefined ? { line: error.line } : {}) });
  else post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
});
