/** Looks at the first record of a stream without losing it. */
export interface Peeked<T> {
  readonly first: T | undefined;
  readonly all: AsyncIterable<T>;
  /** Stops the underlying stream (closes its file or connection) when `all` will not be read. */
  close(): Promise<void>;
}

export async function peek<T>(source: AsyncIterable<T>): Promise<Peeked<T>> {
  const iterator = source[Symbol.asyncIterator]();
  const head = await iterator.next();
  const first = head.done ? undefined : head.value;
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
  return {
    first,
    all: all(),
    async close() {
      if (!head.done) await iterator.return?.();
    },
  };
}
