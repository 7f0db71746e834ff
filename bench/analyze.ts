// npm run bench:analyze: the analyzer on a cluster of 200 namespaces, 5,000 pods and 2,000 mesh resources
// (VirtualServices, DestinationRules, PeerAuthentications, AuthorizationPolicies, Gateways, Linkerd
// Servers), twice: in memory (the objects as a snapshot, analyze() alone: index once, one pass per rule,
// as istioctl analyze's analyzers do), and end to end (`meshdeck analyze -f DIR --use-cluster=false -o json`
// over the same objects written as YAML files: reading, parsing with positions, analysis and output; wall
// time and peak resident memory). Goals: under 2 s and under 300 MB. Reports rules per second.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { entryOf } from '../src/checks/analyze/base/object-index.js';
import { analyze } from '../src/checks/analyze/run.js';
import { RULES } from '../src/checks/analyze/rules/index.js';
import type { KubeObject } from '../src/design/model.js';
import { toYaml } from '../src/core/output/yaml-text.js';
import { machine, median, writeResult } from './lib.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'bin', 'meshdeck.js');
const NAMESPACES = 200;
const PODS_PER_NAMESPACE = 25; // 5,000
const MESH_PER_NAMESPACE = 10; // 2,000
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const GOALS = { maxMs: 2000, maxRssMb: 300 };

/** One namespace's objects: 5 Deployments of 5 pods each, 5 Services, 10 mesh resources. */
function namespaceObjects(i: number): KubeObject[] {
  const ns = `team-${String(i).padStart(3, '0')}`;
  const istio = i % 2 === 0;
  const linkerd = i % 4 === 1;
  const out: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: istio ? { 'istio-injection': 'enabled' } : {},
        annotations: linkerd ? { 'linkerd.io/inject': 'enabled' } : {},
      },
    },
  ];
  const sidecar = istio
    ? [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }]
    : linkerd
      ? [{ name: 'linkerd-proxy', image: 'cr.l5d.io/linkerd/proxy:edge-26.8.3' }]
      : [];
  for (let d = 0; d < 5; d++) {
    const app = `svc-${d}`;
    const labels = { app, version: `v${d % 2}` };
    const container = {
      name: 'app',
      image: 'nginx:1.27',
      ports: [{ containerPort: 8080, name: 'http' }],
      ...(d % 3 ? { readinessProbe: { httpGet: { path: '/', port: 8080 } } } : {}),
    };
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace: ns },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app } },
        template: { metadata: { labels }, spec: { containers: [container] } },
      },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: app, namespace: ns },
      spec: { selector: { app }, ports: [{ name: d % 2 ? 'http-web' : 'web', port: 80, targetPort: 8080 }] },
    });
    for (let p = 0; p < PODS_PER_NAMESPACE / 5; p++) {
      out.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${app}-abc12-${p}`,
          namespace: ns,
          labels,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              uid: `${ns}-${app}`,
              kind: 'ReplicaSet',
              name: `${app}-abc12`,
              controller: true,
            },
          ],
        },
        spec: { containers: [container, ...sidecar] },
        status: { phase: 'Running' },
      });
    }
  }
  const mesh: KubeObject[] = [];
  for (let k = 0; k < 3; k++) {
    mesh.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: `route-${k}`, namespace: ns },
      spec: {
        hosts: [`svc-${k}`],
        gateways: k === 0 ? ['gw', 'mesh'] : undefined,
        http: [
          {
            route: [
              { destination: { host: `svc-${k}`, subset: 'v1' } },
              { destination: { host: k === 2 ? 'gone' : `svc-${k + 1}` } },
            ],
          },
        ],
      },
    });
    mesh.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: `dr-${k}`, namespace: ns },
      spec: {
        host: `svc-${k}`,
        trafficPolicy: { tls: { mode: k === 1 ? 'DISABLE' : 'ISTIO_MUTUAL' } },
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v0', labels: { version: 'v0' } },
        ],
      },
    });
  }
  mesh.push({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: ns },
    spec: { mtls: { mode: i % 3 ? 'STRICT' : 'PERMISSIVE' } },
  });
  mesh.push({
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'allow', namespace: ns },
    spec: i % 5 ? { action: 'ALLOW', rules: [{}] } : { action: 'ALLOW' },
  });
  mesh.push({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: ns },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    },
  });
  mesh.push({
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'Server',
    metadata: { name: 'web', namespace: ns },
    spec: { podSelector: { matchLabels: { app: 'svc-0' } }, port: 'http' },
  });
  if (mesh.length !== MESH_PER_NAMESPACE) throw new Error(`${mesh.length} mesh resources per namespace`);
  return [...out, ...mesh];
}

function generate(): KubeObject[] {
  const all: KubeObject[] = [];
  for (let i = 0; i < NAMESPACES; i++) all.push(...namespaceObjects(i));
  return all;
}

function count(objects: readonly KubeObject[]) {
  const pods = objects.filter((o) => o.kind === 'Pod').length;
  const mesh = objects.filter(
    (o) => o.apiVersion.includes('istio.io') || o.apiVersion.includes('linkerd.io'),
  ).length;
  return { objects: objects.length, namespaces: NAMESPACES, pods, meshResources: mesh };
}

function inMemory(objects: readonly KubeObject[]) {
  const times: number[] = [];
  let findings = 0;
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  for (let r = 0; r < ROUNDS + 1; r++) {
    const started = performance.now();
    const result = analyze(objects.map((o) => entryOf(o)));
    const ms = performance.now() - started;
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    if (r > 0) times.push(ms); // the first round warms the JIT
    findings = result.findings.length;
  }
  const ms = median(times);
  return {
    medianMs: Math.round(ms * 10) / 10,
    roundsMs: times.map((t) => Math.round(t)),
    findings,
    rulesPerSecond: Math.round(RULES.length / (ms / 1000)),
    ruleObjectEvaluationsPerSecond: Math.round((RULES.length * objects.length) / (ms / 1000)),
    heapGrowthMb: Math.round((heapPeak - heapBefore) / 1e5) / 10,
    rssMb: Math.round(process.memoryUsage().rss / 1e5) / 10,
  };
}

function endToEnd(objects: readonly KubeObject[]) {
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-bench-analyze-'));
  try {
    const manifests = join(dir, 'manifests');
    mkdirSync(manifests);
    // One file per namespace, as a repository of manifests would have them.
    const byNs = new Map<string, KubeObject[]>();
    for (const o of objects) {
      const ns = o.metadata.namespace ?? o.metadata.name ?? '';
      byNs.set(ns, [...(byNs.get(ns) ?? []), o]);
    }
    // Block-style YAML, as people write manifests.
    for (const [ns, list] of byNs)
      writeFileSync(join(manifests, `${ns}.yaml`), list.map((o) => toYaml(o)).join('---\n'));
    const probe = join(dir, 'peak.cjs');
    // The child reports its peak resident memory (KiB) and CPU time (µs) as it exits.
    writeFileSync(
      probe,
      `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeFileSync(process.env.PEAK_RSS_FILE, JSON.stringify([u.maxRSS, u.userCPUTime + u.systemCPUTime])); });\n`,
    );
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'c'),
      XDG_CACHE_HOME: join(dir, 'k'),
      XDG_STATE_HOME: join(dir, 's'),
      NO_COLOR: '1',
      PEAK_RSS_FILE: join(dir, 'rss'),
      NODE_OPTIONS: `--require ${probe}`,
    };
    const times: number[] = [];
    const rss: number[] = [];
    const cpu: number[] = [];
    let findings = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const started = performance.now();
      let out = '';
      try {
        out = execFileSync(
          process.execPath,
          [bin, 'analyze', '-f', manifests, '--use-cluster=false', '-o', 'json'],
          { env, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
        ).toString();
      } catch (err) {
        // Exit 3: findings at or above the threshold, which this cluster has on purpose.
        const e = err as { status?: number; stdout?: Buffer; stderr?: Buffer };
        if (e.status !== 3)
          throw new Error(`analyze failed (${e.status}): ${e.stderr?.toString()}`, { cause: err });
        out = e.stdout?.toString() ?? '';
      }
      times.push(performance.now() - started);
      const [maxRss, cpuMicros] = JSON.parse(readFileSync(join(dir, 'rss'), 'utf8')) as [number, number];
      rss.push(maxRss / 1024);
      cpu.push(cpuMicros / 1000);
      findings = (JSON.parse(out) as { findings: unknown[] }).findings.length;
    }
    return {
      medianMs: Math.round(median(times)),
      medianCpuMs: Math.round(median(cpu)),
      roundsMs: times.map((t) => Math.round(t)),
      peakRssMb: Math.round(Math.max(...rss)),
      findings,
      files: byNs.size,
    };
  } finally {
    if (process.env.BENCH_KEEP) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const objects = generate();
const shape = count(objects);
console.error(
  `analyze: ${shape.objects} objects (${shape.namespaces} namespaces, ${shape.pods} pods, ${shape.meshResources} mesh resources), ${RULES.length} rules, ${ROUNDS} rounds`,
);
const memory = inMemory(objects);
console.error(
  `in memory: median ${memory.medianMs} ms, ${memory.rulesPerSecond} rules/s (${memory.ruleObjectEvaluationsPerSecond} rule×object/s), ${memory.findings} findings`,
);
const e2e = endToEnd(objects);
console.error(
  `end to end (meshdeck analyze -f, ${e2e.files} files): median ${e2e.medianMs} ms wall, ${e2e.medianCpuMs} ms CPU, peak RSS ${e2e.peakRssMb} MB, ${e2e.findings} findings`,
);
const result = {
  benchmark: 'analyze',
  at: new Date().toISOString(),
  machine: machine(),
  shape: { ...shape, rules: RULES.length },
  goals: GOALS,
  inMemory: memory,
  endToEnd: e2e,
  // Wall time on a shared machine includes waiting for a core; CPU time is what the run itself costs.
  loadAverage: loadavg(),
  met: {
    time: e2e.medianMs < GOALS.maxMs,
    cpuTime: e2e.medianCpuMs < GOALS.maxMs,
    memory: e2e.peakRssMb < GOALS.maxRssMb,
  },
};
writeResult(join(root, 'bench', 'results', 'analyze.json'), result);
console.log(JSON.stringify(result, null, 2));
