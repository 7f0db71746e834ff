// The other load generators behind --load-generator: wrk (Debian package) and autocannon (in process)
// run for real; wrk2 and fortio are not packaged for Debian, so here they are missing, and their output
// parsers are tested against format samples in src/perf/generators/parsers.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import { WRK, needPrograms } from '../helpers/programs.js';
import { countingTarget } from './perf-targets.js';

const home = new TestHome();
let target: Awaited<ReturnType<typeof countingTarget>>;
before(async () => {
  target = await countingTarget();
});
after(async () => {
  await target.close();
  home.cleanup();
});

async function runJson(args: string[], env: Record<string, string> = {}) {
  const r = await home.run(['perf', 'run', target.url, ...args, '-o', 'json', '--no-save'], {
    env,
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, r.stderr);
  return { result: JSON.parse(r.stdout), stderr: r.stderr };
}

describe('--load-generator', () => {
  it('wrk: runs the real wrk and reads its numbers into the same result model', async (t) => {
    if (!needPrograms(t, WRK)) return;
    const before = target.arrivals.length;
    const { result } = await runJson([
      '-g',
      'wrk',
      '-d',
      '1s',
      '-c',
      '4',
      '-w',
      '1',
      '-X',
      'POST',
      '--body',
      'hi',
      '-H',
      'X-Test: 1',
    ]);
    assert.equal(result.load_generator.name, 'wrk');
    assert.match(result.load_generator.version, /\d+\.\d+/);
    assert.equal(result.test.mode, 'closed');
    assert.ok(result.requests.completed > 50, String(result.requests.completed));
    const seen = target.arrivals.length - before;
    assert.ok(
      Math.abs(seen - result.requests.completed) <= 8,
      `wrk reported ${result.requests.completed}, the server saw ${seen}`,
    );
    assert.ok(
      result.latency.uncorrected.p50 > 0 &&
        result.latency.uncorrected.p99_99 >= result.latency.uncorrected.p99,
    );
    assert.equal(result.latency.corrected, null);
    assert.equal(result.errors.total, 0);
  });

  it('wrk: refuses what it cannot do instead of measuring something else', async () => {
    const r = await home.run(['perf', 'run', target.url, '-g', 'wrk', '--rate', '100']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /error: wrk cannot send at a constant rate \(--rate\)\nhint: use --load-generator native or wrk2/,
    );
  });

  it('autocannon: runs in process, and warns about its rate mode', async () => {
    const { result } = await runJson(['-g', 'autocannon', '-d', '1s', '-c', '4']);
    assert.equal(result.load_generator.name, 'autocannon');
    assert.equal(result.load_generator.version, '9.0.0');
    assert.ok(result.requests.completed > 50);
    assert.deepEqual(Object.keys(result.status_codes), ['200']);
    const rate = await runJson(['-g', 'autocannon', '-d', '1s', '-c', '2', '--rate', '50']);
    assert.match(rate.stderr, /warning: autocannon paces a rate in per-connection bursts/);
  });

  it('wrk2, fortio and wrk: a clear error saying how to install when missing (exit 1)', async () => {
    const cases: Array<[string, RegExp]> = [
      ['wrk2', /github\.com\/giltene\/wrk2/],
      ['fortio', /github\.com\/fortio\/fortio\/releases|go install fortio\.org/],
      ['wrk', /apt-get install wrk/],
    ];
    for (const [name, install] of cases) {
      const rate = name === 'wrk' ? [] : ['--rate', '100'];
      const r = await home.run(['perf', 'run', target.url, '-g', name, ...rate], {
        env: { PATH: '/nonexistent' },
      });
      assert.equal(r.code, 1, `${name}: ${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(`^error: the load generator "${name}" is not installed \\(not found on PATH\\)`),
      );
      assert.match(r.stderr, install);
      assert.match(r.stderr, /or use the built-in one: --load-generator native/);
    }
  });
});
