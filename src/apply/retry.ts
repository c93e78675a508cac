/**
 * Retrying transient failures (deadlock, lock wait timeout, lost connection, Vitess reparenting …)
 * with jittered exponential backoff (p-retry), inside two bounds: a number of retries and a time
 * per statement, and a number of retries for the whole sync, so a flapping server ends the apply
 * instead of stretching it for hours. Shrink-and-retry and permanent errors are not retried here:
 * the first is the writers' job (smaller statements), the second stops the sync.
 */
import pRetry from 'p-retry';
import { classifyError, type ErrorClass } from '../dialect/error-class.js';

export interface RetryPolicy {
  /** Retries of one statement after its first attempt. */
  readonly retries: number;
  /** First delay; each next one doubles, times a random factor in [1, 2). */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** No new attempt of one statement starts after this long. */
  readonly maxRetryTimeMs: number;
  /** Retries for a whole sync, all statements together. */
  readonly retriesPerSync: number;
}

/** About 0.2 + 0.4 + … + 5 s ≈ 11–22 s of waiting for one statement, at most a minute. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 6,
  minDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryTimeMs: 60_000,
  retriesPerSync: 50,
};

export interface RetryEvent {
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly error: unknown;
  readonly classification: ErrorClass;
  /** Whether another attempt follows. */
  readonly willRetry: boolean;
}

/** Retries left for one sync, shared by all its statements. */
export class RetryBudget {
  constructor(private left: number) {}

  get remaining(): number {
    return this.left;
  }

  take(): boolean {
    if (this.left <= 0) return false;
    this.left -= 1;
    return true;
  }
}

export interface RetryOptions {
  readonly policy?: RetryPolicy;
  readonly budget?: RetryBudget;
  readonly classify?: (error: unknown) => ErrorClass;
  readonly onFailure?: (event: RetryEvent) => void;
}

/** Runs `work`, again after transient failures; throws the last error when it gives up. */
export async function withRetry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const classify = options.classify ?? classifyError;
  return pRetry(work, {
    retries: policy.retries,
    factor: 2,
    minTimeout: policy.minDelayMs,
    maxTimeout: policy.maxDelayMs,
    maxRetryTime: policy.maxRetryTimeMs,
    randomize: true,
    shouldRetry: ({ error, attemptNumber, retriesLeft }) => {
      const classification = classify(error);
      const willRetry = classification.kind === 'transient' && retriesLeft > 0 && (options.budget?.take() ?? true);
      options.onFailure?.({ attempt: attemptNumber, error, classification, willRetry });
      return willRetry;
    },
  });
}
