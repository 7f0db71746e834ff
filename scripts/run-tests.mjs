// npm test: the whole suite on the compiled output. Unit tests sit beside their modules (dist/src/**),
// end-to-end and fidelity tests under dist/test/. Each file runs in its own process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function testFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (entry.endsWith('.test.js')) out.push(path);
  }
  return out;
}

// `--unit`: only the unit tests beside the modules (the fast inner loop, npm run test:unit).
const unitOnly = process.argv.includes('--unit');
const filter = process.argv.slice(2).find((a) => !a.startsWith('--'));
const roots = unitOnly ? ['dist/src'] : ['dist/src', 'dist/test'];
const files = roots
  .flatMap((dir) => testFiles(join(root, dir)))
  .filter((f) => !filter || f.includes(filter))
  .sort();

// Test files mostly wait on child processes and sockets, so run more of them than there are cores.
const concurrency = Number(process.env.TEST_CONCURRENCY ?? Math.max(2, availableParallelism() * 2));
// A test that hangs fails with its name after 15 minutes instead of holding CI until its own limit, and a
// file whose tests are done ends even if something it started is still alive.
const timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 15 * 60_000);
const args = [
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-reporter=spec',
  `--test-timeout=${timeoutMs}`,
  '--test-force-exit',
];
if (process.env.COVERAGE) args.push('--experimental-test-coverage');

// Tests that need an optional program (test/helpers/programs.ts) skip without it on a developer's
// machine and fail without it in CI, which installs them all (.ci/run).
const ci = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
const skipDir = mkdtempSync(join(tmpdir(), 'meshdeck-skips-'));
const skipLog = join(skipDir, 'skips.tsv');
// The tests' children see CI unset, so meshdeck behaves in them as on a developer's machine.
const env = { ...process.env, CI: 'false', MESHDECK_TEST_SKIP_LOG: skipLog };
if (ci) env.MESHDECK_TEST_REQUIRE_PROGRAMS = '1';
delete env.NO_COLOR;
delete env.FORCE_COLOR;
// *.solo.test.js files measure time (latency accuracy, held rates) and need the cores to themselves:
// they run after the rest, one at a time, so the suite's own load cannot fail them.
const solo = files.filter((f) => f.endsWith('.solo.test.js'));
const shared = files.filter((f) => !solo.includes(f));
let status = 0;
for (const [batch, batchArgs] of [
  [shared, args],
  [solo, args.map((a) => (a.startsWith('--test-concurrency=') ? '--test-concurrency=1' : a))],
]) {
  if (batch.length === 0) continue;
  const result = spawnSync(process.execPath, [...batchArgs, ...batch], { stdio: 'inherit', env, cwd: root });
  if (result.status !== 0) status = result.status ?? 1;
}
printSkips();
rmSync(skipDir, { recursive: true, force: true });
process.exit(status);

/** Lists the tests skipped for a missing program, with what to install. */
function printSkips() {
  if (!existsSync(skipLog)) return;
  const lines = readFileSync(skipLog, 'utf8').trim().split('\n').filter(Boolean);
  if (lines.length === 0) return;
  console.log(`\n${lines.length} test(s) skipped: this machine lacks a program they drive (CI installs it)`);
  for (const line of lines) {
    const [name, reason] = line.split('\t');
    console.log(`  - ${name}: ${reason}`);
  }
}
