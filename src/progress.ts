/** Progress events from planning and apply; the CLI turns them into listr2 output. */
export type ProgressStep = 'introspect' | 'read' | 'diff' | 'stage' | 'ddl' | 'write' | 'cleanup';

export interface ProgressEvent {
  readonly sync: string;
  readonly step: ProgressStep;
  /** Rows done / total for row steps. */
  readonly done?: number;
  readonly total?: number;
  readonly message?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

export const ignoreProgress: ProgressListener = () => undefined;

/** Runs work for each sync in order, giving each its progress listener (the CLI's shows listr2 tasks). */
export type SyncRunner = <I extends { readonly name: string }, T>(
  items: readonly I[],
  work: (item: I, onProgress: ProgressListener) => Promise<T>,
) => Promise<T[]>;

export const sequentialRunner: SyncRunner = async (items, work) => {
  const results = [];
  for (const item of items) results.push(await work(item, ignoreProgress));
  return results;
};
