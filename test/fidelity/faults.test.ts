// The fault control API, programmatic and over HTTP: 429 with Retry-After (client-go retries it), 500s
// for the next N matching requests or a fraction, added latency, cut connections, dropped watches and a
// restart on the same port, with kubectl and client-node as the clients that must cope.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, k8s, raw, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  // No simulated cluster: node heartbeats would move the resourceVersion the restart test compares.
  ts = await testSandbox({ controllers: false });
});
after(() => ts.stop());

const cm = (name: string, ns = 'default') => ({ metadata: { name, namespace: ns }, data: { a: '1' } });

describe('fault control API', () => {
  it('429 with Retry-After: kubectl (client-go) waits and retries until it passes', async () => {
    const h = ts.home();
    await h.run(['create', 'configmap', 'throttled']);
    const fault = ts.sandbox.faults.add({
      match: { verb: 'get', resource: 'configmaps' },
      status: 429,
      retryAfterSeconds: 1,
      count: 2,
    });
    const start = Date.now();
    const r = await h.run(['get', 'configmap', 'throttled', '-o', 'name']);
    assert.equal(r.stdout, 'configmap/throttled\n', r.stderr);
    assert.ok(Date.now() - start >= 1900, 'two waits of a second');
    assert.equal(ts.sandbox.faults.get(fault.id)?.hits, 2);
    const answers = ts.requests.filter((q) =>
      q.url.startsWith('/api/v1/namespaces/default/configmaps/throttled'),
    );
    assert.deepEqual(
      answers.slice(-3).map((q) => q.status),
      [429, 429, 200],
    );
    const res = await (async () => {
      ts.sandbox.faults.add({
        match: { path: '/api/v1/namespaces/default/configmaps/throttled' },
        status: 429,
        count: 1,
      });
      return raw(ts, '/api/v1/namespaces/default/configmaps/throttled');
    })();
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '1');
    assert.deepEqual(
      { reason: res.json().reason, code: res.json().code, details: res.json().details },
      { reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 1 } },
    );
    ts.sandbox.faults.clear();
  });

  it('500 for the next N creates: kubectl reports InternalError, then creates work again', async () => {
    const h = ts.home();
    ts.sandbox.faults.add({ match: { verb: 'create', resource: 'configmaps' }, status: 500, count: 1 });
    const failed = await h.run(['create', 'configmap', 'flaky']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /Internal error occurred: injected fault/);
    const ok = await h.run(['create', 'configmap', 'flaky']);
    assert.equal(ok.stdout, 'configmap/flaky created\n', ok.stderr);
    ts.sandbox.faults.clear();
  });

  it('a fraction of requests fails; hits count exactly the failures clients saw', async () => {
    const core = ts.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const fault = ts.sandbox.faults.add({
      match: { verb: 'list', namespace: 'default' },
      status: 503,
      fraction: 0.5,
    });
    let failures = 0;
    for (let i = 0; i < 60; i++) {
      try {
        await core.listNamespacedConfigMap({ namespace: 'default' });
      } catch (e) {
        assert.equal((e as k8s.ApiException<string>).code, 503);
        failures++;
      }
    }
    assert.equal(ts.sandbox.faults.get(fault.id)?.hits, failures);
    assert.ok(failures > 5 && failures < 55, `about half failed (${failures})`);
    ts.sandbox.faults.remove(fault.id);
    await core.listNamespacedConfigMap({ namespace: 'default' });
  });

  it('added latency delays matching requests only', async () => {
    const core = ts.kubeConfig().makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('slow') });
    ts.sandbox.faults.add({ match: { path: '/api/v1/namespaces/default/configmaps/slow' }, latencyMs: 400 });
    let start = Date.now();
    await core.readNamespacedConfigMap({ name: 'slow', namespace: 'default' });
    assert.ok(Date.now() - start >= 400);
    start = Date.now();
    await core.readNamespace({ name: 'default' });
    assert.ok(Date.now() - start < 400, 'other paths are not delayed');
    ts.sandbox.faults.clear();
  });

  it('a reset cuts the connection without an answer', async () => {
    const core = ts.kubeConfig().makeApiClient(k8s.CoreV1Api);
    ts.sandbox.faults.add({ match: { verb: 'get', resource: 'namespaces' }, reset: true, count: 1 });
    await assert.rejects(core.readNamespace({ name: 'default' }), (e: Error) =>
      /socket hang up|ECONNRESET/.test(String(e.message) + String((e as { code?: string }).code)),
    );
    assert.equal((await core.readNamespace({ name: 'default' })).metadata?.name, 'default');
  });

  it('dropped watches, ended cleanly or cut: a client-node informer comes back and misses nothing', async () => {
    const kc = ts.kubeConfig();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'drop' } } });
    const path = '/api/v1/namespaces/drop/configmaps';
    const informer = k8s.makeInformer(kc, path, () => core.listNamespacedConfigMap({ namespace: 'drop' }));
    const seen: string[] = [];
    let stopped = false;
    informer.on(k8s.ADD, (o: k8s.V1ConfigMap) => seen.push(o.metadata!.name!));
    // client-node informers stop on a connection error: their owner starts them again.
    informer.on(k8s.ERROR, () => setTimeout(() => void (stopped || informer.start()), 50));
    const requests = (watch: boolean) =>
      ts.requests.filter(
        (q) => q.method === 'GET' && q.url.startsWith(path) && q.url.includes('watch=true') === watch,
      ).length;
    try {
      await informer.start();
      await core.createNamespacedConfigMap({ namespace: 'drop', body: cm('one', 'drop') });
      await eventually(() => seen.includes('one'), 5000, 'one');
      const [lists, watches] = [requests(false), requests(true)];
      assert.ok(ts.sandbox.dropWatches() >= 1);
      await core.createNamespacedConfigMap({ namespace: 'drop', body: cm('two', 'drop') });
      await eventually(() => seen.includes('two'), 5000, 'two after a clean drop');
      assert.equal(requests(false), lists, 'resumed from its resourceVersion, no relist');
      assert.ok(requests(true) > watches, 'it watched again');
      const watchesBeforeCut = requests(true);
      assert.ok(ts.sandbox.dropWatches({ abrupt: true }) >= 1);
      await core.createNamespacedConfigMap({ namespace: 'drop', body: cm('three', 'drop') });
      await eventually(() => seen.includes('three'), 5000, 'three after a cut');
      assert.ok(requests(true) > watchesBeforeCut, 'it watched again after the cut');
    } finally {
      stopped = true;
      await informer.stop();
    }
    assert.deepEqual([...new Set(seen)].sort(), ['kube-root-ca.crt', 'one', 'three', 'two']);
  });

  it('a restart keeps the port and the data; clients reconnect; the port refuses while down', async () => {
    const kc = ts.kubeConfig();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'restart' } } });
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/restart/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'restart' }),
    );
    const seen: string[] = [];
    let stopped = false;
    informer.on(k8s.ADD, (o: k8s.V1ConfigMap) => seen.push(o.metadata!.name!));
    informer.on(k8s.ERROR, () => setTimeout(() => void (stopped || informer.start()), 100));
    try {
      await informer.start();
      await core.createNamespacedConfigMap({ namespace: 'restart', body: cm('before', 'restart') });
      await eventually(() => seen.includes('before'), 5000, 'before');
      const rv = ts.sandbox.stats().resourceVersion;
      const restarting = ts.sandbox.restart({ downMs: 300 });
      await new Promise((r) => setTimeout(r, 100));
      await assert.rejects(core.readNamespace({ name: 'restart' }), /ECONNREFUSED/);
      await restarting;
      assert.equal(ts.sandbox.stats().resourceVersion, rv, 'same data, same resourceVersion');
      await core.createNamespacedConfigMap({ namespace: 'restart', body: cm('after', 'restart') });
      await eventually(() => seen.includes('after'), 10_000, 'after the restart');
    } finally {
      stopped = true;
      await informer.stop();
    }
    const h = ts.home();
    assert.equal(
      (await h.run(['get', 'cm', 'before', '-n', 'restart', '-o', 'name'])).stdout,
      'configmap/before\n',
    );
  });

  it('over HTTP: kubectl adds, lists and removes faults with --raw; restarts; others get 403', async () => {
    const h = ts.home();
    ts.sandbox.faults.clear();
    const added = await h.run(['create', '--raw', '/sandbox/v1/faults', '-f', '-'], {
      input: JSON.stringify({
        match: { verb: 'get', resource: 'secrets' },
        status: 500,
        message: 'disk on fire',
      }),
    });
    assert.equal(added.code, 0, added.stderr);
    const fault = JSON.parse(added.stdout);
    assert.equal(fault.kind, 'Fault');
    const listed = JSON.parse((await h.run(['get', '--raw', '/sandbox/v1/faults'])).stdout);
    assert.deepEqual(
      listed.items.map((f: { id: string }) => f.id),
      [fault.id],
    );
    const hit = await h.run(['get', 'secret', 'whatever']);
    assert.match(hit.stderr, /Internal error occurred: disk on fire/);
    const bad = await h.run(['create', '--raw', '/sandbox/v1/faults', '-f', '-'], {
      input: '{"status": 42, "colour": 1}',
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid fault: unknown field "colour"; status must be an HTTP error status/);
    assert.equal((await h.run(['delete', '--raw', `/sandbox/v1/faults/${fault.id}`])).code, 0);
    assert.deepEqual(JSON.parse((await h.run(['get', '--raw', '/sandbox/v1/faults'])).stdout).items, []);
    assert.match((await h.run(['get', 'secret', 'whatever'])).stderr, /NotFound/);

    const restarted = await h.run(['create', '--raw', '/sandbox/v1/restart', '-f', '-'], {
      input: '{"downMs": 100}',
    });
    assert.equal(JSON.parse(restarted.stdout).kind, 'Restart', restarted.stderr);
    await eventually(
      async () => ((await h.run(['get', 'ns', 'default', '-o', 'name'])).code === 0 ? true : undefined),
      10_000,
      'back',
    );
    const stats = JSON.parse((await h.run(['get', '--raw', '/sandbox/v1/stats'])).stdout);
    assert.equal(stats.kind, 'SandboxStats');
    assert.ok(stats.requests.requests > 0 && stats.objects > 0);

    const alice = ts.home(ts.sandbox.kubeconfigFor({ user: 'alice' }));
    const denied = await alice.run(['get', '--raw', '/sandbox/v1/faults']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /Forbidden/);
  });
});
