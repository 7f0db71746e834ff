// npm run bench:mesh: `meshdeck mesh deploy istio --wait` against `kubectl apply --server-side` of the same
// rendered manifests followed by `kubectl rollout status` (goal: meshdeck at least 2x faster; its time
// includes running the installer and writing the install record, kubectl's does not), then a canary
// upgrade of 20 namespaces with 5 workloads each (total and per step). The sandbox runs as its own process;
// the installer is the test double (test/helpers/mesh-installers), put in meshdeck's installer cache.
// meshdeck's first deploy renders; the rounds after use its render cache (same installer, same settings),
// as a user's repeated deploys do. The canary's steps are bound by the sandbox's one node: 100 workloads
// and two istiods leave 8 of its 110 pod slots, so a step's 25 surge pods are scheduled 8 at a time, each
// wave once old pods have stopped (FailedScheduling "Too many pods"), as on a real node of that size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MeshReleases } from '../test/helpers/mesh-releases.js';
import { machine, median, writeResult } from './lib.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'bin', 'meshdeck.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 20);
const WORKLOADS = Number(process.env.BENCH_WORKLOADS ?? 5);
const STEPS = Number(process.env.BENCH_STEPS ?? 4);
const GOAL = { minSpeedup: 2 };

const home = mkdtempSync(join(tmpdir(), 'meshdeck-bench-mesh-'));
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  LANG: 'C.UTF-8',
  NO_COLOR: '1',
  HOME: home,
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_CACHE_HOME: join(home, 'cache'),
  XDG_STATE_HOME: join(home, 'state'),
  KUBECONFIG: join(home, 'kubeconfig'),
};

function run(command: string, args: string[], input?: string): { ms: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(command, args, {
    env,
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr?.toString()}`);
  return { ms, stdout: r.stdout.toString() };
}
const meshdeck = (args: string[]) => run(process.execPath, [bin, ...args]);
const kubectl = (args: string[], input?: string) => run('kubectl', args, input);

meshdeck(['sandbox', 'start', '--detach']);
try {
  kubectl(['api-resources']);
  // The installers in meshdeck's cache, as a verified download leaves them (the download itself is
  // tested end to end; spawnSync here would block a mirror served from this process).
  for (const v of ['1.30.3', '1.29.6'])
    MeshReleases.installer(join(home, 'cache', 'meshdeck', 'installers', 'istioctl', v), 'istioctl', v);
  const istioctl = join(home, 'cache', 'meshdeck', 'installers', 'istioctl', '1.30.3', 'istioctl');
  const manifests = join(home, 'istio.yaml');
  writeFileSync(
    manifests,
    run(istioctl, [
      'manifest',
      'generate',
      '--set',
      'profile=minimal',
      '--set',
      'values.global.istioNamespace=istio-system',
    ]).stdout,
  );

  const times = { meshdeck: [] as number[], kubectl: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    times.meshdeck.push(meshdeck(['mesh', 'deploy', 'istio', '--wait']).ms);
    meshdeck(['mesh', 'remove', 'istio', '--purge-crds']);
    const t = performance.now();
    kubectl(['create', 'namespace', 'istio-system']);
    kubectl(['apply', '--server-side', '-f', manifests]);
    kubectl(['rollout', 'status', 'deployment/istiod', '-n', 'istio-system', '--timeout=120s']);
    times.kubectl.push(performance.now() - t);
    kubectl(['delete', '-f', manifests, '--wait=true']);
    kubectl(['delete', 'namespace', 'istio-system', '--wait=true']);
  }
  const deploy = {
    meshdeckMs: Math.round(median(times.meshdeck)),
    kubectlMs: Math.round(median(times.kubectl)),
    speedup: Math.round((median(times.kubectl) / median(times.meshdeck)) * 100) / 100,
    rounds: times,
  };
  console.log(
    `deploy istio --wait: meshdeck ${deploy.meshdeckMs} ms, kubectl apply + rollout status ${deploy.kubectlMs} ms: ${deploy.speedup}x (goal ${GOAL.minSpeedup}x)`,
  );

  meshdeck(['mesh', 'deploy', 'istio', '--version', '1.29.6', '--wait']);
  const docs: string[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    docs.push(
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: canary-${n}\n  labels:\n    istio-injection: enabled\n`,
    );
    for (let w = 0; w < WORKLOADS; w++)
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${w}\n  namespace: canary-${n}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: app-${w}}\n  template:\n    metadata:\n      labels: {app: app-${w}}\n    spec:\n      containers: [{name: app, image: nginx}]\n`,
      );
  }
  kubectl(['apply', '--server-side', '-f', '-'], docs.join('---\n'));
  for (let n = 0; n < NAMESPACES; n++)
    kubectl(['rollout', 'status', 'deployment', '-n', `canary-${n}`, '--timeout=120s']);
  const canaryRun = meshdeck([
    'mesh',
    'upgrade',
    'istio',
    '--version',
    '1.30.3',
    '--canary',
    '--steps',
    String(STEPS),
    '-o',
    'json',
  ]);
  const report = JSON.parse(canaryRun.stdout) as {
    outcome: string;
    steps: Array<{ step: number; action: string; namespaces: string[]; durationMs: number }>;
  };
  const canary = {
    namespaces: NAMESPACES,
    workloadsPerNamespace: WORKLOADS,
    steps: STEPS,
    outcome: report.outcome,
    totalMs: Math.round(canaryRun.ms),
    perStep: report.steps.map((s) => ({
      step: s.step,
      action: s.action,
      namespaces: s.namespaces.length,
      ms: s.durationMs,
    })),
  };
  console.log(
    `canary ${NAMESPACES} namespaces x ${WORKLOADS} workloads in ${STEPS} steps: ${canary.outcome}, ${canary.totalMs} ms`,
  );
  for (const s of canary.perStep)
    console.log(`  step ${s.step} ${s.action} (${s.namespaces} namespaces): ${s.ms} ms`);
  writeResult(join(root, 'bench', 'results', 'mesh.json'), {
    machine: machine(),
    goal: GOAL,
    deploy,
    canary,
    goalMet: deploy.speedup >= GOAL.minSpeedup,
  });
} finally {
  spawnSync(process.execPath, [bin, 'sandbox', 'stop'], { env, stdio: 'ignore' });
  rmSync(home, { recursive: true, force: true });
}
