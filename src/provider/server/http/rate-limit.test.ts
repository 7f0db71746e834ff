import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows a burst, then refuses with a wait, then refills over time', () => {
    const limiter = new RateLimiter({ burst: 3, perMinute: 60 });
    const t = 1_000_000;
    for (let i = 0; i < 3; i++) assert.equal(limiter.take('a', t).ok, true);
    const refused = limiter.take('a', t);
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.retryAfterSeconds, 1);
    assert.equal(limiter.take('b', t).ok, true, 'another client has its own bucket');
    assert.equal(limiter.take('a', t + 1000).ok, true, 'one request per second comes back');
    assert.equal(limiter.take('a', t + 1000).ok, false);
  });
});
