// Spec §5 tests 35-40: tokens and client certificates over HTTPS, RBAC denials and access reviews,
// client-node's plain-HTTP refusal, health, and dry runs that change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, k8s, raw, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  // No simulated cluster: node heartbeats would move the global resourceVersion test 40 compares.
  ts = await testSandbox({ httpPort: 0, controllers: false });
});
after(() => ts.stop());

const apiError = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as k8s.ApiException<string | undefined>,
  );

describe('identity, RBAC, health and dry runs (fidelity 35-40)', () => {
  it('35: a token user works with kubectl and client-node; a wrong token is 401 Unauthorized', async () => {
    const good = ts.sandbox.kubeconfigFor({ user: 'bob', groups: ['system:masters'] });
    const r = await ts.home(good).run(['get', 'namespaces', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^namespace\/default$/m);
    const core = ts.kubeConfig(good).makeApiClient(k8s.CoreV1Api);
    assert.ok((await core.listNamespace()).items.length >= 4);

    const bad = good.replace(/token: .*/, 'token: not-a-valid-token');
    // A request kubectl sends as is prints the Status' message; one that starts with discovery prints
    // client-go's wording for a 401 during discovery (the body is the same Status either way).
    const rawGet = await ts.home(bad).run(['get', '--raw', '/api/v1/namespaces']);
    assert.equal(rawGet.code, 1);
    assert.equal(rawGet.stderr.trim(), 'error: You must be logged in to the server (Unauthorized)');
    const denied = await ts.home(bad).run(['get', 'namespaces']);
    assert.equal(denied.code, 1);
    assert.match(
      denied.stderr,
      /^error: You must be logged in to the server \(the server has asked for the client to provide credentials\)$/m,
    );
    const err = await apiError(ts.kubeConfig(bad).makeApiClient(k8s.CoreV1Api).listNamespace());
    assert.equal(err?.code, 401);
    const body = await raw(ts, '/api/v1/namespaces', { token: 'not-a-valid-token' });
    assert.deepEqual(body.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it('36: a client certificate (CN=alice, O=system:masters) authenticates through mutual TLS', async () => {
    const kubeconfig = ts.sandbox.kubeconfigFor(
      { user: 'alice', groups: ['system:masters'] },
      { method: 'cert' },
    );
    assert.match(kubeconfig, /client-certificate-data/);
    assert.doesNotMatch(kubeconfig, /token:/);
    const who = await ts.home(kubeconfig).run(['auth', 'whoami', '-o', 'json']);
    assert.equal(who.code, 0, who.stderr);
    const info = JSON.parse(who.stdout).status.userInfo;
    assert.equal(info.username, 'alice');
    assert.deepEqual(info.groups, ['system:masters', 'system:authenticated']);
    const review = await ts
      .kubeConfig(kubeconfig)
      .makeApiClient(k8s.AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    assert.equal(review.status?.userInfo?.username, 'alice');
  });

  it('37: RBAC denies what no binding allows, worded as the apiserver words it; can-i and SSAR agree', async () => {
    const admin = ts.home();
    await admin.run(['create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods']);
    await admin.run(['create', 'rolebinding', 'carol-reads', '--role=pod-reader', '--user=carol']);
    const carol = ts.sandbox.kubeconfigFor({ user: 'carol' });
    const h = ts.home(carol);
    assert.equal((await h.run(['get', 'pods'])).code, 0);
    const secrets = await h.run(['get', 'secrets']);
    assert.equal(secrets.code, 1);
    assert.equal(
      secrets.stderr.trim(),
      'Error from server (Forbidden): secrets is forbidden: User "carol" cannot list resource "secrets" in API group "" in the namespace "default"',
    );
    const named = await h.run(['get', 'secret', 'x']);
    assert.match(
      named.stderr,
      /secrets "x" is forbidden: User "carol" cannot get resource "secrets" in API group "" in the namespace "default"/,
    );
    const nodes = await h.run(['get', 'nodes']);
    assert.match(
      nodes.stderr,
      /nodes is forbidden: User "carol" cannot list resource "nodes" in API group "" at the cluster scope/,
    );
    const no = await h.run(['auth', 'can-i', 'list', 'secrets']);
    assert.equal(no.stdout, 'no\n');
    assert.equal(no.code, 1);
    const yes = await h.run(['auth', 'can-i', 'list', 'pods']);
    assert.equal(yes.stdout, 'yes\n');
    const ssar = await ts
      .kubeConfig(carol)
      .makeApiClient(k8s.AuthorizationV1Api)
      .createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'secrets' } } },
      });
    assert.equal(ssar.status?.allowed, false);
    const ok = await ts
      .kubeConfig(carol)
      .makeApiClient(k8s.AuthorizationV1Api)
      .createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { namespace: 'default', verb: 'watch', resource: 'pods' } } },
      });
    assert.equal(ok.status?.allowed, true);
  });

  it('38: client-node refuses an http:// server without insecure-skip-tls-verify, and uses it with', async () => {
    const token = ts.sandbox.mintToken({ user: 'dave', groups: ['system:masters'] });
    const config = (insecure: boolean) => {
      const kc = new k8s.KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'c', server: ts.sandbox.httpUrl!, skipTLSVerify: insecure }],
        users: [{ name: 'u', token }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
        currentContext: 'x',
      });
      return kc;
    };
    await assert.rejects(
      config(false).makeApiClient(k8s.CoreV1Api).listNamespace(),
      /HTTP protocol is not allowed when skipTLSVerify is not set or false/,
    );
    const list = await config(true).makeApiClient(k8s.CoreV1Api).listNamespace();
    assert.ok(list.items.some((n) => n.metadata?.name === 'kube-system'));
  });

  it('39: Health readyz and livez are true, and readyz false when the sandbox reports not ready', async () => {
    const health = new k8s.Health(ts.kubeConfig());
    assert.equal(await health.readyz({}), true);
    assert.equal(await health.livez({}), true);
    ts.sandbox.setReady(false);
    try {
      assert.equal(await health.readyz({}), false);
      assert.equal(await health.livez({}), true);
      assert.equal((await raw(ts, '/readyz', { token: null })).status, 500);
    } finally {
      ts.sandbox.setReady(true);
    }
    const verbose = await raw(ts, '/readyz?verbose', { token: null });
    assert.equal(verbose.status, 200);
    assert.match(verbose.text, /\[\+\]ping ok\n[\s\S]*readyz check passed\n$/);
  });

  it('40: dryRun=All on create, patch and delete changes no resourceVersion, no watch and no object', async () => {
    const kc = ts.kubeConfig();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'dry' } } });
    await core.createNamespacedConfigMap({
      namespace: 'dry',
      body: { metadata: { name: 'kept' }, data: { a: '1' } },
    });
    const events: string[] = [];
    const watch = await new k8s.Watch(kc).watch(
      '/api/v1/namespaces/dry/configmaps',
      {},
      (type, obj: k8s.V1ConfigMap) => events.push(`${type} ${obj.metadata?.name}`),
      () => undefined,
    );
    await eventually(() => events.length >= 2 || undefined, 5000, 'initial events');
    const rv = async () =>
      (await core.listNamespacedConfigMap({ namespace: 'dry' })).metadata?.resourceVersion;
    const before = await rv();
    const created = await core.createNamespacedConfigMap({
      namespace: 'dry',
      body: { metadata: { name: 'ghost' } },
      dryRun: 'All',
    });
    assert.equal(created.metadata?.name, 'ghost');
    const patched = await core.patchNamespacedConfigMap(
      { name: 'kept', namespace: 'dry', body: { data: { a: '2' } }, dryRun: 'All' },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.equal(patched.data?.a, '2');
    await core.deleteNamespacedConfigMap({ name: 'kept', namespace: 'dry', dryRun: 'All' });
    assert.equal(await rv(), before);
    const kept = await core.readNamespacedConfigMap({ name: 'kept', namespace: 'dry' });
    assert.equal(kept.data?.a, '1');
    assert.equal(
      (await apiError(core.readNamespacedConfigMap({ name: 'ghost', namespace: 'dry' })))?.code,
      404,
    );
    // A real write now: the watch's next event is that one, nothing from the dry runs.
    await core.createNamespacedConfigMap({ namespace: 'dry', body: { metadata: { name: 'real' } } });
    await eventually(() => events.includes('ADDED real') || undefined, 5000, 'the real event');
    watch.abort();
    assert.deepEqual(
      events.filter((e) => !e.includes('kube-root-ca.crt')),
      ['ADDED kept', 'ADDED real'],
    );
  });
});
