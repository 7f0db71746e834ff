// Failures a user meets first, through the real binary: nothing listening, a host that does not resolve,
// TLS that does not verify (exit 1, clear message); and bad input (exit 2, naming the bad part, before
// any load is sent).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { BIN, TestHome, runProcess } from '../helpers/cli.js';
import { countingTarget } from './perf-targets.js';

const home = new TestHome();
after(() => home.cleanup());

function noStack(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('perf run: targets that cannot be tested (exit 1)', () => {
  it('connection refused', async () => {
    const port = await freePort();
    const r = await home.run(['perf', 'run', `http://127.0.0.1:${port}/`, '-d', '1s']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^error: connection refused by 127\\.0\\.0\\.1:${port}\\n`));
    assert.match(r.stderr, /hint: is the server running and listening on that port\?/);
    noStack(r.stderr);
  });

  it('a host name that does not resolve', async () => {
    const r = await home.run(['perf', 'run', 'http://no-such-host.invalid:8080/', '-d', '1s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: cannot resolve host "no-such-host\.invalid" \((ENOTFOUND|EAI_AGAIN)\)/);
    assert.match(r.stderr, /hint: check the host name/);
    noStack(r.stderr);
  });

  describe('TLS', () => {
    let server: HttpsServer;
    let url: string;
    let cert: string;
    before(async () => {
      const dir = home.mkdir(join(home.root, 'tls'));
      // A self-signed certificate for 127.0.0.1, made by the real openssl.
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=meshdeck-test',
          '-addext',
          'subjectAltName=IP:127.0.0.1,DNS:localhost',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      cert = join(dir, 'cert.pem');
      server = createHttpsServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(cert) },
        (_req, res) => res.end('ok'),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it('refuses a certificate nobody vouches for, and says how to proceed', async () => {
      const r = await home.run(['perf', 'run', url, '--requests', '5']);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /^error: TLS handshake with 127\.0\.0\.1:\d+ failed: self[- ]signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
      );
      assert.match(r.stderr, /hint: pass --cacert FILE .* or --insecure/);
      noStack(r.stderr);
    });

    it('trusts it with --cacert, or skips the check with --insecure', async () => {
      for (const flags of [['--cacert', cert], ['--insecure']]) {
        const r = await home.run([
          'perf',
          'run',
          url,
          '--requests',
          '20',
          '-c',
          '2',
          '-o',
          'json',
          '--no-save',
          ...flags,
        ]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).requests.completed, 20);
      }
    });

    it('says when the port does not speak TLS at all', async () => {
      const plain = await countingTarget();
      try {
        const r = await home.run(['perf', 'run', plain.url.replace('http:', 'https:'), '--requests', '5']);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^error: TLS handshake with 127\.0\.0\.1:\d+ failed/);
        assert.match(r.stderr, /hint: is the server speaking TLS on this port\? Use http:\/\//);
      } finally {
        await plain.close();
      }
    });
  });
});

describe('perf run: bad input (exit 2, before any load)', () => {
  it('names the bad part of each value, with a caret where it helps', async () => {
    const target = await countingTarget();
    try {
      const cases: Array<[string[], RegExp, string?]> = [
        [
          ['ftp://files.example.com/'],
          /^error: invalid URL "ftp:\/\/files\.example\.com\/": unsupported scheme "ftp" at column 1/,
          '^',
        ],
        [
          ['localhost:8080/'],
          /^error: invalid URL "localhost:8080\/": missing http:\/\/ or https:\/\/\nhint: write the full URL, e\.g\. http:\/\/localhost:8080\//,
        ],
        [
          ['http://exa mple.com/'],
          /^error: invalid URL "http:\/\/exa mple\.com\/": not a valid URL at column 11/,
          '          ^',
        ],
        [
          [target.url, '-d', '1x30s'],
          /^error: invalid --duration "1x30s": unknown unit "x" at column 2/,
          ' ^',
        ],
        [
          [target.url, '--rate', 'fast'],
          /^error: invalid --rate "fast": expected a number of requests per second or "max"/,
        ],
        [[target.url, '-c', '0'], /^error: invalid --connections "0": must be at least 1/],
        [
          [target.url, '--assert', 'p99<=20xs'],
          /^error: invalid --assert expression "p99<=20xs": unknown time unit "xs" \(use us, ms or s\) at column 8/,
          '       ^',
        ],
        [
          [target.url, '--assert', 'p98<5ms'],
          /^error: invalid --assert expression "p98<5ms": unknown metric "p98" at column 1/,
          '^',
        ],
        // 2^31 ms and more overflowed Node's timers: the run ended after ~1 ms and passed its gates.
        [
          [target.url, '-d', '597h'],
          /^error: invalid --duration "597h": longer than 596h31m23\.647s, the longest meshdeck can wait\nhint: /,
        ],
        [
          [target.url, '--warmup', '2147483648ms'],
          /^error: invalid --warmup "2147483648ms": longer than 596h31m23\.647s/,
        ],
        [[target.url, '-H', 'NoColon'], /^error: invalid --header "NoColon": expected "Name: value"/],
        [[target.url, '-g', 'wrk3'], /^error: unknown load generator "wrk3" \(did you mean "wrk2"\?\)/],
        [
          [target.url, '-d', '1s', '--requests', '10'],
          /^error: --duration and --requests cannot be used together/,
        ],
      ];
      for (const [args, message, caret] of cases) {
        const r = await home.run(['perf', 'run', ...args]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, message, args.join(' '));
        if (caret)
          assert.ok(r.stderr.split('\n').includes(`  ${caret}`), `caret for ${args.join(' ')}:\n${r.stderr}`);
        noStack(r.stderr);
      }
      assert.equal(target.arrivals.length, 0, 'no request was sent');
    } finally {
      await target.close();
    }
  });
});

describe('perf run: the state folder cannot be written', () => {
  /** meshdeck with its state folder on a read-only filesystem (a private mount namespace: no root needed). */
  function runOnReadOnlyState(args: string[]) {
    const state = home.mkdir(join(home.root, 'ro-state'));
    const script = 'mount -t tmpfs -o ro tmpfs "$XDG_STATE_HOME" && exec "$0" "$@"';
    return runProcess('unshare', ['-rm', 'sh', '-c', script, process.execPath, BIN, ...args], {
      env: { ...home.env, XDG_STATE_HOME: state },
    });
  }

  it('prints and gates the result first, then reports the save failure with its real cause (exit 1)', async () => {
    const target = await countingTarget();
    try {
      const args = ['perf', 'run', target.url, '--requests', '20', '-c', '2', '--assert', 'p99<=30s'];
      const r = await runOnReadOnlyState(args);
      assert.equal(r.code, 1, r.stderr);
      // Before: nothing printed, and "ENOENT" for a read-only filesystem.
      assert.match(r.stdout, /requests/);
      assert.match(r.stdout, /\[\+\] p99<=30s/);
      assert.match(r.stderr, /^error: cannot save the result: cannot write .* is on a read-only filesystem/m);
      assert.match(r.stderr, /hint: .*--no-save/);
      assert.doesNotMatch(r.stderr, /ENOENT/);
      noStack(r.stderr);
      assert.equal(target.arrivals.length, 20);

      // A failed gate is still said, though the exit code is the save failure's.
      const failing = await runOnReadOnlyState([...args.slice(0, -1), 'p99<=0us', '-o', 'json']);
      assert.equal(failing.code, 1, failing.stderr);
      assert.equal(JSON.parse(failing.stdout).gates[0].passed, false);
      assert.match(failing.stderr, /1 of 1 gate failed: p99<=0us/);
    } finally {
      await target.close();
    }
  });
});

describe('perf run: more connections than the machine can hold (exit 2, before any load)', () => {
  it('beyond the open-files limit (RLIMIT_NOFILE): names the limit and how to raise it', async () => {
    const target = await countingTarget();
    try {
      const started = Date.now();
      // Before: 5000 connections on 1024 descriptors ran into a storm of EMFILE retries.
      const r = await runProcess(
        'sh',
        [
          '-c',
          'ulimit -n 1024 && exec "$0" "$@"',
          process.execPath,
          BIN,
          'perf',
          'run',
          target.url,
          '-c',
          '5000',
          '-d',
          '1s',
        ],
        { env: home.env, timeoutMs: 20_000 },
      );
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /^error: --connections 5000 needs more open files than this process may have \(1024, RLIMIT_NOFILE\)/,
      );
      assert.match(r.stderr, /hint: .*ulimit -n/);
      assert.equal(target.arrivals.length, 0, 'no request was sent');
      assert.ok(Date.now() - started < 10_000);
      noStack(r.stderr);
    } finally {
      await target.close();
    }
  });

  it('beyond the ephemeral port range: names the range and the sysctl', async () => {
    // A network namespace of its own, where the port range can be narrowed without root.
    const script = 'echo "40000 40099" > /proc/sys/net/ipv4/ip_local_port_range && exec "$0" "$@"';
    const r = await runProcess(
      'unshare',
      [
        '-rn',
        'sh',
        '-c',
        script,
        process.execPath,
        BIN,
        'perf',
        'run',
        'http://127.0.0.1:9/',
        '-c',
        '500',
        '-d',
        '1s',
      ],
      { env: home.env, timeoutMs: 20_000 },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^error: --connections 500 to one address needs more local ports than the ephemeral port range 40000-40099 holds \(100\)/,
    );
    assert.match(r.stderr, /hint: .*net\.ipv4\.ip_local_port_range/);
    noStack(r.stderr);
  });
});
