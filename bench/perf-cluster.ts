// npm run bench:perf-cluster: in-cluster throughput with 1, 2 and 4 generator pods on the sandbox (pods
// of meshdeck's image are real processes there) against the demo's echo target (2 replicas behind a
// LoadBalancer Service), closed loop, and what merging the pods' results costs. Two merge figures:
// - in the run: the time the exact merge took in `perf run --in-cluster` (result.cluster.merge): the
//   first pod's (cold code in a fresh process) and what each further pod adds (the slope from 1 to 4);
// - worst case, in this process: N results whose histograms each fill every bucket a 1 µs..60 s run can
//   reach, parsed from their result lines (as they arrive) and merged, time and heap per pod.
// Goal: merging adds under 50 ms and under 5 MB per pod. On a shared 2-core machine the generators, the
// targets and the sandbox compete for the same cores, so the scaling says more about the machine than
// about meshdeck there. Keep it short (BENCH_SECONDS, default 5 s per run). Results:
// bench/results/perf-cluster.json.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Histogram } from '../src/perf/histogram/histogram.js';
import { emptyTally } from '../src/perf/engine/tally.js';
import { buildResult } from '../src/perf/result/build.js';
import { mergeResults } from '../src/perf/result/merge.js';
import type { PerfResult } from '../src/perf/result/model.js';
import { decodeLine, encodeLine } from '../src/perf/cluster/protocol.js';
import { RUN_DEFAULTS } from '../src/perf/spec/run-spec.js';
import { startSandbox } from '../src/sandbox/index.js';
import { machine, median, writeResult } from './lib.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'bin', 'meshdeck.js');
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const REPLICAS = [1, 2, 4];
const GOAL_MS_PER_POD = 50;
const GOAL_MB_PER_POD = 5;

const APP = `apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: Namespace
metadata: {name: perf}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo, namespace: demo}
spec:
  replicas: 2
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
        - {name: echo, image: meshdeck, args: [perf, serve, --port, "8080"], ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: demo}
spec:
  type: LoadBalancer
  selector: {app: echo}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;

// Asynchronous: the sandbox answers from this process's event loop.
const run = promisify(execFile);

async function kubectl(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return (await run('kubectl', args, { env, encoding: 'utf8' })).stdout;
}

async function echoUrl(env: NodeJS.ProcessEnv): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const svc = JSON.parse(await kubectl(env, ['get', 'svc', 'echo', '-n', 'demo', '-o', 'json'])) as {
      status?: { loadBalancer?: { ingress?: Array<{ ip: string; ports?: Array<{ port: number }> }> } };
    };
    const ingress = svc.status?.loadBalancer?.ingress?.[0];
    if (ingress?.ports?.[0]) return `http://${ingress.ip}:${ingress.ports[0].port}/`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the echo Service got no address');
}

interface RunFigures {
  replicas: number;
  rps: number;
  per_pod_rps: number[];
  errors: number;
  merged_count: number;
  pods_count_sum: number;
  merge_ms: number;
  merge_heap_mb: number;
}

async function inClusterRun(env: NodeJS.ProcessEnv, url: string, replicas: number): Promise<RunFigures> {
  const args = [
    'perf',
    'run',
    url,
    '--in-cluster',
    '--replicas',
    String(replicas),
    '-c',
    String(4 * replicas),
  ];
  args.push('-d', `${seconds}s`, '-n', 'perf', '--no-save', '-o', 'json');
  const r = await run(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  const result = JSON.parse(r.stdout) as PerfResult;
  const cluster = result.cluster!;
  return {
    replicas,
    rps: result.rate.achieved,
    per_pod_rps: cluster.generators.map((g) => g.achieved_rps),
    errors: result.errors.total,
    merged_count: result.histograms.uncorrected?.count ?? 0,
    pods_count_sum: cluster.generators.reduce((n, g) => n + g.histogram_count, 0),
    merge_ms: cluster.merge.ms,
    merge_heap_mb: cluster.merge.heap_delta_mb,
  };
}

/** A pod's result whose histogram holds a value in every bucket from 1 µs to 60 s (the worst case). */
function fullPodResult(seed: number): PerfResult {
  const h = new Histogram();
  for (let v = 1; v < 60_000_000; v = Math.max(v + 1, Math.floor(v * 1.0005))) h.record(v + (seed % 3));
  const tally = { ...emptyTally(), sent: h.count, completed: h.count, statuses: { '200': h.count } };
  return buildResult(
    {
      ...RUN_DEFAULTS,
      url: 'http://echo/',
      headers: [],
      body: null,
      rate: null,
      durationMs: 1000,
      requests: null,
      workers: 1,
      insecure: false,
      ca: null,
      caFile: null,
    },
    {
      corrected: null,
      uncorrected: h,
      tally,
      startTime: new Date(0),
      endTime: new Date(1000),
      windowMs: 1000,
      aborted: false,
      workers: 1,
      generator: { name: 'native', version: 'bench' },
    },
    { name: `pod-${seed}` },
  );
}

/** Parses N result lines and merges them, as the run does; ms and heap MB per pod (median of rounds). */
function worstCaseMerge(pods: number): {
  lineKb: number;
  buckets: number;
  msPerPod: number;
  mbPerPod: number;
} {
  const lines = Array.from({ length: pods }, (_, i) =>
    encodeLine({ type: 'result', result: fullPodResult(i) }),
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  const times: number[] = [];
  const heaps: number[] = [];
  for (let round = 0; round < 5; round++) {
    gc?.();
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    const parts = lines.map((l) => {
      const msg = decodeLine(l);
      if (msg?.type !== 'result') throw new Error('bad line');
      return msg.result;
    });
    const merged = mergeResults(parts, { name: 'merged' });
    times.push(performance.now() - started);
    heaps.push((process.memoryUsage().heapUsed - before) / 1024 / 1024);
    if (merged.histograms.uncorrected?.count !== parts.reduce((n, p) => n + p.requests.completed, 0))
      throw new Error('the merge lost values');
  }
  return {
    lineKb: Math.round(Buffer.byteLength(lines[0]) / 1024),
    buckets: lines.length
      ? (decodeLine(lines[0]) as { result: PerfResult }).result.histograms.uncorrected!.buckets.length
      : 0,
    msPerPod: Math.round((median(times) / pods) * 100) / 100,
    mbPerPod: Math.round((median(heaps) / pods) * 100) / 100,
  };
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'meshdeck-bench-cluster-'));
  const sandbox = await startSandbox({ timeScale: 0.05 });
  try {
    const kubeconfig = join(home, 'kubeconfig');
    writeFileSync(kubeconfig, sandbox.kubeconfig, { mode: 0o600 });
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      KUBECONFIG: kubeconfig,
      XDG_STATE_HOME: join(home, 'state'),
    };
    writeFileSync(join(home, 'app.yaml'), APP);
    await kubectl(env, ['apply', '-f', join(home, 'app.yaml')]);
    await kubectl(env, ['rollout', 'status', '-n', 'demo', 'deployment/echo', '--timeout=60s']);
    const url = await echoUrl(env);
    const runs: RunFigures[] = [];
    for (const n of REPLICAS) {
      const figures = await inClusterRun(env, url, n);
      console.log(
        `${n} pod${n === 1 ? ' ' : 's'}: ${figures.rps.toFixed(0)} req/s (${figures.per_pod_rps.map((r) => r.toFixed(0)).join(' + ')}), merge ${figures.merge_ms} ms, exact: ${figures.merged_count === figures.pods_count_sum}`,
      );
      runs.push(figures);
    }
    const worst = worstCaseMerge(4);
    const scaling = runs.map((r) => ({
      replicas: r.replicas,
      speedup: Math.round((r.rps / runs[0].rps) * 100) / 100,
    }));
    // The first merge in a fresh process pays for cold code; what each further pod adds is the slope.
    const first = runs[0];
    const last = runs[runs.length - 1];
    const inRunMsPerPod =
      Math.round(((last.merge_ms - first.merge_ms) / (last.replicas - first.replicas)) * 100) / 100;
    const pass =
      worst.msPerPod < GOAL_MS_PER_POD && worst.mbPerPod < GOAL_MB_PER_POD && inRunMsPerPod < GOAL_MS_PER_POD;
    console.log(
      `scaling: ${scaling.map((s) => `${s.replicas}: ${s.speedup}x`).join(', ')} (cores: ${cpus().length})`,
    );
    console.log(
      `merge: ${first.merge_ms} ms for 1 pod (cold), +${inRunMsPerPod} ms per further pod in the runs; worst case (${worst.buckets} buckets, ${worst.lineKb} KiB line, parse included): ${worst.msPerPod} ms and ${worst.mbPerPod} MB per pod; goal < ${GOAL_MS_PER_POD} ms and < ${GOAL_MB_PER_POD} MB per pod: ${pass ? 'met' : 'NOT met'}`,
    );
    writeResult(join(root, 'bench', 'results', 'perf-cluster.json'), {
      machine: { ...machine(), cpus: cpus().length },
      seconds,
      runs,
      scaling,
      merge: {
        in_run_ms_per_pod: inRunMsPerPod,
        worst_case: worst,
        goal: { ms_per_pod: GOAL_MS_PER_POD, mb_per_pod: GOAL_MB_PER_POD },
        met: pass,
      },
    });
  } finally {
    await sandbox.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
