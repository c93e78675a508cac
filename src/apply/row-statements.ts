/**
 * Streams planned rows into multi-row statements on one connection (both writers use it): rows
 * are claimed from a shared feed a batch at a time, packed into `prefix tuple,… suffix` statements
 * under the chunk's row count and the byte budget, and the next statement is built while the
 * server runs the current one (issue 7). Rows stay buffered until their statement succeeded, so a
 * statement refused as too big or too slow is sent again as smaller ones.
 */
import type { Row } from '../model/row.js';
import { packRows, type PackedStatement } from './pack.js';
import type { CountedWrite } from './row-count.js';
import { mustShrink, type StatementRunner } from './statement-runner.js';

/** Rows taken from the feed at a time. */
export const CLAIM_ROWS = 2_048;

/** The rows to send, claimed in batches; several loops may claim from one feed. */
export type RowFeed = AsyncIterator<readonly Row[], unknown>;

/** Statement size: how many rows to try next, and what to do after success or refusal. */
export interface ChunkPolicy {
  readonly size: number;
  record(rows: number, elapsedMs: number): void;
  /** False when nothing smaller can be sent. */
  halve(failedRows: number): boolean;
}

export interface RowStatementText {
  readonly prefix: string;
  readonly suffix: string;
  /** One row's tuple; `position` counts this loop's rows from 0 (the staging `_pk`). */
  tuple(row: Row, position: number): string;
  /** Between tuples, `,` unless given; the first tuple of each statement, when it differs. */
  readonly separator?: string;
  first?(row: Row, position: number): string;
}

export interface SendRowsOptions {
  readonly feed: RowFeed;
  readonly runner: StatementRunner;
  readonly text: RowStatementText;
  readonly chunk: ChunkPolicy;
  readonly maxBytes: number;
  /** "writing rows 1–5,000 of 9,000 in `t`": `first` counts this loop's rows from 1. */
  readonly label: (first: number, rows: number) => string;
  /** Set by the first loop that fails, so the others stop before their next statement. */
  readonly stop: { failed: boolean };
  readonly onDone: (rows: number) => void;
  /** What a statement of `size` rows must do to them (`rows` gives them while it runs): checked by the runner. */
  readonly count?: (size: number, rows: () => readonly Row[]) => CountedWrite;
}

interface Built extends PackedStatement {
  /** Index in the buffer of the statement's first row. */
  readonly from: number;
}

export async function sendRows(options: SendRowsOptions): Promise<void> {
  const { feed, runner, text, chunk, maxBytes, stop } = options;
  /** Rows not yet written, from the front; `base` is the position of buffer[0]. */
  const buffer: Row[] = [];
  let base = 0;
  let exhausted = false;
  const first = text.first?.bind(text);
  const texts = {
    prefix: text.prefix,
    suffix: text.suffix,
    tuple: (index: number) => text.tuple(buffer[index]!, base + index),
    ...(text.separator !== undefined ? { separator: text.separator } : {}),
    ...(first ? { first: (index: number) => first(buffer[index]!, base + index) } : {}),
  };

  const fill = async (from: number, rows: number): Promise<void> => {
    while (!exhausted && buffer.length - from < rows) {
      const claimed = await feed.next();
      if (claimed.done) exhausted = true;
      else for (const row of claimed.value) buffer.push(row);
    }
  };
  /** The next statement from buffer[from] on, built between turns of the event loop. */
  const build = async (from: number): Promise<Built | undefined> => {
    await fill(from, chunk.size);
    if (from >= buffer.length) return undefined;
    return { ...(await packRows(buffer.length, from, texts, chunk.size, maxBytes)), from };
  };

  let current: Built | undefined;
  let running: Promise<unknown> | undefined;
  try {
    current = await build(0);
    while (current !== undefined && !stop.failed) {
      const statement = current;
      const label = options.label(base + statement.from + 1, statement.rows);
      const rowsOf = () => buffer.slice(statement.from, statement.from + statement.rows);
      const count = options.count ? { count: options.count(statement.rows, rowsOf) } : {};
      const sent = runner.execute(statement.sql, [], { label, shrinkable: true, rows: statement.rows, ...count });
      running = sent.catch(() => undefined); // its error is handled below, after the next statement is built
      // Pipelined: the next statement is built while the server runs this one.
      const next = await build(statement.from + statement.rows);
      let elapsedMs: number;
      try {
        ({ elapsedMs } = await sent);
      } catch (error) {
        // Too big or too slow: the same rows again, in statements half the size.
        if (!mustShrink(error) || !chunk.halve(statement.rows)) throw error;
        current = { ...(await packRows(buffer.length, statement.from, texts, chunk.size, maxBytes)), from: statement.from };
        continue;
      } finally {
        running = undefined;
      }
      chunk.record(statement.rows, elapsedMs);
      options.onDone(statement.rows);
      // Written: let the rows go.
      buffer.splice(0, statement.rows);
      base += statement.rows;
      current = next && { ...next, from: next.from - statement.rows };
    }
  } catch (error) {
    // Whatever failed — a statement, or reading the next rows — the other loops stop, and this
    // one returns only once nothing it sent is still running.
    stop.failed = true;
    await running;
    throw error;
  }
}

/** The feed over one array (rows kept in memory: deletes), in claim-sized batches. */
export async function* arrayBatches(rows: readonly Row[], size = CLAIM_ROWS): AsyncGenerator<readonly Row[]> {
  for (let index = 0; index < rows.length; index += size) yield rows.slice(index, index + size);
}
