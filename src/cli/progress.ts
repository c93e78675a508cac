/**
 * listr2 progress on stderr: one task per sync, its current step and row counts as output.
 * Plain line-by-line output (the simple renderer, throttled) when stderr is not a TTY, in CI,
 * or with TERM=dumb.
 */
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import { redactingStream } from '../model/redaction.js';
import { sequentialRunner, type ProgressEvent, type ProgressListener, type SyncRunner } from '../progress.js';

const PLAIN_INTERVAL_MS = 2_000;

export interface ProgressOptions {
  readonly enabled: boolean;
  readonly interactive: boolean;
  readonly verb: string;
}

export function describeProgress(event: ProgressEvent, started: number): string {
  const parts: string[] = [event.step];
  if (event.done !== undefined) {
    parts.push(event.total !== undefined ? `${event.done.toLocaleString('en-US')} / ${event.total.toLocaleString('en-US')} rows` : `${event.done.toLocaleString('en-US')} rows`);
    const seconds = (performance.now() - started) / 1000;
    if (seconds > 1 && event.done > 0) {
      const rate = event.done / seconds;
      parts.push(`${Math.round(rate).toLocaleString('en-US')} rows/s`);
      if (event.total !== undefined && event.total > event.done) parts.push(`ETA ${Math.ceil((event.total - event.done) / rate)} s`);
    }
  }
  if (event.message) parts.push(event.message);
  return parts.join(' · ');
}

/** A SyncRunner that shows each sync as a listr2 task. */
export function listrRunner(options: ProgressOptions): SyncRunner {
  if (!options.enabled) return sequentialRunner;
  return async (items, work) => {
    const results: Awaited<ReturnType<typeof work>>[] = [];
    // listr2 keeps going after a failed task (exitOnError: false); an exception is rethrown after it.
    let thrown: { error: unknown } | undefined;
    // Progress lines carry table names, DDL and lock holders: redacted like everything else.
    const stderr = redactingStream(process.stderr);
    const logger = new ListrLogger({ processOutput: new ProcessOutput(stderr, stderr) });
    const list = new Listr(
      items.map((item) => ({
        title: `${options.verb} ${item.name}`,
        task: async (_context: unknown, task: { output: string }) => {
          let lastStep = '';
          let lastWrite = 0;
          let stepStarted = performance.now();
          const onProgress: ProgressListener = (event) => {
            if (event.step !== lastStep) stepStarted = performance.now();
            const now = performance.now();
            if (!options.interactive && event.step === lastStep && now - lastWrite < PLAIN_INTERVAL_MS) return;
            lastStep = event.step;
            lastWrite = now;
            task.output = describeProgress(event, stepStarted);
          };
          let result: Awaited<ReturnType<typeof work>>;
          try {
            result = await work(item, onProgress);
          } catch (error) {
            thrown ??= { error };
            throw error;
          }
          results.push(result);
          // Show a sync that did not complete as failed; the run goes on with the next sync.
          const failure = unsuccessful(result);
          if (failure) throw new Error(`${item.name}: ${failure}`);
        },
      })),
      {
        concurrent: false,
        exitOnError: false,
        renderer: options.interactive ? 'default' : 'simple',
        rendererOptions: { logger },
        fallbackRenderer: 'simple',
        fallbackRendererOptions: { logger },
        fallbackRendererCondition: !options.interactive,
        registerSignalListeners: false,
      },
    );
    await list.run();
    if (thrown) throw thrown.error;
    return results;
  };
}

/** A run report's status when it is not a success, for results that have one. */
function unsuccessful(result: unknown): string | undefined {
  const status = (result as { status?: unknown } | null)?.status;
  return status === 'failed' || status === 'refused' ? status : undefined;
}
