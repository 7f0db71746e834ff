import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HISTOGRAM_BUCKETS,
  HISTOGRAM_MAX_VALUE,
  Histogram,
  bucketHigh,
  bucketIndex,
  bucketLow,
} from './histogram.js';

/** A deterministic pseudo-random sequence (xorshift), so failures can be reproduced. */
function random(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('histogram buckets', () => {
  it('are contiguous: every value lands in a bucket whose range contains it', () => {
    let previousHigh = -1;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      assert.equal(bucketLow(i), previousHigh + 1, `bucket ${i} starts right after bucket ${i - 1}`);
      previousHigh = bucketHigh(i);
      assert.equal(bucketIndex(bucketLow(i)), i);
      assert.equal(bucketIndex(bucketHigh(i)), i);
    }
    assert.equal(previousHigh, HISTOGRAM_MAX_VALUE);
  });

  it('keep 3 significant digits: a bucket is at most 1/1024 of its values wide', () => {
    const next = random(7);
    for (let k = 0; k < 100_000; k++) {
      const v = Math.floor(next() ** 4 * HISTOGRAM_MAX_VALUE);
      const i = bucketIndex(v);
      assert.ok(bucketLow(i) <= v && v <= bucketHigh(i));
      assert.ok(bucketHigh(i) - bucketLow(i) + 1 <= Math.max(1, v / 1024), `value ${v}`);
    }
  });

  it('clamps values beyond the range instead of failing', () => {
    const h = new Histogram();
    h.record(HISTOGRAM_MAX_VALUE * 4);
    h.record(-5);
    assert.equal(h.count, 2);
    assert.equal(h.counts[HISTOGRAM_BUCKETS - 1], 1);
    assert.equal(h.counts[0], 1);
  });
});

describe('Histogram', () => {
  const next = random(42);
  // Latencies from 150 µs to over 100 ms, skewed like real ones.
  const values = Array.from({ length: 50_000 }, () => Math.round(150 + next() ** 6 * 150_000));
  const sorted = [...values].sort((a, b) => a - b);
  const h = new Histogram();
  for (const v of values) h.record(v);

  it('reports percentiles within 0.1% of the exact ones', () => {
    for (const p of [50, 75, 90, 99, 99.9, 99.99]) {
      const exact = exactPercentile(sorted, p);
      const got = h.percentile(p);
      assert.ok(got >= exact && got <= exact * 1.001 + 1, `p${p}: ${got} vs ${exact}`);
    }
    assert.equal(h.percentile(100), sorted[sorted.length - 1]);
    assert.equal(h.min, sorted[0]);
    assert.equal(h.max, sorted[sorted.length - 1]);
  });

  it('computes the exact mean and standard deviation', () => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    assert.ok(Math.abs(h.mean() - mean) < 1e-6 * mean);
    assert.ok(Math.abs(h.stddev() - sd) < 1e-6 * sd);
  });

  it('merges by adding: two halves give the same histogram as the whole', () => {
    const a = new Histogram();
    const b = new Histogram();
    values.forEach((v, i) => (i % 2 ? a : b).record(v));
    const merged = new Histogram().add(a).add(b);
    assert.deepEqual(merged.toJSON(), h.toJSON());
  });

  it('survives a JSON round trip unchanged', () => {
    const back = Histogram.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    assert.deepEqual(back.toJSON(), h.toJSON());
    for (const p of [50, 99, 99.9]) assert.equal(back.percentile(p), h.percentile(p));
  });

  it('stores only the buckets that hold values', () => {
    const small = new Histogram();
    small.record(5);
    small.record(5);
    small.record(5000);
    const data = small.toJSON();
    assert.deepEqual(data.buckets, [
      [5, 2],
      [bucketLow(bucketIndex(5000)), 1],
    ]);
    assert.equal(data.count, 3);
  });

  it('adds sparse interval counts as workers post them', () => {
    const sparse = Float64Array.from([bucketIndex(1000), 3, bucketIndex(250_000), 1]);
    const g = new Histogram().addSparse(sparse);
    assert.equal(g.count, 4);
    assert.equal(g.percentile(50), 1000);
    assert.ok(g.percentile(100) >= 250_000);
  });

  it('is empty-safe', () => {
    const e = new Histogram();
    assert.equal(e.percentile(99), 0);
    assert.equal(e.mean(), 0);
    assert.equal(e.stddev(), 0);
    assert.equal(e.toJSON().min, 0);
  });
});
