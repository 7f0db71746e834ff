import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram } from '../histogram/histogram.js';
import { SeriesRecorder } from './series.js';

function latencies(values: number[]): Histogram {
  const h = new Histogram();
  for (const v of values) h.record(v);
  return h;
}

describe('SeriesRecorder', () => {
  it('keeps one point per second with the interval counts and its own percentiles', () => {
    const rec = new SeriesRecorder(0);
    // Two reports in the first second, one in the second.
    rec.add(500, { sent: 50, completed: 48, errors: 1 }, latencies(Array(48).fill(1000)));
    rec.add(1000, { sent: 100, completed: 99, errors: 2 }, latencies(Array(51).fill(3000)));
    rec.add(2000, { sent: 160, completed: 158, errors: 2 }, latencies([...Array(58).fill(2000), 90_000]));
    const s = rec.finish(2000);
    assert.equal(s.interval_s, 1);
    assert.equal(s.coalesced, false);
    assert.deepEqual(
      s.points.map((p) => [p.t, p.sent, p.completed, p.errors, p.rate]),
      [
        [1, 100, 99, 2, 99],
        [2, 60, 59, 0, 59],
      ],
    );
    assert.equal(s.points[0].p50, 3); // 51 of 99 at 3 ms
    assert.equal(s.points[1].p50, 2);
    assert.equal(s.points[1].max, 90);
  });

  it('closes the last partial interval when the run ends', () => {
    const rec = new SeriesRecorder(0);
    rec.add(1000, { sent: 10, completed: 10, errors: 0 }, latencies(Array(10).fill(500)));
    rec.add(1250, { sent: 13, completed: 12, errors: 0 }, latencies([700, 700]));
    const s = rec.finish(1250);
    assert.equal(s.points.length, 2);
    assert.deepEqual([s.points[1].t, s.points[1].completed, s.points[1].rate], [1.25, 2, 8]);
  });

  it('stays bounded on long runs by coalescing neighbours, keeping counts and upper-bound percentiles', () => {
    const rec = new SeriesRecorder(0, 10);
    let sent = 0;
    for (let second = 1; second <= 25; second++) {
      sent += 100;
      rec.add(second * 1000, { sent, completed: sent, errors: 0 }, latencies(Array(100).fill(second * 1000)));
    }
    const s = rec.finish(25_000);
    assert.ok(s.points.length <= 10, `${s.points.length} points`);
    assert.equal(s.coalesced, true);
    assert.equal(s.interval_s, 4);
    assert.equal(
      s.points.reduce((n, p) => n + p.completed, 0),
      2500,
      'no request lost by coalescing',
    );
    const last = s.points[s.points.length - 1];
    assert.equal(last.t, 25);
    assert.equal(last.p99, 25, 'a coalesced point keeps the larger p99');
  });
});
