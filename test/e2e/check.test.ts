// meshdeck check against the sandbox with an Istio-shaped control plane applied directly: every category
// reports, a provider that is down, an expired webhook certificate and a not-ready control plane each fail
// the right check with its hint (exit 3), --wait turns green when the control plane becomes ready, and the
// JUnit output parses with a real JUnit reader.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parse as parseJUnit } from 'junit2json';
import { ClusterHome } from '../helpers/cluster.js';
import { expiredCert, validCert } from '../helpers/certs.js';
import { applyMeshCrds, istioControlPlane, kubectlApply } from '../helpers/meshes.js';

interface CheckJson {
  success: boolean;
  attempts: number;
  categories: Array<{
    categoryName: string;
    checks: Array<{
      id: string;
      result: string;
      message: string;
      hint?: string;
      children?: Array<{ name: string; outcome: string; message: string }>;
    }>;
  }>;
}

function findCheck(doc: CheckJson, id: string) {
  const found = doc.categories.flatMap((c) => c.checks).find((c) => c.id === id);
  assert.ok(
    found,
    `no check ${id} in ${JSON.stringify(doc.categories.map((c) => c.checks.map((x) => x.id)))}`,
  );
  return found;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let c: ClusterHome;

/** A fresh istiod (a rollout would keep the old ready pod while a never-ready one starts). */
async function recreateIstiod(podAnnotations?: Record<string, string>): Promise<void> {
  const r = await c.kubectl(['delete', 'deployment', 'istiod', '-n', 'istio-system', '--wait=true']);
  assert.equal(r.code, 0, r.stderr);
  await kubectlApply(c, istioControlPlane({ caPem: validCert('istiod.istio-system.svc'), podAnnotations }));
}
const NEVER_READY = { 'sandbox.meshdeck.dev/fault': 'never-ready' };

before(async () => {
  c = await ClusterHome.start();
  await applyMeshCrds(c, 'istio');
  await kubectlApply(c, istioControlPlane({ caPem: validCert('istiod.istio-system.svc') }));
  const r = await c.kubectl([
    'rollout',
    'status',
    'deployment/istiod',
    '-n',
    'istio-system',
    '--timeout=60s',
  ]);
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await c?.stop();
});

describe('meshdeck check', () => {
  it('passes on a healthy cluster with Istio, and reports every category', async () => {
    const r = await c.meshdeck(['check', '-o', 'json']);
    const doc = JSON.parse(r.stdout) as CheckJson;
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(doc.success, true);
    assert.deepEqual(
      doc.categories.map((x) => x.categoryName),
      ['kubernetes-api', 'permissions', 'provider', 'adapters', 'control-plane', 'sandbox'],
    );
    assert.equal(findCheck(doc, 'kubernetes-api/version').result, 'passed');
    assert.equal(findCheck(doc, 'kubernetes-api/clock-skew').result, 'passed');
    assert.equal(findCheck(doc, 'permissions/read').result, 'passed');
    const installed = findCheck(doc, 'control-plane/installed');
    assert.match(installed.message, /istio/);
    assert.match(installed.children![0].message, /1\.30\.3 in istio-system, found by its control plane/);
    assert.equal(findCheck(doc, 'control-plane/pods-ready').result, 'passed');
    assert.equal(findCheck(doc, 'control-plane/webhooks').result, 'passed');
    assert.equal(findCheck(doc, 'control-plane/crds').result, 'passed');
    assert.equal(findCheck(doc, 'control-plane/certificates').result, 'passed');
    assert.equal(findCheck(doc, 'sandbox/ready').result, 'passed');
  });

  it('fails the provider checks when the provider is down, with the hint, and exits 3', async () => {
    const port = await closedPort();
    const home = { env: { MESHDECK_CONTEXT: 'down' } };
    const create = await c.meshdeck(['context', 'create', 'down', '--provider', `http://127.0.0.1:${port}`]);
    assert.equal(create.code, 0, create.stderr);
    const r = await c.meshdeck(['check'], home);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /\[-\] can reach the provider: .*unreachable|\[-\] can reach the provider: .*(ECONNREFUSED|fetch failed)/,
    );
    assert.match(r.stdout, /hint: check the URL \(meshdeck context show\) and that the provider runs/);
    assert.match(r.stdout, /see: docs\/checks.md#provider-reachable/);
    // What depends on it is skipped, with the reason; the other categories still ran.
    assert.match(r.stdout, /\[~\] provider is ready: skipped: provider\/reachable failed/);
    assert.match(r.stdout, /\[\+\] control-plane workloads are ready/);
  });

  it('fails adapters/live when a registered adapter is down, with the hint, and exits 3', async () => {
    const port = await closedPort();
    const home = { env: { MESHDECK_CONTEXT: 'adapter-down' } };
    assert.equal((await c.meshdeck(['context', 'create', 'adapter-down'])).code, 0);
    const add = await c.meshdeck(['adapter', 'add', 'gone', '--address', `127.0.0.1:${port}`], home);
    assert.equal(add.code, 0, add.stderr);
    const started = Date.now();
    const r = await c.meshdeck(['check'], home);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /\[-\] registered adapters answer: 1 of \d+ failed: gone/);
    assert.match(
      r.stdout,
      new RegExp(`\\[-\\] gone: external adapter at 127\\.0\\.0\\.1:${port}: no answer within 5 s`),
    );
    assert.match(r.stdout, /hint: start the adapter \(meshdeck adapter status shows its address\)/);
    assert.match(r.stdout, /\[\+\] control-plane workloads are ready/, 'the other categories still ran');
    assert.ok(Date.now() - started < 60_000, 'the ping is bounded, not a wait without end');
  });

  it('fails control-plane/certificates when a webhook certificate has expired', async () => {
    await kubectlApply(c, istioControlPlane({ caPem: expiredCert('istiod.istio-system.svc') }));
    try {
      const r = await c.meshdeck(['check', '-o', 'json']);
      assert.equal(r.code, 3, r.stderr);
      const doc = JSON.parse(r.stdout) as CheckJson;
      const certs = findCheck(doc, 'control-plane/certificates');
      assert.equal(certs.result, 'failed');
      assert.match(certs.hint!, /renew the webhook certificates/);
      assert.match(certs.children![0].message, /CN=istiod.istio-system.svc expired on/);
      // The caBundle is still a certificate: the webhook check itself passes.
      assert.equal(findCheck(doc, 'control-plane/webhooks').result, 'passed');
    } finally {
      await kubectlApply(c, istioControlPlane({ caPem: validCert('istiod.istio-system.svc') }));
    }
  });

  it('--pre reports existing meshes and fails on a namespace two injectors select', async () => {
    await kubectlApply(
      c,
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: both\n  labels: {istio-injection: enabled, kuma.io/sidecar-injection: enabled}\n',
    );
    try {
      const r = await c.meshdeck(['check', '--pre', '-o', 'json']);
      assert.equal(r.code, 3, r.stderr);
      const doc = JSON.parse(r.stdout) as CheckJson;
      assert.deepEqual(
        doc.categories.map((x) => x.categoryName),
        ['kubernetes-api', 'pre-install'],
      );
      assert.equal(findCheck(doc, 'pre-install/install-permissions').result, 'passed');
      assert.equal(findCheck(doc, 'pre-install/api-groups').result, 'passed');
      assert.match(
        findCheck(doc, 'pre-install/existing-meshes').children![0].message,
        /1\.30\.3 in istio-system/,
      );
      const conflict = findCheck(doc, 'pre-install/conflicting-injectors');
      assert.equal(conflict.result, 'failed');
      assert.deepEqual(conflict.children, [
        { name: 'both', outcome: 'failed', message: 'injected by istio and kuma' },
      ]);
    } finally {
      await c.kubectl(['delete', 'namespace', 'both', '--wait=false']);
    }
  });

  it('--proxy fails for a pod without a sidecar in an injected namespace, and JUnit parses', async () => {
    await kubectlApply(
      c,
      `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: shop}
spec:
  containers: [{name: app, image: nginx:1.27}]
---
apiVersion: v1
kind: Pod
metadata: {name: meshed, namespace: shop}
spec:
  containers: [{name: app, image: nginx:1.27}, {name: istio-proxy, image: docker.io/istio/proxyv2:1.28.0}]
`,
    );
    const r = await c.meshdeck(['check', '--proxy', '-o', 'junit']);
    assert.equal(r.code, 3, r.stderr);
    const junit = (await parseJUnit(r.stdout)) as {
      tests?: number;
      failures?: number;
      testsuite?: Array<{
        name: string;
        testcase?: Array<{ name: string; failure?: Array<{ message?: string; inner?: string }> }>;
      }>;
    };
    assert.ok(junit.failures! >= 2, JSON.stringify(junit));
    const suite = junit.testsuite!.find((s) => s.name === 'data-plane');
    assert.ok(suite, 'a data-plane testsuite');
    const sidecars = suite.testcase!.find((t) => t.name === 'pods in injected namespaces have their sidecar');
    assert.match(
      sidecars!.failure![0].inner!,
      /shop\/bare: no istio-proxy container \(istio injects this namespace\)/,
    );
    assert.match(sidecars!.failure![0].inner!, /hint: injection happens when a pod is created/);
    const versions = suite.testcase!.find(
      (t) => t.name === 'proxies run a version their control plane supports',
    );
    assert.match(
      versions!.failure![0].inner!,
      /shop\/meshed: istio proxy 1\.28\.0 is skewed from control plane 1\.30\.3/,
    );
  });

  it('--wait turns green once a not-ready control plane becomes ready', async () => {
    await recreateIstiod(NEVER_READY);
    const notReady = await c.meshdeck(['check', '-o', 'json']);
    assert.equal(notReady.code, 3);
    assert.equal(
      findCheck(JSON.parse(notReady.stdout) as CheckJson, 'control-plane/pods-ready').result,
      'failed',
    );

    const waiting = c.meshdeck(['check', '--wait', '2m', '-o', 'json']);
    // Let it fail a round or two, then fix the control plane.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await kubectlApply(c, istioControlPlane({ caPem: validCert('istiod.istio-system.svc') }));
    const r = await waiting;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout) as CheckJson;
    assert.equal(doc.success, true);
    assert.ok(doc.attempts > 1, `attempts ${doc.attempts}`);
    assert.match(r.stderr, /waiting: \d+ checks? failing \(.*control-plane\/pods-ready/);
  });

  it('--wait gives up with exit 5 when the time is up', async () => {
    await recreateIstiod(NEVER_READY);
    try {
      const r = await c.meshdeck(['check', '--wait', '3s']);
      assert.equal(r.code, 5, r.stdout + r.stderr);
      assert.match(r.stdout, /\[-\] control-plane workloads are ready/);
      assert.match(r.stderr, /checks still failing after 3s/);
    } finally {
      await recreateIstiod();
    }
  });
});
