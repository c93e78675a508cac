/** Looks at the first record of a stream without losing it. */
import { batchedRecords, hasBatches, type BatchedRecords, type SourceRow } from './source.js';

export interface Peeked<T> {
  readonly first: T | undefined;
  readonly all: AsyncIterable<T>;
  /** Stops the underlying stream (closes its file or connection) when `all` will not be read. */
  close(): Promise<void>;
}

export async function peek<T>(source: AsyncIterable<T>): Promise<Peeked<T>> {
  if (hasBatches(source as AsyncIterable<unknown> as AsyncIterable<SourceRow>)) return peekBatches(source as unknown as BatchedRecords) as unknown as Peeked<T>;
  const iterator = source[Symbol.asyncIterator]();
  const head = await iterator.next();
  async function* all(): AsyncGenerator<T> {
    if (head.done) return;
    try {
      yield head.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return { first: head.done ? undefined : head.value, all: all(), close: () => closeUnlessDone(iterator, head) };
}

/** A batched source stays batched: its first batch is read, and `all` still hands out batches. */
async function peekBatches(source: BatchedRecords): Promise<Peeked<SourceRow>> {
  const iterator = source.batches()[Symbol.asyncIterator]();
  let head = await iterator.next();
  while (!head.done && head.value.length === 0) head = await iterator.next();
  const firstBatch = head;
  async function* batches(): AsyncGenerator<readonly SourceRow[]> {
    if (firstBatch.done) return;
    try {
      yield firstBatch.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  const once = batches();
  return { first: firstBatch.done ? undefined : firstBatch.value[0], all: batchedRecords(() => once), close: () => closeUnlessDone(iterator, firstBatch) };
}

async function closeUnlessDone(iterator: AsyncIterator<unknown>, head: IteratorResult<unknown>): Promise<void> {
  if (!head.done) await iterator.return?.();
}
