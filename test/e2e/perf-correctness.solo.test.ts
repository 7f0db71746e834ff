// The engine's numbers against the truth, through the real binary and real servers on loopback:
// latency at a fixed delay, coordinated omission under periodic stalls, open-loop rate, exact error counts.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import {
  checkWithRoom,
  countingTarget,
  delayTarget,
  percentileOf,
  stallTarget,
  stallTruth,
  startServe,
} from './perf-targets.js';

const home = new TestHome();
after(() => home.cleanup());

async function perfJson(args: string[], timeoutMs = 60_000) {
  const r = await home.run(['perf', 'run', ...args, '-o', 'json', '--no-save'], { timeoutMs });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('perf run correctness', () => {
  it('measures a fixed 5 ms target within 0.5 ms of the server-side time, open and closed loop', async (t) => {
    const target = await delayTarget(5);
    try {
      for (const mode of [
        ['--rate', '200'],
        ['--rate', 'max'],
      ]) {
        await checkWithRoom(
          (m) => t.diagnostic(m),
          async () => {
            target.serverTimes.length = 0;
            const r = await perfJson([target.url, ...mode, '-c', '10', '-d', '5s', '-w', '1']);
            const server = percentileOf(target.serverTimes, 50);
            const measured = mode[1] === 'max' ? r.latency.uncorrected.p50 : r.latency.corrected.p50;
            const line = `${mode.join(' ')}: p50 ${measured} ms (uncorrected ${r.latency.uncorrected.p50}), server-side ${server.toFixed(3)} ms`;
            t.diagnostic(line);
            assert.equal(r.latencies_ms.p50, measured, 'SMP latencies_ms carries the primary p50');
            assert.ok(r.latency.uncorrected.p50 <= measured + 1e-9);
            assert.equal(r.errors.total, 0);
            return Math.abs(measured - server) <= 0.5 ? null : line;
          },
        );
      }
    } finally {
      await target.close();
    }
  });

  it('reports the true tail of a target that stalls 200 ms once a second (500 req/s for 20 s)', async (t) => {
    const target = await stallTarget();
    let r;
    try {
      r = await perfJson([target.url, '--rate', '500', '-c', '64', '-d', '20s'], 60_000);
    } finally {
      await target.close();
    }
    const from = target.arrivals[0];
    const to = target.arrivals[target.arrivals.length - 1];
    const truth99 = stallTruth(target.windows, from, to, 99);
    const truth999 = stallTruth(target.windows, from, to, 99.9);
    const c = r.latency.corrected;
    t.diagnostic(
      `p50 ${c.p50} p90 ${c.p90} p99 ${c.p99} (truth ${truth99.toFixed(1)}) p99.9 ${c.p99_9} (truth ${truth999.toFixed(1)}) max ${c.max}; uncorrected p99 ${r.latency.uncorrected.p99}`,
    );
    assert.ok(Math.abs(c.p99 - truth99) <= 0.1 * truth99, `p99 ${c.p99} ms against ${truth99.toFixed(1)} ms`);
    assert.ok(
      Math.abs(c.p99_9 - truth999) <= 0.1 * truth999,
      `p99.9 ${c.p99_9} ms against ${truth999.toFixed(1)} ms`,
    );
    // Near the length of the stalls (200 ms, longer when the server's own timer ran late).
    const longest = Math.max(...target.windows.map((w) => w.end - w.start));
    assert.ok(
      c.p99_9 >= 0.9 * 200 && c.p99_9 <= 1.1 * longest,
      `p99.9 ${c.p99_9} ms, longest stall ${longest.toFixed(1)} ms`,
    );
    assert.ok(c.p50 < 5, `p50 ${c.p50} ms: most requests miss the stalls`);
    assert.equal(r.requests.sent, 10_000);
    assert.equal(r.requests.completed, 10_000);
  });

  it('holds the requested rate within 1%, as the server saw it', async (t) => {
    const target = await countingTarget();
    let r;
    try {
      r = await perfJson([target.url, '--rate', '1000', '-c', '16', '-d', '5s']);
    } finally {
      await target.close();
    }
    assert.equal(r.requests.sent, 5000);
    assert.ok(Math.abs(r.rate.sent - 1000) <= 10, `sent ${r.rate.sent}/s`);
    assert.ok(Math.abs(r.actual_qps - 1000) <= 10, `achieved ${r.actual_qps}/s`);
    const a = target.arrivals;
    assert.equal(a.length, 5000);
    const serverRate = ((a.length - 1) / (a[a.length - 1] - a[0])) * 1000;
    t.diagnostic(`sent ${r.rate.sent}/s, achieved ${r.actual_qps}/s, server saw ${serverRate.toFixed(2)}/s`);
    assert.ok(Math.abs(serverRate - 1000) <= 10, `the server saw ${serverRate.toFixed(1)}/s`);
  });

  it('counts errors exactly against a target answering 10% 503s', async () => {
    const serve = await startServe(home.env);
    try {
      for (const args of [
        ['--requests', '1000', '-c', '8'],
        ['--rate', '400', '-d', '2500ms', '-c', '8', '-w', '2'],
      ]) {
        const r = await perfJson([`${serve.url}?status=503:10`, ...args]);
        assert.equal(r.requests.completed, 1000, args.join(' '));
        assert.deepEqual(r.status_codes, { '200': 900, '503': 100 });
        assert.deepEqual(r.errors.status, { '503': 100 });
        assert.equal(r.errors.total, 100);
        assert.equal(r.errors.rate, 0.1);
      }
    } finally {
      await serve.stop();
    }
  });
});
