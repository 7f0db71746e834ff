// npm run bench:apply: a design of 1,000 objects applied to the sandbox by `meshdeck design apply` and by
// `kubectl apply --server-side`, side by side (interleaved rounds, each into a fresh namespace, then the
// same design again as a no-op); and `meshdeck cluster snapshot` of a cluster with 10,000 pods (wall time
// and peak resident memory). Goals: meshdeck at least 3x faster than kubectl; the snapshot under 2 s and
// under 300 MB resident. The sandbox runs as its own process (`meshdeck sandbox start --detach`), so the
// clients and the server are measured as a user would run them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { machine, median, writeResult } from './lib.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'bin', 'meshdeck.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const OBJECTS = 1000;
const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const GOALS = { minSpeedup: 3, snapshotMaxMs: 2000, snapshotMaxRssMb: 300 };

const home = mkdtempSync(join(tmpdir(), 'meshdeck-bench-apply-'));
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
// Reports the process's peak resident memory when it exits (getrusage's maxrss, in KiB on Linux).
const peakProbe = join(home, 'peak-rss.cjs');
writeFileSync(
  peakProbe,
  `process.on('exit', () => require('node:fs').writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));\n`,
);

function run(
  command: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): { ms: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(command, args, {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 512 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr?.toString()}`);
  return { ms, stdout: r.stdout.toString() };
}
const meshdeck = (args: string[], extraEnv?: NodeJS.ProcessEnv) =>
  run(process.execPath, [bin, ...args], extraEnv);
const kubectl = (args: string[]) => run('kubectl', args);

/** 1 Namespace and 999 objects in it: ConfigMaps, Deployments and Services in turn. */
function design(namespace: string): string {
  const docs = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`];
  for (let i = 0; docs.length < OBJECTS; i++) {
    const kind = i % 3;
    if (kind === 0) {
      docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-${i}
  namespace: ${namespace}
  labels:
    app: app-${i}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
  index: "${i}"
`);
    } else if (kind === 1) {
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: ${namespace}
  labels:
    app: app-${i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.${i}
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
          env:
            - name: INDEX
              value: "${i}"
`);
    } else {
      docs.push(`apiVersion: v1
kind: Service
metadata:
  name: app-${i}
  namespace: ${namespace}
spec:
  selector:
    app: app-${i}
  ports:
    - name: http
      port: 80
      protocol: TCP
      targetPort: 8080
`);
    }
  }
  return docs.join('---\n');
}

/** 10,000 pods over 20 namespaces, half of them injected (istio-proxy or linkerd-proxy beside the app). */
function pods(): string {
  const docs: string[] = [];
  const namespaces = 20;
  for (let n = 0; n < namespaces; n++) {
    const mesh =
      n % 2 === 0 ? 'labels: {istio-injection: enabled}' : 'annotations: {linkerd.io/inject: enabled}';
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: pods-${n}, ${mesh}}\n`);
  }
  for (let i = 0; i < PODS; i++) {
    const n = i % namespaces;
    const sidecar =
      i % 2 === 0 ? '' : `, {name: ${n % 2 === 0 ? 'istio-proxy' : 'linkerd-proxy'}, image: proxy:1}`;
    docs.push(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: pod-${i}, namespace: pods-${n}, labels: {app: app-${i % 50}}}\nspec: {containers: [{name: app, image: app:1}${sidecar}]}\n`,
    );
  }
  return docs.join('---\n');
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const started = meshdeck(['sandbox', 'start', '--detach']);
void started;
try {
  // Both clients start with a warm discovery cache, as they would in day-to-day use.
  kubectl(['api-resources']);
  meshdeck(['cluster', 'snapshot']);

  const times = { meshdeck: [] as number[], kubectl: [] as number[] };
  const noop = { meshdeck: [] as number[], kubectl: [] as number[] };
  let seq = 0;
  for (let r = -WARMUP; r < ROUNDS; r++) {
    for (const who of ['meshdeck', 'kubectl'] as const) {
      const ns = `bench-${who}-${seq++}`;
      const file = join(home, `${ns}.yaml`);
      writeFileSync(file, design(ns));
      const apply = () =>
        who === 'meshdeck'
          ? meshdeck(['design', 'apply', '-f', file, '--name', ns])
          : kubectl(['apply', '--server-side', '-f', file]);
      const created = apply();
      const again = apply();
      if (r >= 0) {
        times[who].push(created.ms);
        noop[who].push(again.ms);
      }
      // Out of the timing: the next round starts from an empty namespace again.
      kubectl(['delete', 'namespace', ns, '--timeout=120s']);
      rmSync(file);
    }
  }

  // The snapshot: 10,000 pods created once (by meshdeck, timed for the record), then snapshots measured.
  const podFile = join(home, 'pods.yaml');
  writeFileSync(podFile, pods());
  const seeded = meshdeck(['design', 'apply', '-f', podFile, '--name', 'pods', '--concurrency', '32']);
  const snapshots: Array<{ ms: number; rssMb: number; pods: number }> = [];
  for (let r = -WARMUP; r < ROUNDS; r++) {
    const peakFile = join(home, 'peak');
    const s = meshdeck(['cluster', 'snapshot', '-o', 'json'], {
      NODE_OPTIONS: `--require=${peakProbe}`,
      PEAK_RSS_FILE: peakFile,
    });
    const rssMb = Number(readFileSync(peakFile, 'utf8')) / 1024;
    const count = (JSON.parse(s.stdout) as { pods: unknown[] }).pods.length;
    if (count < PODS) throw new Error(`the snapshot has ${count} pods, not ${PODS}`);
    if (r >= 0) snapshots.push({ ms: s.ms, rssMb, pods: count });
  }
  const table = spawnSync(process.execPath, [bin, 'cluster', 'snapshot'], { env, stdio: 'pipe' });
  if (table.status !== 0) throw new Error(table.stderr.toString());

  const create = { meshdeck: median(times.meshdeck), kubectl: median(times.kubectl) };
  const reapply = { meshdeck: median(noop.meshdeck), kubectl: median(noop.kubectl) };
  const snapshot = {
    medianMs: round(median(snapshots.map((s) => s.ms))),
    maxRssMb: round(Math.max(...snapshots.map((s) => s.rssMb))),
    pods: snapshots[0].pods,
  };
  const result = {
    benchmark: 'apply',
    date: new Date().toISOString(),
    machine: { ...machine(), cpus: cpus().length },
    kubectl: execFileSync('kubectl', ['version', '--client', '-o', 'json'], { env })
      .toString()
      .match(/"gitVersion": "([^"]+)"/)?.[1],
    rounds: ROUNDS,
    objects: OBJECTS,
    apply: {
      note: 'into a fresh namespace each round (1 Namespace, 333 ConfigMaps, 333 Deployments, 333 Services)',
      meshdeckMs: { median: round(create.meshdeck), all: times.meshdeck.map((t) => round(t)) },
      kubectlMs: { median: round(create.kubectl), all: times.kubectl.map((t) => round(t)) },
      speedup: round(create.kubectl / create.meshdeck, 2),
    },
    reapply: {
      note: 'the same design again: nothing changes',
      meshdeckMs: { median: round(reapply.meshdeck), all: noop.meshdeck.map((t) => round(t)) },
      kubectlMs: { median: round(reapply.kubectl), all: noop.kubectl.map((t) => round(t)) },
      speedup: round(reapply.kubectl / reapply.meshdeck, 2),
    },
    snapshot: { ...snapshot, all: snapshots.map((s) => ({ ms: round(s.ms), rssMb: round(s.rssMb) })) },
    seedPods: {
      note: `meshdeck design apply of ${PODS} pods and 20 namespaces, --concurrency 32`,
      ms: round(seeded.ms),
    },
    goals: {
      ...GOALS,
      met:
        create.kubectl / create.meshdeck >= GOALS.minSpeedup &&
        snapshot.medianMs < GOALS.snapshotMaxMs &&
        snapshot.maxRssMb < GOALS.snapshotMaxRssMb,
    },
  };
  writeResult(join(root, 'bench', 'results', 'apply.json'), result);
  console.log(
    `apply 1,000 objects   meshdeck ${round(create.meshdeck)} ms   kubectl ${round(create.kubectl)} ms   x${result.apply.speedup}`,
  );
  console.log(
    `re-apply (no-op)      meshdeck ${round(reapply.meshdeck)} ms   kubectl ${round(reapply.kubectl)} ms   x${result.reapply.speedup}`,
  );
  console.log(
    `snapshot ${snapshot.pods} pods   ${snapshot.medianMs} ms, peak ${snapshot.maxRssMb} MB resident`,
  );
  console.log(result.goals.met ? 'goals met' : 'GOALS NOT MET');
} finally {
  spawnSync(process.execPath, [bin, 'sandbox', 'stop'], { env, stdio: 'ignore' });
  rmSync(home, { recursive: true, force: true });
}
