// Profiles, results, comparisons and gates through the real binary, against `perf serve`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT, TestHome } from '../helpers/cli.js';
import { startServe, type ServeProcess } from './perf-targets.js';

const home = new TestHome();
let serve: ServeProcess;
before(async () => {
  serve = await startServe(home.env);
});
after(async () => {
  await serve.stop();
  home.cleanup();
});

const run = (args: string[]) => home.run(args, { timeoutMs: 60_000 });
async function ok(args: string[]) {
  const r = await run(args);
  assert.equal(r.code, 0, `${args.join(' ')}\n${r.stderr}`);
  return r;
}
const json = async (args: string[]) => JSON.parse((await ok([...args, '-o', 'json'])).stdout);

describe('perf profiles', () => {
  it('are created from flags, listed, exported as SMP and imported back', async () => {
    const created = await ok([
      'perf',
      'profile',
      'create',
      'checkout',
      '--url',
      `${serve.url}?delay=2ms`,
      '--rate',
      '200',
      '-d',
      '1s',
      '-c',
      '4',
      '--mesh',
      'istio',
      '--assert',
      'p99<=1s',
    ]);
    assert.match(
      created.stderr,
      /profile "checkout" created \([0-9a-f]{8}\); run it with: meshdeck perf apply checkout/,
    );
    const again = await run(['perf', 'profile', 'create', 'checkout', '--url', serve.url]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /a profile named "checkout" already exists/);

    const smp = await ok(['perf', 'profile', 'view', 'checkout', '-o', 'smp']);
    const file = parse(smp.stdout);
    assert.equal(file.test.name, 'checkout');
    assert.deepEqual(file.test.clients[0].endpoint_urls, [`${serve.url}?delay=2ms`]);
    assert.equal(file.test.clients[0].rps, 200);
    assert.equal(file.test.duration, '1s');
    assert.equal(file.mesh.type, 3);
    const exported = join(home.root, 'exported.yaml');
    writeFileSync(exported, smp.stdout);
    await ok(['perf', 'profile', 'create', 'imported', '-f', exported]);

    const list = await json(['perf', 'profile', 'list']);
    assert.equal(list.kind, 'PerfProfileList');
    assert.deepEqual(
      list.items.map((p: { name: string }) => p.name),
      ['checkout', 'imported'],
    );
    const table = await ok(['perf', 'profile', 'list']);
    assert.match(table.stdout, /^NAME {3,}ID {3,}URL/);
    assert.match(table.stdout, /checkout .* 200\/s +4 +1s +native +0/);
  });

  it('run with perf apply: flags override, gates from the profile are checked, the result is kept', async () => {
    const r = await ok(['perf', 'apply', 'checkout', '-d', '1500ms']);
    assert.match(r.stdout, /^checkout {2}GET http:\/\/127\.0\.0\.1:\d+\/\?delay=2ms/);
    assert.match(r.stdout, /open loop at 200 req\/s, 4 connections, 1 worker, 1\.5s/);
    assert.match(r.stdout, /gates\n {2}\[\+\] p99<=1s {3}[\d.]+ms/);
    const results = await json(['perf', 'result', 'list', '--profile', 'checkout']);
    assert.equal(results.items.length, 1);
    const result = results.items[0];
    assert.equal(result.profile.name, 'checkout');
    assert.equal(result.test_id, result.profile.id);
    assert.equal(result.labels.mesh, 'istio');
    assert.equal(result.requests.sent, 300);
    assert.deepEqual(
      result.gates.map((g: { passed: boolean }) => g.passed),
      [true],
    );

    const failing = await run([
      'perf',
      'apply',
      'checkout',
      '-d',
      '500ms',
      '--assert',
      'p50<1us',
      '--name',
      'too-strict',
    ]);
    assert.equal(failing.code, 3);
    assert.match(failing.stdout, /\[\+\] p99<=1s .*\n {2}\[-\] p50<1us {2,}[\d.]+ms/);
    assert.match(failing.stderr, /error: 1 of 2 gates failed: p50<1us \(p50 is [\d.]+ms\)/);
  });

  it('run an SMP file directly with apply -f', async () => {
    const fixture = join(REPO_ROOT, 'fixtures', 'smp', 'checkout-open-loop.yaml');
    const r = await json(['perf', 'apply', '-f', fixture, '--url', serve.url, '-d', '1s', '--rate', '100']);
    assert.equal(r.name, 'checkout-open-loop');
    assert.equal(r.labels.team, 'payments');
    assert.equal(r.test.connections, 16);
    assert.equal(r.requests.sent, 100);
  });

  it('are deleted, and a missing one is a usage error', async () => {
    await ok(['perf', 'profile', 'delete', 'imported']);
    const view = await run(['perf', 'profile', 'view', 'imported']);
    assert.equal(view.code, 2);
    assert.match(view.stderr, /error: no profile "imported"/);
    assert.match(view.stderr, /hint: profiles: checkout/);
  });
});

describe('perf results, compare and gate', () => {
  let fast: string;
  let slow: string;
  let slowFile: string;
  before(async () => {
    fast = (await json(['perf', 'run', serve.url, '--requests', '400', '-c', '4', '--name', 'fast'])).id;
    const slowResult = await ok([
      'perf',
      'run',
      `${serve.url}?delay=20ms`,
      '--requests',
      '200',
      '-c',
      '4',
      '--name',
      'slow',
      '-o',
      'json',
    ]);
    slow = JSON.parse(slowResult.stdout).id;
    slowFile = join(home.root, 'slow.json');
    writeFileSync(slowFile, slowResult.stdout);
  });

  it('view a stored result as a summary, or as the SMP PerformanceTestResult', async () => {
    const summary = await ok(['perf', 'result', 'view', fast.slice(0, 8)]);
    assert.match(summary.stdout, /^fast {2}GET /);
    assert.match(summary.stdout, /requests {2}400 sent, 400 answered, 400 ok/);
    assert.match(summary.stdout, /latency distribution \(service time\)\n(.*%.*\n)+/);
    const smp = JSON.parse((await ok(['perf', 'result', 'view', 'slow', '-o', 'smp'])).stdout);
    assert.deepEqual(Object.keys(smp).sort(), [
      'actual_qps',
      'details_uri',
      'end_time',
      'env_id',
      'id',
      'labels',
      'latencies_ms',
      'mesh_config_id',
      'smp_version',
      'start_time',
      'test_id',
    ]);
    assert.deepEqual(Object.keys(smp.latencies_ms), ['min', 'average', 'p50', 'p90', 'p99', 'max']);
    assert.ok(smp.latencies_ms.p50 >= 20);
    const missing = await run(['perf', 'result', 'view', 'nothing-like-this']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error: no result "nothing-like-this"/);
  });

  it('lists results newest first', async () => {
    const table = await ok(['perf', 'result', 'list']);
    const lines = table.stdout.trim().split('\n');
    assert.match(
      lines[0],
      /^ID {3,}NAME {3,}PROFILE {3,}GENERATOR {3,}RATE {3,}P50 {3,}P99 {3,}ERRORS {3,}STARTED$/,
    );
    assert.match(lines[1], /^[0-9a-f]{8} {3}slow /);
  });

  it('compare side by side with changes against the first', async () => {
    const r = await ok(['perf', 'compare', fast, slowFile]);
    assert.match(
      r.stdout,
      /^METRIC {3,}FAST {3,}SLOW\nresult {3,}[0-9a-f]{8} {3,}[0-9a-f]{8}\nrate \(req\/s\) +[\d.,]+ +[\d.,]+ \(-[\d.]+%\)\n/,
    );
    assert.match(r.stdout, /p50 \(ms\) +[\d.]+ +[\d.]+ \(\+\d+\.\d%\)/);
    const data = await json(['perf', 'compare', 'fast', 'slow']);
    assert.equal(data.kind, 'PerfComparison');
    assert.equal(data.baseline, fast);
    const one = await run(['perf', 'compare', 'fast']);
    assert.equal(one.code, 2);
  });

  it('gate against a baseline: exit 0 within the allowed regression, exit 3 beyond it', async () => {
    const same = await ok(['perf', 'gate', fast, '--baseline', fast, '--max-regression', '10%']);
    assert.match(same.stdout, /\[\+\] p50 rises at most 10% +[\d.]+ms \(baseline [\d.]+ms, \+0\.0%\)/);
    const worse = await run(['perf', 'gate', slow, '--baseline', fast, '--max-regression', '10%']);
    assert.equal(worse.code, 3);
    assert.match(worse.stdout, /\[-\] p50 rises at most 10%/);
    assert.match(worse.stdout, /\[-\] rps drops at most 10%/);
    assert.match(worse.stderr, /error: \d of 4 gates failed/);
    const report = await run([
      'perf',
      'gate',
      slowFile,
      '--assert',
      'rps>=1',
      '--assert',
      'p50>=20ms',
      '-o',
      'json',
    ]);
    assert.equal(report.code, 0, report.stderr);
    assert.equal(JSON.parse(report.stdout).passed, true);
    const nothing = await run(['perf', 'gate', fast]);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /nothing to check/);
    const badPct = await run(['perf', 'gate', fast, '--baseline', slow, '--max-regression', '10']);
    assert.equal(badPct.code, 2);
    assert.match(badPct.stderr, /invalid --max-regression "10": expected a percentage/);
  });
});
