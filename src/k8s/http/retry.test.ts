import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_RETRY,
  isRetryableErrorCode,
  isRetryableStatus,
  mayRetry,
  parseRetryAfter,
  retryDelay,
} from './retry.js';

describe('retry policy', () => {
  it('retries throttling, server errors and dropped connections, nothing else', () => {
    for (const s of [429, 500, 502, 503, 504]) assert.equal(isRetryableStatus(s), true, String(s));
    for (const s of [400, 401, 403, 404, 409, 410, 415, 422, 501])
      assert.equal(isRetryableStatus(s), false, String(s));
    for (const c of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE']) assert.equal(isRetryableErrorCode(c), true);
    for (const c of ['CERT_HAS_EXPIRED', 'ENOTFOUND', undefined])
      assert.equal(isRetryableErrorCode(c), false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('backs off exponentially with jitter, capped, and honours Retry-After up to its own cap', () => {
    const policy = { ...DEFAULT_RETRY, baseMs: 100, maxMs: 1000, maxRetryAfterMs: 10_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, undefined, policy, () => 1)),
      [100, 200, 400, 800, 1000, 1000],
    );
    assert.deepEqual(
      [1, 2, 5].map((n) => retryDelay(n, undefined, policy, () => 0)),
      [50, 100, 500],
    );
    assert.equal(retryDelay(1, 2000, policy), 2000);
    assert.equal(retryDelay(1, 120_000, policy), 10_000);
  });

  it('stops after the attempt limit or the time budget', () => {
    const policy = { ...DEFAULT_RETRY, maxAttempts: 3, budgetMs: 1000 };
    assert.equal(mayRetry(1, 0, 100, policy), true);
    assert.equal(mayRetry(3, 0, 100, policy), false);
    assert.equal(mayRetry(1, 950, 100, policy), false);
  });
});
