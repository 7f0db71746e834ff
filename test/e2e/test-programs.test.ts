// The suite's own rule for optional programs: skipped with the package to install on a developer's
// machine, a failure in CI (so CI keeps covering them), and listed by the runner's summary.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-programs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const helper = fileURLToPath(new URL('../helpers/programs.js', import.meta.url));
const probe = join(dir, 'probe.test.mjs');
writeFileSync(
  probe,
  `import { it } from 'node:test';
import { needPrograms } from ${JSON.stringify(helper)};
it('drives a program', (t) => {
  if (!needPrograms(t, { command: 'meshdeck-no-such-program', debianPackage: 'no-such-package' })) return;
  throw new Error('ran without its program');
});
it('drives sh', (t) => {
  if (!needPrograms(t, { command: 'sh', debianPackage: 'dash' })) return;
});
`,
);

function runProbe(env: Record<string, string>) {
  return runProcess(process.execPath, ['--test', '--test-reporter=spec', probe], {
    // Not as a child of this runner (its NODE_TEST_CONTEXT would change the probe's reporting).
    env: { ...process.env, NODE_TEST_CONTEXT: undefined, MESHDECK_TEST_REQUIRE_PROGRAMS: '', ...env },
  });
}

describe('tests that need an optional program', () => {
  it('skip with the Debian package to install, and log the skip for the summary', async () => {
    const log = join(dir, 'skips.tsv');
    const r = await runProbe({ MESHDECK_TEST_SKIP_LOG: log });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /drives a program .*# needs meshdeck-no-such-program: apt-get install no-such-package/,
    );
    assert.match(r.stdout, /ℹ skipped 1/);
    assert.match(r.stdout, /ℹ pass 1/);
    assert.equal(
      readFileSync(log, 'utf8'),
      'drives a program\tneeds meshdeck-no-such-program: apt-get install no-such-package\n',
    );
  });

  it('fail in CI, naming the package, where the program is required', async () => {
    const r = await runProbe({ MESHDECK_TEST_REQUIRE_PROGRAMS: '1' });
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /CI requires this program: needs meshdeck-no-such-program: apt-get install no-such-package/,
    );
    assert.match(r.stdout, /ℹ fail 1/);
    assert.match(r.stdout, /ℹ pass 1/);
  });
});
