// Spec §5 tests 23-26: deletion that waits (finalizers), garbage collection through ownerReferences
// with each propagation policy, namespace termination, graceful pod deletion.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, k8s, raw, Streaming, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  // Realistic time: a deleted pod takes about a second to stop.
  ts = await testSandbox({ timeScale: 1 });
});
after(() => ts.stop());

/** A Deployment whose controllers have made its ReplicaSet and two running pods. */
async function owned(name: string): Promise<{ rs: string; pods: string[] }> {
  const kc = ts.kubeConfig();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const template = {
    metadata: { labels: { app: name } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
  await apps.createNamespacedDeployment({
    namespace: 'default',
    body: { metadata: { name }, spec: { replicas: 2, selector: { matchLabels: { app: name } }, template } },
  });
  return eventually(
    async () => {
      const rs = (await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: `app=${name}` }))
        .items;
      const pods = (await core.listNamespacedPod({ namespace: 'default', labelSelector: `app=${name}` }))
        .items;
      const running = pods.filter((p) => p.status?.phase === 'Running');
      if (rs.length !== 1 || running.length !== 2) return undefined;
      return { rs: rs[0].metadata!.name!, pods: running.map((p) => p.metadata!.name!).sort() };
    },
    10_000,
    `${name} running`,
  );
}

describe('deletion and namespaces (fidelity 23-26)', () => {
  it('23: kubectl delete of an object with a finalizer waits until the finalizer is removed', async () => {
    const h = ts.home();
    await h.run(['create', 'configmap', 'fin']);
    await h.run(['patch', 'configmap', 'fin', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
    const del = new Streaming(h, ['delete', 'configmap', 'fin']);
    await eventually(
      () =>
        ts.requests.some(
          (q) => q.url.includes('watch=true') && q.url.includes('fieldSelector=metadata.name%3Dfin'),
        ) || undefined,
      10_000,
      'kubectl to watch',
    );
    const early = await Promise.race([del.exited, new Promise((r) => setTimeout(() => r('waiting'), 500))]);
    assert.equal(early, 'waiting', 'kubectl delete returned while the finalizer was still there');
    const core = ts.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ name: 'fin', namespace: 'default' });
    assert.ok(cm.metadata?.deletionTimestamp, 'marked for deletion');
    await core.patchNamespacedConfigMap({
      name: 'fin',
      namespace: 'default',
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
    assert.equal(await del.exited, 0);
    assert.equal(del.stdout, 'configmap "fin" deleted\n');
    assert.ok(
      ts.requests.some(
        (q) =>
          q.method === 'GET' &&
          q.url.includes('fieldSelector=metadata.name%3Dfin') &&
          !q.url.includes('watch=true'),
      ),
    );
  });

  it('24: the garbage collector deletes dependents (Background), keeps them ownerless (Orphan), or first (Foreground)', async () => {
    const h = ts.home();
    const core = ts.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const apps = ts.kubeConfig().makeApiClient(k8s.AppsV1Api);
    const podNames = async (app: string) =>
      (await core.listNamespacedPod({ namespace: 'default', labelSelector: `app=${app}` })).items.map(
        (p) => p.metadata!.name,
      );

    const bg = await owned('bg');
    assert.equal((await h.run(['delete', 'deployment', 'bg'])).code, 0);
    await eventually(
      async () => ((await podNames('bg')).length === 0 ? true : undefined),
      5000,
      'pods of bg gone',
    );
    await assert.rejects(
      apps.readNamespacedReplicaSet({ name: bg.rs, namespace: 'default' }),
      (e: k8s.ApiException<string>) => e.code === 404,
    );

    const orph = await owned('orph');
    assert.equal((await h.run(['delete', 'deployment', 'orph', '--cascade=orphan'])).code, 0);
    const rs = await eventually(
      async () => {
        const r = await apps.readNamespacedReplicaSet({ name: orph.rs, namespace: 'default' });
        return r.metadata?.ownerReferences ? undefined : r;
      },
      5000,
      'ownerReferences stripped',
    );
    assert.equal(rs.metadata?.ownerReferences, undefined);
    assert.deepEqual((await podNames('orph')).sort(), orph.pods);
    await assert.rejects(
      apps.readNamespacedDeployment({ name: 'orph', namespace: 'default' }),
      (e: k8s.ApiException<string>) => e.code === 404,
    );

    const fg0 = await owned('fg');
    assert.equal(fg0.pods.length, 2);
    const fg = await h.run(['delete', 'deployment', 'fg', '--cascade=foreground', '--timeout=20s']);
    assert.equal(fg.code, 0, fg.stderr);
    assert.deepEqual(await podNames('fg'), [], 'kubectl returned only after the dependents went');
  });

  it('25: a terminating namespace refuses new content (403) and disappears once empty', async () => {
    const h = ts.home();
    await h.run(['create', 'namespace', 'doomed']);
    await h.run(['create', 'configmap', 'held', '-n', 'doomed']);
    await h.run([
      'patch',
      'configmap',
      'held',
      '-n',
      'doomed',
      '-p',
      '{"metadata":{"finalizers":["example.com/hold"]}}',
    ]);
    const del = await h.run(['delete', 'namespace', 'doomed', '--wait=false']);
    assert.equal(del.stdout, 'namespace "doomed" deleted\n', del.stderr);
    const late = await h.run(['create', 'configmap', 'late', '-n', 'doomed']);
    assert.equal(late.code, 1);
    assert.match(
      late.stderr,
      /configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated/,
    );
    const file = h.file(
      'late.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late2, namespace: doomed}\n',
    );
    const late2 = await h.run(['create', '-f', file]);
    assert.equal(
      late2.stderr.trim(),
      `Error from server (Forbidden): error when creating "${file}": configmaps "late2" is forbidden: unable to create new content in namespace doomed because it is being terminated`,
    );
    const ns = await h.run(['get', 'namespace', 'doomed']);
    assert.match(ns.stdout, /^doomed\s+Terminating\s/m);
    const conditions = JSON.parse((await h.run(['get', 'namespace', 'doomed', '-o', 'json'])).stdout).status
      .conditions;
    assert.equal(
      conditions.find((c: { type: string }) => c.type === 'NamespaceFinalizersRemaining')?.status,
      'True',
    );
    await h.run([
      'patch',
      'configmap',
      'held',
      '-n',
      'doomed',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
    await eventually(
      async () => ((await h.run(['get', 'namespace', 'doomed'])).code === 1 ? true : undefined),
      5000,
      'namespace gone',
    );
  });

  it('26: a bound pod terminates gracefully (Terminating, then gone); --grace-period=0 --force removes it at once', async () => {
    const h = ts.home();
    const pod = (name: string) =>
      h.file(
        `${name}.yaml`,
        `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}\n`,
      );
    assert.equal((await h.run(['apply', '-f', pod('graceful')])).code, 0);
    const res = await raw(ts, '/api/v1/namespaces/default/pods/graceful', {
      method: 'DELETE',
      body: '{"propagationPolicy":"Background"}',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.kind, 'Pod');
    assert.ok(body.metadata.deletionTimestamp);
    assert.equal(body.metadata.deletionGracePeriodSeconds, 30);
    const get = await h.run(['get', 'pod', 'graceful']);
    assert.match(get.stdout, /^graceful\s+0\/1\s+Terminating\s/m);
    await eventually(
      async () => ((await h.run(['get', 'pod', 'graceful'])).code === 1 ? true : undefined),
      5000,
      'pod gone',
    );

    assert.equal((await h.run(['apply', '-f', pod('forced')])).code, 0);
    const forced = await h.run(['delete', 'pod', 'forced', '--grace-period=0', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(forced.stdout, 'pod "forced" force deleted\n');
    assert.equal((await h.run(['get', 'pod', 'forced'])).code, 1);
  });
});
