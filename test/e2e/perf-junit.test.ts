// Gate verdicts for CI: -o junit and --junit FILE, read back with a real JUnit reader (junit2json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, type TestSuites } from 'junit2json';
import { TestHome } from '../helpers/cli.js';
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

const readJUnit = async (xml: string) => (await parse(xml)) as TestSuites;

describe('gates as JUnit', () => {
  it('perf run --junit FILE writes one test case per gate beside the table, and exits 3 on a failure', async () => {
    const file = join(home.root, 'gates.xml');
    const r = await home.run(
      [
        'perf',
        'run',
        serve.url,
        '-d',
        '1s',
        '-c',
        '2',
        '--name',
        'canary',
        '--assert',
        'errors<1%',
        '--assert',
        'p50<=1us',
        '--junit',
        file,
      ],
      { timeoutMs: 60_000 },
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /\[-\] p50<=1us/);
    const report = await readJUnit(readFileSync(file, 'utf8'));
    assert.equal(report.tests, 2);
    assert.equal(report.failures, 1);
    const suite = report.testsuite![0];
    assert.match(suite.name!, /^perf gates: canary [0-9a-f]{8}$/);
    const [errors, p50] = suite.testcase!;
    assert.equal(errors.name, 'errors<1%');
    assert.equal(errors.classname, 'meshdeck.perf.canary');
    assert.equal(errors.failure, undefined);
    assert.equal(p50.name, 'p50<=1us');
    assert.match(p50.failure![0].message!, /p50 is [\d.]+(us|ms)/);
  });

  it('perf gate -o junit prints the verdicts against a baseline as JUnit', async () => {
    const r = await home.run([
      'perf',
      'gate',
      'canary',
      '--baseline',
      'canary',
      '--assert',
      'rps>0',
      '-o',
      'junit',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = await readJUnit(r.stdout);
    const names = report.testsuite![0].testcase!.map((c) => c.name);
    assert.ok(names.includes('rps>0'), names.join(', '));
    assert.ok(names.length >= 2, 'baseline metrics are cases too');
    assert.equal(report.failures, 0);
  });
});
