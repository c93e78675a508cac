/** withRetry: which errors are retried, how often, how long it waits, and the per-sync budget. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RETRY_POLICY, RetryBudget, withRetry, type RetryEvent, type RetryPolicy } from '../../../src/apply/retry.js';

const FAST: RetryPolicy = { retries: 4, minDelayMs: 1, maxDelayMs: 4, maxRetryTimeMs: 5_000, retriesPerSync: 100 };

const deadlock = () => Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' });
const lost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
const duplicate = () => Object.assign(new Error("Duplicate entry '1' for key 'PRIMARY'"), { errno: 1062, code: 'ER_DUP_ENTRY' });
const rowCount = () => Object.assign(new Error('vttablet: rpc error: code = Aborted desc = Row count exceeded 100000 (errno 1203) (sqlstate 42000)'), { errno: 1203 });

/** Work that fails with the given errors, in order, then returns "ok". */
function failing(...errors: Error[]) {
  const attempts: number[] = [];
  const work = async (attempt: number) => {
    attempts.push(attempt);
    const error = errors[attempts.length - 1];
    if (error) throw error;
    return 'ok';
  };
  return { work, attempts };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('withRetry', () => {
  it('retries transient errors (deadlock, lost connection) until the work succeeds', async () => {
    const { work, attempts } = failing(deadlock(), lost(), deadlock());
    const events: RetryEvent[] = [];
    await expect(withRetry(work, { policy: FAST, onFailure: (event) => events.push(event) })).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(events.map((event) => [event.attempt, event.classification.reason, event.willRetry])).toEqual([
      [1, 'deadlock', true],
      [2, 'lost connection', true],
      [3, 'deadlock', true],
    ]);
  });

  it('does not retry permanent errors: one attempt, the original error', async () => {
    const { work, attempts } = failing(duplicate());
    await expect(withRetry(work, { policy: FAST })).rejects.toMatchObject({ errno: 1062 });
    expect(attempts).toEqual([1]);
  });

  it('does not retry shrink-and-retry errors: resending the same statement cannot help', async () => {
    const { work, attempts } = failing(rowCount());
    await expect(withRetry(work, { policy: FAST })).rejects.toMatchObject({ errno: 1203 });
    expect(attempts).toEqual([1]);
  });

  it('gives up after `retries` retries and throws the last error', async () => {
    const { work, attempts } = failing(deadlock(), deadlock(), deadlock(), deadlock(), deadlock(), deadlock());
    await expect(withRetry(work, { policy: FAST })).rejects.toMatchObject({ errno: 1213 });
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops when the sync-wide budget is spent, however many retries one statement has left', async () => {
    const budget = new RetryBudget(2);
    const first = failing(deadlock(), deadlock());
    await expect(withRetry(first.work, { policy: FAST, budget })).resolves.toBe('ok');
    expect(budget.remaining).toBe(0);
    const second = failing(deadlock());
    await expect(withRetry(second.work, { policy: FAST, budget })).rejects.toMatchObject({ errno: 1213 });
    expect(second.attempts).toEqual([1]);
  });

  it('stops starting attempts once maxRetryTimeMs has passed', async () => {
    let attempts = 0;
    const started = performance.now();
    const work = async () => {
      attempts += 1;
      await new Promise((resolve) => setTimeout(resolve, 30));
      throw deadlock();
    };
    await expect(withRetry(work, { policy: { ...FAST, retries: 100, maxRetryTimeMs: 100 } })).rejects.toMatchObject({ errno: 1213 });
    expect(attempts).toBeLessThan(6);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('waits with exponential backoff and jitter: delay k is in [min·2^k, 2·min·2^k], capped at maxDelayMs', async () => {
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((handler: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(handler, 0);
    }) as typeof setTimeout);
    const policy: RetryPolicy = { retries: 6, minDelayMs: 100, maxDelayMs: 1_000, maxRetryTimeMs: 60_000, retriesPerSync: 100 };
    const { work } = failing(deadlock(), deadlock(), deadlock(), deadlock(), deadlock(), deadlock());
    await withRetry(work, { policy });
    expect(delays).toHaveLength(6);
    delays.forEach((delay, k) => {
      const base = 100 * 2 ** k;
      expect(delay).toBeGreaterThanOrEqual(Math.min(base, 1_000));
      expect(delay).toBeLessThanOrEqual(Math.min(2 * base, 1_000));
    });
    expect(delays.at(-1)).toBe(1_000);
    // Jitter: the first delays are not all exactly the un-jittered value.
    expect(new Set(delays.slice(0, 4).map((delay, k) => delay === 100 * 2 ** k)).has(false)).toBe(true);
  });

  it('the default policy is bounded: at most 6 retries, 5 s per wait, a minute per statement, 50 per sync', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ retries: 6, minDelayMs: 200, maxDelayMs: 5_000, maxRetryTimeMs: 60_000, retriesPerSync: 50 });
  });
});
