// npm test: the whole suite on the compiled output. Unit tests sit beside their modules (dist/src/**),
// end-to-end and fidelity tests under dist/test/. Each file runs in its own process.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
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

const filter = process.argv[2];
const files = [...testFiles(join(root, 'dist/src')), ...testFiles(join(root, 'dist/test'))]
  .filter((f) => !filter || f.includes(filter))
  .sort();

// Test files mostly wait on child processes and sockets, so run more of them than there are cores.
const concurrency = Number(process.env.TEST_CONCURRENCY ?? Math.max(2, availableParallelism() * 2));
const args = ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec'];
if (process.env.COVERAGE) args.push('--experimental-test-coverage');

// ink suppresses intermediate renders when CI is set, which the TUI tests need to see.
const env = { ...process.env, CI: 'false' };
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
process.exit(status);
