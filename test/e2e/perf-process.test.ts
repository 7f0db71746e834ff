// meshdeck perf as a process: worker threads from the bundled binary, Ctrl-C keeping the partial result,
// live progress on a terminal, and `perf serve` as the long-lived child the sandbox runs.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, describe, it } from 'node:test';
import { BIN, TestHome, runProcess } from '../helpers/cli.js';
import { countingTarget, spawnMeshdeck, startServe } from './perf-targets.js';

const home = new TestHome();
const ESC = String.fromCharCode(27);
after(() => home.cleanup());

describe('perf run as a process', () => {
  it('runs two worker threads from the bundled binary and merges their counts', async () => {
    const target = await countingTarget();
    try {
      const r = await home.run([
        'perf',
        'run',
        target.url,
        '--requests',
        '2001',
        '-c',
        '8',
        '-w',
        '2',
        '-o',
        'json',
        '--no-save',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout);
      assert.equal(result.test.workers, 2);
      assert.equal(result.requests.completed, 2001);
      assert.equal(result.histograms.uncorrected.count, 2001);
      assert.equal(target.arrivals.length, 2001);
      const open = await home.run([
        'perf',
        'run',
        target.url,
        '--rate',
        '500',
        '-d',
        '1s',
        '-c',
        '8',
        '-w',
        '2',
        '-o',
        'json',
        '--no-save',
      ]);
      assert.equal(open.code, 0, open.stderr);
      assert.equal(JSON.parse(open.stdout).requests.sent, 500);
    } finally {
      await target.close();
    }
  });

  it('stops on Ctrl-C (SIGINT), prints and keeps the partial result, exit 130', async () => {
    const target = await countingTarget();
    try {
      const run = await spawnMeshdeck(home.env, [
        'perf',
        'run',
        target.url,
        '--rate',
        '200',
        '-d',
        '30s',
        '-o',
        'json',
      ]);
      while (target.arrivals.length < 200) await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      const out = await run.stop('SIGINT');
      assert.ok(Date.now() - started < 3000, 'stopped promptly');
      assert.equal(out.code, 130, out.stderr);
      const partial = JSON.parse(out.stdout);
      assert.equal(partial.interrupted, true);
      assert.ok(partial.requests.completed >= 200 && partial.requests.completed <= target.arrivals.length);
      assert.ok(partial.duration_ms < 30_000);
      assert.match(out.stderr, /result [0-9a-f]{8} saved/);
      assert.match(
        out.stderr,
        /warning: stopped after [\d.]+s: the result covers only the part that ran\nerror: interrupted\n$/,
      );
      const list = await home.run(['perf', 'result', 'list', '-o', 'json']);
      const saved = JSON.parse(list.stdout).items;
      assert.equal(saved.length, 1);
      assert.equal(saved[0].id, partial.id);
      assert.equal(saved[0].interrupted, true);
    } finally {
      await target.close();
    }
  });

  it('shows live progress on a terminal, and none on a pipe', async () => {
    const target = await countingTarget();
    try {
      const args = ['perf', 'run', target.url, '--rate', '100', '-d', '2500ms', '--no-save'];
      const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
      const tty = await runProcess('script', ['-qec', command, '/dev/null'], {
        env: { ...home.env, TERM: 'xterm' },
      });
      assert.equal(tty.code, 0, tty.stdout);
      // The progress line is redrawn in place: carriage return, erase line (ESC [2K), text.
      const redrawn = new RegExp(
        `\r${ESC}\\[2Kelapsed 1\\.\\ds / 2\\.5s {3}rate [\\d.]+/s {3}sent \\d+ {3}errors 0 {3}p99 [\\d.]+ ms`,
      );
      assert.match(tty.stdout, redrawn);
      const piped = await home.run(args);
      assert.equal(piped.code, 0);
      assert.doesNotMatch(piped.stderr, /elapsed/);
    } finally {
      await target.close();
    }
  });
});

describe('perf run: the longest durations', () => {
  it("a warm-up and a duration that together pass a timer's limit (2^31 ms) run until stopped", async () => {
    // Each is within the limit; their sum is not. Before, the end timer fired at once and the run ended.
    const target = await countingTarget();
    try {
      const run = await spawnMeshdeck(home.env, [
        'perf',
        'run',
        target.url,
        '--warmup',
        '596h',
        '-d',
        '596h',
        '-c',
        '1',
        '--no-save',
      ]);
      const early = await Promise.race([
        run.exited,
        new Promise((r) => setTimeout(() => r('running'), 2000)),
      ]);
      assert.equal(early, 'running', `ended early: ${JSON.stringify(early)}`);
      assert.ok(target.arrivals.length > 0, 'it sends load meanwhile');
      const out = await run.stop('SIGINT');
      assert.equal(out.code, 130, out.stderr);
    } finally {
      await target.close();
    }
  });
});

describe('perf serve as a long-lived child process', () => {
  it('prints its URL, answers, and stops cleanly on SIGTERM', async () => {
    const serve = await startServe(home.env);
    assert.match(serve.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await home.run([
      'perf',
      'run',
      `${serve.url}?delay=50ms&size=1k`,
      '--requests',
      '20',
      '-c',
      '4',
      '-o',
      'json',
      '--no-save',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.ok(result.latency.uncorrected.min >= 50, `min ${result.latency.uncorrected.min} ms`);
    assert.ok(result.bytes.read >= 20 * 1024);
    const started = Date.now();
    const out = await serve.stop('SIGTERM');
    assert.ok(Date.now() - started < 2000, 'stopped promptly with connections idle');
    assert.equal(out.code, 130);
    assert.match(out.stderr, /stopped after 20 requests/);
    assert.equal(out.stdout, `${serve.url}\n`);
  });

  it('answers bad parameters with 400 and says why', async () => {
    const serve = await startServe(home.env);
    try {
      const res = await fetch(`${serve.url}?status=700`);
      assert.equal(res.status, 400);
      assert.match(await res.text(), /status=700: expected a status code 200-599/);
      const echo = await fetch(serve.url, {
        method: 'POST',
        body: 'ping',
        headers: { 'Content-Type': 'text/x-test' },
      });
      assert.equal(await echo.text(), 'ping');
      assert.equal(echo.headers.get('content-type'), 'text/x-test');
    } finally {
      await serve.stop();
    }
  });

  it('listens on loopback only unless --host widens it', async () => {
    const serve = await spawnMeshdeck(home.env, ['perf', 'serve', '--port', '0']);
    try {
      const url = new URL(await serve.firstLine());
      assert.equal(url.hostname, '127.0.0.1');
      // stderr's line may come a moment after stdout's.
      for (let i = 0; i < 100 && !serve.output().stderr.includes('listening'); i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.match(serve.output().stderr, new RegExp(`listening on 127\\.0\\.0\\.1:${url.port};`));
      // Not reachable on this machine's other addresses.
      const outside = Object.values(networkInterfaces())
        .flat()
        .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
      if (outside) {
        const refused = await new Promise<string>((resolve) => {
          const s = connect(Number(url.port), outside, () => {
            s.destroy();
            resolve('connected');
          });
          s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
        });
        assert.equal(refused, 'ECONNREFUSED', `connecting to ${outside}:${url.port}`);
      }
    } finally {
      await serve.stop();
    }
  });

  it('fails clearly when its port is taken', async () => {
    const first = await startServe(home.env);
    try {
      const port = new URL(first.url).port;
      const r = await home.run(['perf', 'serve', '--port', port, '--host', '127.0.0.1']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`error: port ${port} on 127\\.0\\.0\\.1 is already in use`));
      const bad = await home.run(['perf', 'serve', '--port', '70000']);
      assert.equal(bad.code, 2);
    } finally {
      await first.stop();
    }
  });
});
