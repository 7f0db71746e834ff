import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadQuery, ExactShare, behaviourFor } from './behaviour.js';

const q = (s: string) => new URLSearchParams(s);

describe('echo target behaviour', () => {
  it('hits exactly p percent of requests, in every prefix as evenly as possible', () => {
    const shares = new ExactShare();
    let hits = 0;
    for (let n = 1; n <= 1000; n++) {
      if (shares.hit('k', 10)) hits++;
      assert.equal(hits, Math.floor(n / 10), `after ${n}`);
    }
    const odd = new ExactShare();
    let h = 0;
    for (let n = 0; n < 300; n++) if (odd.hit('k', 33.3)) h++;
    assert.equal(h, Math.floor(300 * 0.333));
  });

  it('gives exactly 10% 503s for status=503:10, counted apart from other entries', () => {
    const shares = new ExactShare();
    const statuses = Array.from({ length: 200 }, () => behaviourFor(q('status=503:10'), shares).status);
    assert.equal(statuses.filter((s) => s === 503).length, 20);
    assert.equal(statuses.filter((s) => s === 200).length, 180);
    const mixed = Array.from({ length: 100 }, () => behaviourFor(q('status=503:10,429:5'), shares).status);
    assert.equal(mixed.filter((s) => s === 503).length, 10);
    assert.ok(mixed.filter((s) => s === 429).length >= 4);
  });

  it('reads delay, size, close and chunked', () => {
    const shares = new ExactShare();
    assert.deepEqual(behaviourFor(q('delay=5ms&size=1k&close=1&chunked=true'), shares), {
      delayMs: 5,
      status: 200,
      size: 1024,
      close: true,
      chunked: true,
    });
    const delays = Array.from({ length: 20 }, () => behaviourFor(q('delay=1s:50'), shares).delayMs);
    assert.equal(delays.filter((d) => d === 1000).length, 10);
    assert.equal(behaviourFor(q('close=0'), shares).close, false);
  });

  it('refuses bad parameters with a message naming them', () => {
    const shares = new ExactShare();
    for (const [query, message] of [
      ['delay=5x', /invalid delay "5x"/],
      ['delay=2m', /at most 60s/],
      ['status=700', /status=700: expected a status code/],
      ['status=503:150', /percentage 0-100/],
      ['size=99m', /at most 16m/],
    ] as const) {
      assert.throws(
        () => behaviourFor(q(query), shares),
        (e: unknown) => e instanceof BadQuery && message.test(e.message),
      );
    }
  });
});
