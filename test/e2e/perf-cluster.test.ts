// In-cluster perf runs on the sandbox, whose pods of meshdeck's image are real processes: the echo
// target (as `meshdeck demo` deploys it) behind a LoadBalancer Service, generator pods from a Job, their
// histograms merged exactly; a generator killed mid-run; `kubectl top` from the sandbox's metrics.k8s.io;
// and the matrix with a baseline and an injected namespace.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterHome } from '../helpers/cluster.js';
import { spawnMeshdeck } from './perf-targets.js';

let c: ClusterHome;

/** The echo target of the demo design in a namespace; `sidecar` adds a (simulated) istio-proxy. */
function echoApp(namespace: string, o: { injected?: boolean } = {}): string {
  const sidecar = o.injected
    ? `
              - name: istio-proxy
                image: docker.io/istio/proxyv2:1.24.2`
    : '';
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
  labels: ${o.injected ? '{istio-injection: enabled}' : '{}'}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo, namespace: ${namespace}, labels: {app: echo}}
spec:
  replicas: 1
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
              - name: echo
                image: meshdeck
                args: [perf, serve, --port, "8080"]
                ports: [{containerPort: 8080}]${sidecar}
---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: ${namespace}}
spec:
  type: LoadBalancer
  selector: {app: echo}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;
}

async function deploy(namespace: string, o: { injected?: boolean } = {}): Promise<string> {
  const r = await c.kubectl(['apply', '-f', c.file(`${namespace}.yaml`, echoApp(namespace, o))]);
  assert.equal(r.code, 0, r.stderr);
  const ready = await c.kubectl(['rollout', 'status', '-n', namespace, 'deployment/echo', '--timeout=60s']);
  assert.equal(ready.code, 0, ready.stderr);
  for (let i = 0; i < 300; i++) {
    const svc = await c.get(['service', 'echo', '-n', namespace]);
    const ingress = svc?.status?.loadBalancer?.ingress?.[0];
    if (ingress?.ports?.[0]?.port) return `http://${ingress.ip}:${ingress.ports[0].port}/`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service echo -n ${namespace} got no address`);
}

async function leftovers(namespace: string): Promise<{ jobs: number; pods: number }> {
  const jobs = await c.get(['jobs', '-n', namespace]);
  const pods = await c.get(['pods', '-n', namespace, '-l', 'perf.meshdeck.dev/run']);
  return { jobs: jobs.items.length, pods: pods.items.length };
}

let url: string;
before(async () => {
  c = await ClusterHome.start();
  url = await deploy('demo');
  assert.equal((await c.kubectl(['create', 'namespace', 'perf'])).code, 0);
});
after(() => c.stop());

describe('perf run --in-cluster on the sandbox', () => {
  it('runs 3 generator pods, merges their histograms exactly, records the target and cleans up', async () => {
    const r = await c.meshdeck(
      [
        'perf',
        'run',
        url,
        '--in-cluster',
        '--replicas',
        '3',
        '--rate',
        '150',
        '-d',
        '2s',
        '-c',
        '3',
        '-n',
        'perf',
        '-o',
        'json',
      ],
      { timeoutMs: 90_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    const gens = result.cluster.generators as Array<{
      pod: string;
      node: string;
      histogram_count: number;
      completed: number;
    }>;
    assert.equal(gens.length, 3);
    assert.equal(new Set(gens.map((g) => g.pod)).size, 3);
    for (const g of gens) {
      assert.match(g.pod, /^meshdeck-perf-[0-9a-f]{6}-/);
      assert.ok(g.node, 'each generator records its node');
      assert.ok(g.histogram_count > 0, `${g.pod} measured nothing`);
    }
    const sum = (pick: (g: (typeof gens)[number]) => number) => gens.reduce((n, g) => n + pick(g), 0);
    // Exact: the merged histogram holds every value of every pod's, no more, no less.
    assert.equal(
      result.histograms.corrected.count,
      sum((g) => g.histogram_count),
    );
    assert.equal(
      result.requests.completed,
      sum((g) => g.completed),
    );
    assert.equal(result.test.rate, 150);
    assert.deepEqual(result.cluster.target.service, { namespace: 'demo', name: 'echo' });
    assert.equal(result.cluster.target.mesh, null);
    assert.equal(result.cluster.target.injected, false);
    // The echo pod is a real process: its usage is measured, not simulated.
    const app = result.resources.containers.find((x: { container: string }) => x.container === 'echo');
    assert.ok(app, JSON.stringify(result.resources));
    assert.equal(app.simulated, false);
    assert.ok(app.memory_mib.max > 1, 'a Node process uses more than a MiB');
    assert.match(r.stderr, /job perf\/meshdeck-perf-[0-9a-f]{6} deleted/);
    assert.deepEqual(await leftovers('perf'), { jobs: 0, pods: 0 });
  });

  it('fails with a clear message and leaves no Job when a generator pod dies mid-run', async () => {
    const running = c.meshdeck(
      ['perf', 'run', url, '--in-cluster', '--replicas', '2', '--rate', '50', '-d', '30s', '-n', 'perf'],
      { timeoutMs: 90_000 },
    );
    let victim: { pid: number; pod: string } | undefined;
    for (let i = 0; i < 600 && !victim; i++) {
      victim = c.sandbox.processes().find((p) => p.namespace === 'perf' && p.argv.includes('agent'));
      if (!victim) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(victim, 'a generator pod started');
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(victim.pid, 'SIGKILL');
    const r = await running;
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`generator pod ${victim.pod} failed: its container ended with exit code 137`),
    );
    assert.deepEqual(await leftovers('perf'), { jobs: 0, pods: 0 });
  });

  it('on Ctrl-C deletes the Job it created and exits 130', async () => {
    const run = await spawnMeshdeck(c.home.env, [
      'perf',
      'run',
      url,
      '--in-cluster',
      '--replicas',
      '2',
      '--rate',
      '50',
      '-d',
      '30s',
      '-n',
      'perf',
    ]);
    let started = false;
    for (let i = 0; i < 600 && !started; i++) {
      started = c.sandbox.processes().filter((p) => p.namespace === 'perf').length === 2;
      if (!started) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(started, 'the generator pods started');
    const out = await run.stop('SIGINT');
    assert.equal(out.code, 130, out.stderr);
    assert.match(out.stderr, /job perf\/meshdeck-perf-[0-9a-f]{6} deleted/);
    assert.deepEqual(await leftovers('perf'), { jobs: 0, pods: 0 });
  });

  it('refuses in-cluster flags without --in-cluster (exit 2)', async () => {
    const r = await c.meshdeck(['perf', 'run', url, '--replicas', '3']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--replicas is for in-cluster runs/);
  });
});

describe('metrics.k8s.io on the sandbox', () => {
  it('kubectl top pods and nodes show the process pods real usage', async () => {
    const pods = await c.kubectl(['top', 'pods', '-n', 'demo', '--containers']);
    assert.equal(pods.code, 0, pods.stderr);
    const line = pods.stdout.split('\n').find((l) => /^echo-\S+\s+echo\s/.test(l));
    assert.ok(line, pods.stdout);
    const memory = Number(/(\d+)Mi\s*$/.exec(line)?.[1]);
    assert.ok(memory > 1, line);
    const nodes = await c.kubectl(['top', 'nodes']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, /^NAME\s+CPU\(cores\)\s+CPU(%|\(%\))\s+MEMORY\(bytes\)/m);
  });
});

describe('perf matrix on the sandbox', () => {
  it('runs a baseline and an injected namespace, one after another, and stores every row', async () => {
    await deploy('echo-istio', { injected: true });
    const r = await c.meshdeck(
      [
        'perf',
        'matrix',
        '--service',
        'echo',
        '--config',
        'no-mesh=demo',
        '--config',
        'istio=echo-istio',
        '--rate',
        '100',
        '-d',
        '2s',
        '-n',
        'perf',
        '-o',
        'json',
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const matrix = JSON.parse(r.stdout);
    assert.equal(matrix.kind, 'PerfMatrix');
    assert.equal(matrix.baseline, 'no-mesh');
    const [base, istio] = matrix.rows;
    assert.equal(base.mesh, null);
    assert.deepEqual(base.deltas, {});
    assert.equal(base.sidecar_cpu_m_per_1k_rps, null);
    assert.equal(istio.mesh, 'istio');
    assert.equal(istio.proxy_version, '1.24.2');
    // The sandbox simulates the sidecar: zero, and said so.
    assert.equal(istio.sidecar_simulated, true);
    assert.equal(istio.sidecar_cpu_m_per_1k_rps, 0);
    assert.match(istio.deltas.p99_ms, /^([+-]\d+\.\d%|new)$/);
    assert.ok(istio.rps > 0 && base.rps > 0);
    const list = await c.meshdeck(['perf', 'result', 'list', '-o', 'json']);
    const stored = JSON.parse(list.stdout).items as Array<{ id: string }>;
    for (const row of matrix.rows)
      assert.ok(
        stored.some((s) => s.id === row.result_id),
        `row ${row.configuration} stored`,
      );
    const view = JSON.parse(
      (await c.meshdeck(['perf', 'result', 'view', istio.result_id, '-o', 'json'])).stdout,
    );
    assert.equal(view.labels.configuration, 'istio');
    const sidecar = view.resources.containers.find(
      (x: { container: string }) => x.container === 'istio-proxy',
    );
    assert.equal(sidecar.role, 'sidecar');
    assert.equal(sidecar.simulated, true);
    assert.deepEqual(await leftovers('perf'), { jobs: 0, pods: 0 });
  });

  it('names file:line:column for a bad matrix file (exit 2)', async () => {
    const file = c.file(
      'matrix.yaml',
      'kind: PerfMatrix\nspec:\n  target: {service: echo}\n  configurations:\n    - {name: a, namespace: demo}\n    - {name: b}\n',
    );
    const r = await c.meshdeck(['perf', 'matrix', '-f', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /matrix\.yaml:6:7: spec\.configurations\[1\]\.namespace: required/);
  });
});
