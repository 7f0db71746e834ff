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
const result = spawnSync(process.execPath, [...args, ...files], { stdio: 'inherit', env, cwd: root });
process.exit(result.status ?? 1);
