/**
 * Runs in a worker thread (see csv-threaded.ts): reads one CSV source with the ordinary reader and
 * posts its records in batches — field names once, then values flat, row after row — never more
 * than a few batches ahead of what the main thread has taken.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CsvSourceConfig } from '../manifest/types.js';
import { readCsv } from './csv.js';
import { SourceError } from './source.js';
import { BATCH_ROWS, BATCHES_AHEAD, type WorkerMessage } from './csv-threaded.js';

const port = parentPort!;
let credit = BATCHES_AHEAD;
let resume: (() => void) | undefined;
port.on('message', () => {
  credit += 1;
  resume?.();
});

const post = (message: WorkerMessage) => port.postMessage(message);

async function run(config: CsvSourceConfig): Promise<void> {
  let names: string[] | undefined;
  let values: (string | null)[] = [];
  let lines: number[] = [];
  const flush = async () => {
    while (credit === 0) await new Promise<void>((resolve) => (resume = resolve));
    credit -= 1;
    post({ type: 'rows', names: names!, values, lines });
    values = [];
    lines = [];
  };
  try {
    // The header goes first, outside the batches' credit: it is one small message.
    for await (const record of readCsv(config, { onHeader: (header) => post({ type: 'header', ...header }) })) {
      const fields = record.fields as Record<string, string | null>;
      names ??= Object.keys(fields);
      for (const name of names) values.push(fields[name] ?? null);
      lines.push(record.line);
      if (lines.length >= BATCH_ROWS) await flush();
    }
  } finally {
    // The records before an error are delivered before it, as readCsv delivers them.
    if (lines.length > 0) await flush();
  }
  post({ type: 'end' });
}

run(workerData as CsvSourceConfig).catch((error: unknown) => {
  if (error instanceof SourceError) post({ type: 'error', file: error.file, message: error.message, ...(error.line !== undefined ? { line: error.line } : {}) });
  else post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
});
