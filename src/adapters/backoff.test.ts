import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADAPTER_BACKOFF, backoffDelay, sleep } from './backoff.js';

describe('adapter backoff', () => {
  it('grows exponentially and never waits more than the cap', () => {
    const highest = (attempt: number) => backoffDelay(ADAPTER_BACKOFF, attempt, () => 1);
    assert.deepEqual([0, 1, 2, 3].map(highest), [100, 200, 400, 800]);
    for (const attempt of [6, 7, 20, 1000]) assert.equal(highest(attempt), 5000);
  });

  it('jitters within the upper half of each step', () => {
    assert.equal(
      backoffDelay(ADAPTER_BACKOFF, 3, () => 0),
      400,
    );
    assert.equal(
      backoffDelay(ADAPTER_BACKOFF, 10, () => 0),
      2500,
    );
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(ADAPTER_BACKOFF, 4)));
    assert.ok(seen.size > 1, 'random jitter gives different waits');
    for (const d of seen) assert.ok(d >= 800 && d <= 1600, `${d} within [800, 1600]`);
  });

  it('sleep stops at once when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(pending, /stop/);
    assert.ok(Date.now() - started < 5000);
  });
});
