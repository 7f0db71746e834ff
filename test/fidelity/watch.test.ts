// Spec §5 tests 19-22: kubectl get -w, client-node Watch and informers: event order, bookmarks,
// 410 Expired and relisting, watch timeouts and reconnection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, k8s, raw, Streaming, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
/** Runs once before the next request whose URL matches (then forgets itself). */
let hook: { match: RegExp; run: () => Promise<void> } | undefined;
before(async () => {
  ts = await testSandbox({
    bookmarkIntervalMs: 150,
    beforeRequest: ({ url }) => {
      if (hook && hook.match.test(url)) {
        const h = hook;
        hook = undefined;
        return h.run();
      }
    },
  });
  const h = ts.home();
  for (const ns of ['w19', 'w20', 'w21', 'w21-other', 'w22']) await h.run(['create', 'namespace', ns]);
});
after(() => ts.stop());

// Pods left to a scheduler that does not exist: nothing but the test changes them.
const pod = (name: string, ns: string) => ({
  metadata: { name, namespace: ns, labels: { app: 'x' } },
  spec: { schedulerName: 'none', containers: [{ name: 'c', image: 'nginx' }] },
});

describe('watch (fidelity 19-22)', () => {
  it('19: kubectl get pods -w prints a new row when a label changes', async () => {
    const h = ts.home();
    await h.run(['run', 'p19', '-n', 'w19', '--image=nginx']);
    const w = new Streaming(h, ['get', 'pods', '-n', 'w19', '-w', '--show-labels']);
    await w.waitFor(/p19 .*run=p19\n/);
    await h.run(['label', 'pod', 'p19', '-n', 'w19', 'tier=web']);
    await w.waitFor(/p19 .*run=p19,tier=web\n/);
    assert.equal(w.stdout.split('\n').filter((l) => l.startsWith('p19')).length, 2);
    await w.kill();
  });

  it('20: client-node Watch sees ADDED, MODIFIED, DELETED in order, and bare BOOKMARKs', async () => {
    const kc = ts.kubeConfig();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const events: Array<{ type: string; rv: number; name?: string; obj: k8s.V1Pod }> = [];
    const done: unknown[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(
      '/api/v1/namespaces/w20/pods',
      { allowWatchBookmarks: true },
      (type, obj: k8s.V1Pod) =>
        events.push({ type, rv: Number(obj.metadata?.resourceVersion), name: obj.metadata?.name, obj }),
      (err) => done.push(err),
    );
    await core.createNamespacedPod({ namespace: 'w20', body: pod('p20', 'w20') });
    await core.patchNamespacedPod(
      { name: 'p20', namespace: 'w20', body: { metadata: { labels: { step: 'two' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedPod({ name: 'p20', namespace: 'w20' });
    await eventually(
      () => events.some((e) => e.type === 'DELETED') && events.some((e) => e.type === 'BOOKMARK'),
      5000,
      'DELETED and BOOKMARK',
    );
    req.abort();
    const changes = events.filter((e) => e.type !== 'BOOKMARK');
    assert.deepEqual(
      changes.map((e) => e.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    assert.ok(changes[0].rv < changes[1].rv && changes[1].rv < changes[2].rv, 'resourceVersions increase');
    const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
    assert.deepEqual(Object.keys(bookmark.obj.metadata ?? {}), ['resourceVersion']);
    assert.equal(bookmark.obj.spec, undefined);
  });

  it('21: a watch from a compacted resourceVersion gets one 410 ERROR and ends; an informer relists once', async () => {
    const kc = ts.kubeConfig();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedPod({ namespace: 'w21', body: pod('first', 'w21') });
    const oldRV = (await core.listNamespacedPod({ namespace: 'w21' })).metadata!.resourceVersion!;
    await core.createNamespacedPod({ namespace: 'w21-other', body: pod('elsewhere', 'w21-other') });
    ts.sandbox.compactHistory();

    const res = await raw(ts, `/api/v1/namespaces/w21/pods?watch=true&resourceVersion=${oldRV}`);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 1);
    assert.equal(lines[0].type, 'ERROR');
    assert.equal(lines[0].object.code, 410);
    assert.equal(lines[0].object.reason, 'Expired');
    assert.match(lines[0].object.message, new RegExp(`^too old resource version: ${oldRV} \\(\\d+\\)$`));

    // The informer: list, watch; its watch is dropped after history moved on; it relists exactly once.
    const path = '/api/v1/namespaces/w21/pods';
    const lists = () =>
      ts.requests.filter((q) => q.method === 'GET' && q.url.startsWith(path) && !q.url.includes('watch=true'))
        .length;
    const listsBefore = lists();
    const informer = k8s.makeInformer(kc, path, () => core.listNamespacedPod({ namespace: 'w21' }));
    const added: string[] = [];
    informer.on(k8s.ADD, (p: k8s.V1Pod) => added.push(p.metadata!.name!));
    await informer.start();
    await eventually(() => added.includes('first'), 5000, 'informer ADD first');
    await core.createNamespacedPod({ namespace: 'w21-other', body: pod('unseen', 'w21-other') });
    ts.sandbox.compactHistory();
    ts.sandbox.dropWatches();
    await core.createNamespacedPod({ namespace: 'w21', body: pod('after', 'w21') });
    await eventually(() => added.includes('after'), 5000, 'informer ADD after relist');
    await informer.stop();
    assert.equal(lists() - listsBefore, 2, 'the initial list and exactly one relist');
  });

  it('21: kubectl get -w prints the 410 Status and exits', async () => {
    const core = ts.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const h = ts.home();
    await h.run(['get', 'pods', '-n', 'w21']); // discovery cached: the next get goes straight to list and watch
    hook = {
      match: /^\/api\/v1\/namespaces\/w21\/pods\?.*watch=true/,
      // Between kubectl's list and its watch, pods change elsewhere and history is compacted.
      run: async () => {
        await core.createNamespacedPod({ namespace: 'w21-other', body: pod('between', 'w21-other') });
        ts.sandbox.compactHistory();
      },
    };
    const r = await h.run(['get', 'pods', '-n', 'w21', '-w'], { timeoutMs: 10_000 });
    assert.equal(hook, undefined, 'the watch request went through the hook');
    assert.equal(r.code, 0, r.stderr);
    // The pods listed first, then the watch's ERROR event printed as a Status row.
    assert.match(
      r.stdout,
      /^NAME\s+READY[^\n]*\n(\S+\s+0\/1[^\n]*\n)+STATUS\s+REASON\s+MESSAGE\nFailure\s+Expired\s+too old resource version: \d+ \(\d+\)\n$/,
    );
  });

  it('22: timeoutSeconds ends a watch cleanly; an informer whose watch ends re-watches without relisting', async () => {
    const kc = ts.kubeConfig();
    const started = Date.now();
    const err = await new Promise<unknown>((resolve) => {
      void new k8s.Watch(kc).watch(
        '/api/v1/namespaces/w22/pods',
        { timeoutSeconds: 2 },
        () => undefined,
        resolve,
      );
    });
    const elapsed = Date.now() - started;
    assert.equal(err, null);
    assert.ok(elapsed >= 1900 && elapsed < 6000, `ended after ${elapsed} ms`);

    const core = kc.makeApiClient(k8s.CoreV1Api);
    const path = '/api/v1/namespaces/w22/pods';
    const count = (watch: boolean) =>
      ts.requests.filter(
        (q) => q.method === 'GET' && q.url.startsWith(path) && q.url.includes('watch=true') === watch,
      ).length;
    const [lists0, watches0] = [count(false), count(true)];
    const informer = k8s.makeInformer(kc, path, () => core.listNamespacedPod({ namespace: 'w22' }));
    const added: string[] = [];
    informer.on(k8s.ADD, (p: k8s.V1Pod) => added.push(p.metadata!.name!));
    await informer.start();
    ts.sandbox.dropWatches();
    await eventually(() => count(true) - watches0 >= 2 || undefined, 5000, 'a second watch');
    await core.createNamespacedPod({ namespace: 'w22', body: pod('p22', 'w22') });
    await eventually(() => added.includes('p22'), 5000, 'informer ADD p22');
    await informer.stop();
    assert.equal(count(false) - lists0, 1, 'listed once');
  });
});
