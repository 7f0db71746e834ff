// When to try a request again, and how long to wait: throttling (429), server errors (5xx) and dropped
// connections are retried with capped exponential backoff, and a Retry-After from the server is honoured.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff before the first retry; doubled for each further one. */
  baseMs: number;
  /** Backoff never grows beyond this. */
  maxMs: number;
  /** A Retry-After longer than this is cut to it (a server may ask for minutes). */
  maxRetryAfterMs: number;
  /** No retry starts after this much time since the first attempt. */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseMs: 200,
  maxMs: 5000,
  maxRetryAfterMs: 30_000,
  budgetMs: 90_000,
};

/** Connection-level failures worth a retry: the server restarted, a proxy dropped us, DNS hiccuped. */
const RETRYABLE_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ESOCKETHANGUP',
]);

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

export function isRetryableErrorCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_ERRORS.has(code);
}

/**
 * Retry-After in milliseconds: delay-seconds or an HTTP date (RFC 9110); undefined when absent or
 * unreadable. A Status body's details.retryAfterSeconds is the fallback the caller may pass.
 */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The wait before retry number `retry` (1 for the first retry). */
export function retryDelay(
  retry: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  // Half fixed, half random: clients that failed together do not all come back at the same instant.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Whether another attempt may start, `elapsedMs` after the first one began and after waiting `delayMs`. */
export function mayRetry(attempt: number, elapsedMs: number, delayMs: number, policy: RetryPolicy): boolean {
  return attempt < policy.maxAttempts && elapsedMs + delayMs <= policy.budgetMs;
}
