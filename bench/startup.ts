// npm run bench:startup: cold start of the shipped CLI against a bare `node -e 0`, measured side by side.
// Goal: every ratio at or under 1.3.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, median, timeInterleaved, writeResult, type Contender } from './lib.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'bin', 'meshdeck.js');
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const home = mkdtempSync(join(tmpdir(), 'meshdeck-bench-'));
const env = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_CACHE_HOME: join(home, 'cache'),
  NO_COLOR: '1',
};

// A config with a few contexts, as a user would have; the first run fills the parsed-config cache.
for (const name of ['prod', 'staging', 'dev']) {
  execFileSync(process.execPath, [bin, 'context', 'create', name, '--kube-context', `${name}-east`, '-q'], {
    env,
  });
}
execFileSync(process.execPath, [bin, 'context', 'use', 'prod', '-q'], { env });

const baseline: Contender = { name: 'node -e 0', command: process.execPath, args: ['-e', '0'], env };
const cases: Contender[] = [
  { name: 'meshdeck --version', command: process.execPath, args: [bin, '--version'], env },
  { name: 'meshdeck --help', command: process.execPath, args: [bin, '--help'], env },
  { name: 'meshdeck context list', command: process.execPath, args: [bin, 'context', 'list'], env },
];

const times = timeInterleaved([baseline, ...cases], rounds);
const base = median(times.get(baseline.name)!);
const rows = cases.map((c) => {
  const ms = median(times.get(c.name)!);
  return { command: c.name, medianMs: round(ms), ratio: round(ms / base, 3) };
});

const goal = 1.3;
const result = {
  benchmark: 'startup',
  date: new Date().toISOString(),
  machine: { ...machine(), cpus: cpus().length },
  rounds,
  baseline: { command: baseline.name, medianMs: round(base) },
  results: rows,
  goal: { maxRatio: goal, met: rows.every((r) => r.ratio <= goal) },
};
writeResult(join(root, 'bench', 'results', 'startup.json'), result);

console.log(`baseline  node -e 0            ${base.toFixed(1)} ms`);
for (const r of rows) {
  console.log(
    `${r.ratio <= goal ? 'ok  ' : 'SLOW'}      ${r.command.padEnd(22)} ${r.medianMs.toFixed(1)} ms   x${r.ratio.toFixed(2)}`,
  );
}
console.log(
  `goal: every ratio <= ${goal}: ${result.goal.met ? 'met' : 'NOT met'}  (bench/results/startup.json)`,
);

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
