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
  return { first: head.done ? undefined : head.value, all: replay(head, iterator), close: () => closeUnlessDone(iterator, head) };
}

/** A batched source stays batched: its first batch is read, and `all` still hands out batches. */
async function peekBatches(source: BatchedRecords): Promise<Peeked<SourceRow>> {
  const iterator = source.batches()[Symbol.asyncIterator]();
  let head = await iterator.next();
  while (!head.done && head.value.length === 0) head = await iterator.next();
  const batches = replay(head, iterator);
  return { first: head.done ? undefined : head.value[0], all: batchedRecords(() => batches), close: () => closeUnlessDone(iterator, head) };
}

/** The item already read, then the rest of the iterator, which is closed at the end. */
async function* replay<T>(head: IteratorResult<T>, iterator: AsyncIterator<T>): AsyncGenerator<T> {
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

async function closeUnlessDone(iterator: AsyncIterator<unknown>, head: IteratorResult<unknown>): Promise<void> {
  if (!head.done) await iterator.return?.();
}
