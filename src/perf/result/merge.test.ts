// Exactness of a distributed run's result: merging the generators' histograms equals, bucket for bucket,
// the histogram of all their samples, and the merged p99 is the true one where an average of per-pod p99s
// (what peers report) is not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram } from '../histogram/histogram.js';
import { emptyTally } from '../engine/tally.js';
import { RUN_DEFAULTS, type RunSpec } from '../spec/run-spec.js';
import { buildResult } from './build.js';
import { averagedP99, mergeResults, mergeSeries } from './merge.js';

const spec: RunSpec = {
  ...RUN_DEFAULTS,
  url: 'http://target/',
  headers: [],
  body: null,
  rate: 300,
  durationMs: 10_000,
  requests: null,
  workers: 1,
  insecure: false,
  ca: null,
  caFile: null,
};

/** A deterministic pseudo-random stream, so the test is the same every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function pod(
  seed: number,
  samples: number,
  slowTail: number,
): { values: number[]; result: ReturnType<typeof buildResult> } {
  const next = random(seed);
  const values = Array.from({ length: samples }, () =>
    next() < slowTail ? 50_000 + Math.round(next() * 200_000) : 500 + Math.round(next() * 4_000),
  );
  const h = new Histogram();
  for (const v of values) h.record(v);
  const tally = { ...emptyTally(), sent: samples, completed: samples, statuses: { '200': samples } };
  const now = new Date('2026-12-02T05:00:00Z');
  const result = buildResult(
    { ...spec, rate: 100 },
    {
      generator: { name: 'native', version: 'test' },
      corrected: h,
      uncorrected: h,
      tally,
      startTime: now,
      endTime: new Date(now.getTime() + 10_000),
      windowMs: 10_000,
      aborted: false,
      workers: 1,
    },
    { name: `pod-${seed}` },
  );
  return { values, result };
}

describe('merging the results of several generators', () => {
  // Three pods: one sees a slow backend (a 5% tail), two do not, and they ran different request counts.
  const pods = [pod(1, 20_000, 0.05), pod(2, 5_000, 0), pod(3, 8_000, 0)];
  const merged = mergeResults(
    pods.map((p) => p.result),
    { name: 'all' },
  );

  it('equals, bucket for bucket, the histogram of all the samples', () => {
    const all = new Histogram();
    for (const p of pods) for (const v of p.values) all.record(v);
    assert.deepEqual(merged.histograms.corrected, all.toJSON());
    assert.equal(merged.latency.corrected?.count, 33_000);
    assert.equal(merged.latency.corrected?.p99, Math.round(all.percentile(99)) / 1000);
    assert.equal(merged.latencies_ms.p99, merged.latency.corrected?.p99);
  });

  it('is not what averaging per-pod p99s gives (what peers do)', () => {
    const exact = merged.latencies_ms.p99;
    const averaged = averagedP99(pods.map((p) => p.result));
    // Here: exact p99 about 200 ms, the average of the pods' p99s about 76 ms.
    assert.ok(exact > 50, `the tail of the slow pod dominates the whole: ${exact} ms`);
    assert.ok(Math.abs(averaged - exact) / exact > 0.3, `averaged ${averaged} ms against exact ${exact} ms`);
  });

  it('adds the counters and throughput', () => {
    assert.deepEqual(merged.requests, { sent: 33_000, completed: 33_000, ok: 33_000, unsent: 0 });
    assert.equal(merged.status_codes['200'], 33_000);
    assert.equal(merged.rate.requested, 300);
    assert.equal(merged.rate.achieved, 3300);
    assert.equal(merged.test.connections, 30);
    assert.equal(merged.name, 'all');
  });

  it('adds series second by second, keeping the larger percentile', () => {
    const s = mergeSeries([
      {
        interval_s: 1,
        coalesced: false,
        points: [{ t: 1, sent: 10, completed: 10, errors: 0, rate: 10, p50: 1, p90: 2, p99: 3, max: 4 }],
      },
      {
        interval_s: 1,
        coalesced: false,
        points: [{ t: 1.01, sent: 5, completed: 4, errors: 1, rate: 4, p50: 2, p90: 2, p99: 9, max: 9 }],
      },
      undefined,
    ]);
    assert.deepEqual(s?.points, [
      { t: 1.01, sent: 15, completed: 14, errors: 1, rate: 14, p50: 2, p90: 2, p99: 9, max: 9 },
    ]);
    assert.equal(s?.coalesced, true);
  });
});
