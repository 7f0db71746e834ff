// `meshdeck cluster snapshot` against the sandbox: what matters to meshes (injection, sidecars, mesh CRDs
// and their resources) as table, json and yaml; the cache; and --watch kept current by list and watch,
// rebuilt after a dropped watch whose history expired and after a restarted server, with nothing lost or
// counted twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { eventually } from '../fidelity/helpers.js';
import { LiveProcess } from '../helpers/provider.js';
import { ClusterHome } from '../helpers/cluster.js';

/** Watch requests wait while this is set: changes then happen while the snapshot is not watching. */
let held: Promise<void> | undefined;
let c: ClusterHome;

const FIXTURE = `apiVersion: v1
kind: Namespace
metadata: {name: mesh-a, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: mesh-b, annotations: {linkerd.io/inject: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: plain}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: mesh-a}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, sidecar.istio.io/inject: "true"}}
    spec: {containers: [{name: web, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: mesh-a}
spec: {containers: [{name: web, image: nginx}, {name: istio-proxy, image: proxyv2}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api-1, namespace: mesh-b}
spec: {containers: [{name: api, image: api}, {name: linkerd-proxy, image: proxy}]}
---
apiVersion: v1
kind: Pod
metadata: {name: native-1, namespace: plain}
spec:
  initContainers: [{name: kuma-sidecar, image: kuma-dp, restartPolicy: Always}]
  containers: [{name: app, image: app}]
---
apiVersion: v1
kind: Pod
metadata: {name: lonely, namespace: plain}
spec: {containers: [{name: app, image: app}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: mesh-a}
spec: {selector: {app: web}, ports: [{port: 80, protocol: TCP}]}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: virtualservices.networking.istio.io}
spec:
  group: networking.istio.io
  scope: Namespaced
  names: {plural: virtualservices, singular: virtualservice, kind: VirtualService, listKind: VirtualServiceList}
  versions:
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`;

const pod = (name: string, ns = 'mesh-a') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {containers: [{name: app, image: app}, {name: istio-proxy, image: proxyv2}]}\n`;

before(async () => {
  // Controllers off: the fixture's pods and statuses are exactly the ones the assertions count.
  c = await ClusterHome.start({
    controllers: false,
    persistent: true,
    beforeRequest: async ({ url }) => {
      if (held && /[?&]watch=(1|true)/.test(url)) await held;
    },
  });
  const r = await c.kubectl(['apply', '-f', '-'], { input: FIXTURE });
  assert.equal(r.code, 0, r.stderr);
  const vs = await c.kubectl(['apply', '-f', '-'], {
    input:
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web, namespace: mesh-a}\nspec: {hosts: [web]}\n',
  });
  assert.equal(vs.code, 0, vs.stderr);
});
after(() => c.stop());

describe('cluster snapshot', () => {
  it('shows injection, workloads, sidecars, services and mesh CRDs as a table', async () => {
    const r = await c.meshdeck(['cluster', 'snapshot']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^MESHES\nMESH +CRDS +RESOURCES +INJECTED NAMESPACES +PODS WITH SIDECARS\n/);
    assert.match(r.stdout, /^istio +1 +1 +1 +1$/m);
    assert.match(r.stdout, /^linkerd +0 +0 +1 +1$/m);
    assert.match(r.stdout, /^kuma +0 +0 +0 +1$/m);
    assert.match(r.stdout, /^mesh-a +Active +istio +1 +1$/m);
    assert.match(r.stdout, /^plain +Active +2 +1$/m);
    assert.match(r.stdout, /^mesh-a +deployment\/web +0\/3 +istio=true$/m);
    assert.doesNotMatch(r.stdout, /widget/i, 'CRDs of other API groups are not part of it');
    assert.match(
      r.stderr,
      /\d+ namespaces, 1 workloads, 4 pods \(3 with sidecars\), 2 services; istio, kuma, linkerd/,
    );
  });

  it('prints the same snapshot as json and yaml (kind ClusterSnapshot), and -n narrows it', async () => {
    const json = await c.meshdeck(['cluster', 'snapshot', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const s = JSON.parse(json.stdout);
    assert.equal(s.kind, 'ClusterSnapshot');
    assert.equal(s.cluster.server, c.sandbox.url);
    assert.deepEqual(
      s.pods.map((p: { name: string; sidecars: string[] }) => [p.name, p.sidecars]),
      [
        ['web-1', ['istio-proxy']],
        ['api-1', ['linkerd-proxy']],
        ['lonely', []],
        ['native-1', ['kuma-sidecar']],
      ],
    );
    assert.deepEqual(
      s.crds.map((x: { name: string }) => x.name),
      ['virtualservices.networking.istio.io'],
    );
    assert.deepEqual(s.resources, [
      {
        mesh: 'istio',
        group: 'networking.istio.io',
        kind: 'VirtualService',
        namespace: 'mesh-a',
        name: 'web',
      },
    ]);
    const yaml = await c.meshdeck(['cluster', 'snapshot', '-o', 'yaml']);
    const y = parse(yaml.stdout);
    delete y.takenAt;
    delete s.takenAt;
    assert.deepEqual(y, s);

    const narrowed = JSON.parse(
      (await c.meshdeck(['cluster', 'snapshot', '-n', 'mesh-b', '-o', 'json'])).stdout,
    );
    assert.equal(narrowed.namespace, 'mesh-b');
    assert.deepEqual(
      narrowed.namespaces.map((n: { name: string }) => n.name),
      ['mesh-b'],
    );
    assert.deepEqual(
      narrowed.pods.map((p: { name: string }) => p.name),
      ['api-1'],
    );
  });

  it('keeps the last snapshot in the cache, readable without the cluster', async () => {
    const mark = c.mark();
    const r = await c.meshdeck(['cluster', 'snapshot', '--from-cache', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: showing the snapshot taken at \S+, not the live cluster/);
    assert.equal(JSON.parse(r.stdout).namespace, 'mesh-b', 'the last one taken');
    assert.deepEqual(mark.all(), [], 'the cluster was not contacted');
  });
});

describe('files a kubeconfig refers to', () => {
  /** A kubeconfig for the admin with its token, its cluster entry changed by `edit`. */
  function kubeconfig(name: string, edit: (doc: KubeconfigDoc) => void): string {
    const doc = parse(
      c.sandbox.kubeconfigFor({ user: 'admin', groups: ['system:masters'] }),
    ) as KubeconfigDoc;
    edit(doc);
    const file = join(c.home.root, name);
    writeFileSync(file, stringify(doc), { mode: 0o600 });
    return file;
  }

  it('tokenFile is read as kubectl reads it; a missing one is exit 2 naming the file, not anonymous', async () => {
    const tokenFile = join(c.home.root, 'admin.token');
    const withFile = kubeconfig('token-file.yaml', (doc) => {
      writeFileSync(tokenFile, `${doc.users[0].user.token}\n`, { mode: 0o600 });
      doc.users[0].user = { tokenFile };
    });
    const ok = await c.meshdeck(['cluster', 'snapshot', '--kubeconfig', withFile, '-o', 'json']);
    assert.equal(ok.code, 0, ok.stderr);
    // Before: the token file was ignored and the snapshot ran as anonymous, exit 0.
    const missing = kubeconfig('token-file-missing.yaml', (doc) => {
      doc.users[0].user = { tokenFile: join(c.home.root, 'no-such.token') };
    });
    const kubectl = await c.kubectl(['get', 'namespaces'], { kubeconfig: missing });
    assert.notEqual(kubectl.code, 0, 'kubectl refuses it too');
    const r = await c.meshdeck(['cluster', 'snapshot', '--kubeconfig', missing]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: .*no-such\.token.* (does not exist|not found)/m);
    assert.match(r.stderr, /hint: /);
  });

  it('a missing certificate-authority file is a configuration error (exit 2), not a credentials one', async () => {
    const file = kubeconfig('ca-missing.yaml', (doc) => {
      delete doc.clusters[0].cluster['certificate-authority-data'];
      doc.clusters[0].cluster['certificate-authority'] = join(c.home.root, 'no-such-ca.crt');
    });
    const r = await c.meshdeck(['cluster', 'snapshot', '--kubeconfig', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: .*no-such-ca\.crt/m);
    assert.doesNotMatch(r.stderr, /credentials/);
  });
});

interface KubeconfigDoc {
  clusters: Array<{ cluster: Record<string, unknown> }>;
  users: Array<{ user: Record<string, unknown> }>;
}

describe('cluster snapshot --watch', () => {
  let proc: LiveProcess;
  const events = () =>
    proc.stdout
      .split('\n')
      .filter((l) => l.startsWith('{"apiVersion":"meshdeck/v1","kind":"ClusterSnapshotEvent"'))
      .map((l) => JSON.parse(l) as { type: string; object: { kind: string; name: string } });
  const podEvents = (name: string) =>
    events()
      .filter((e) => e.object.kind === 'Pod' && e.object.name === name)
      .map((e) => e.type);
  /** The pods of mesh-a in the snapshot the watching process keeps in the cache. */
  const cachedPods = async () => {
    const r = await c.meshdeck(['cluster', 'snapshot', '--from-cache', '-o', 'json']);
    return (JSON.parse(r.stdout).pods as Array<{ namespace: string; name: string }>)
      .filter((p) => p.namespace === 'mesh-a')
      .map((p) => p.name);
  };
  const expectCached = (names: string[], what: string) =>
    eventually(
      async () => JSON.stringify(await cachedPods()) === JSON.stringify(names),
      15_000,
      `${what}: cached pods ${JSON.stringify(names)}`,
    );

  before(async () => {
    proc = new LiveProcess(['cluster', 'snapshot', '--watch', '-o', 'json'], c.home.env);
    await proc.waitFor(/watching for changes/);
  });
  after(async () => {
    proc.child.kill('SIGINT');
    const r = await proc.done;
    assert.equal(r.code, 130, r.stderr);
    assert.doesNotMatch(r.stderr, /Warning:|MaxListeners/, 'no warnings from the runtime');
  });

  it('prints each change as it happens and keeps the cached snapshot current', async () => {
    const first = JSON.parse(proc.stdout.slice(0, proc.stdout.indexOf('\n}\n') + 2));
    assert.equal(first.kind, 'ClusterSnapshot');
    assert.equal(first.pods.length, 4);
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: pod('web-2') })).code, 0);
    await eventually(() => podEvents('web-2').includes('ADDED'), 10_000, 'ADDED web-2');
    assert.equal((await c.kubectl(['delete', 'pod', 'web-1', '-n', 'mesh-a', '--wait=false'])).code, 0);
    await eventually(() => podEvents('web-1').includes('DELETED'), 10_000, 'DELETED web-1');
    await expectCached(['web-2'], 'after the changes');
  });

  it('rebuilds from a fresh list after a dropped watch whose history expired, losing and doubling nothing', async () => {
    let release!: () => void;
    held = new Promise((r) => (release = r));
    const listsBefore = (proc.stderr.match(/listed again after a reconnect/g) ?? []).length;
    c.sandbox.dropWatches();
    // While nothing watches: one pod comes, one goes, and the history that would replay it is forgotten.
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: pod('web-3') })).code, 0);
    assert.equal((await c.kubectl(['delete', 'pod', 'web-2', '-n', 'mesh-a', '--wait=false'])).code, 0);
    c.sandbox.compactHistory();
    held = undefined;
    release();
    await proc.waitFor(/Pod: listed again after a reconnect; the snapshot is rebuilt/);
    assert.ok((proc.stderr.match(/listed again after a reconnect/g) ?? []).length > listsBefore);
    await expectCached(['web-3'], 'after the rebuild');
    // Watching again: the next change arrives once.
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: pod('web-4') })).code, 0);
    await eventually(() => podEvents('web-4').includes('ADDED'), 10_000, 'ADDED web-4');
    await expectCached(['web-3', 'web-4'], 'after web-4');
    assert.deepEqual(podEvents('web-4'), ['ADDED']);
  });

  it('comes back after the API server restarts, with the changes made while it was away', async () => {
    let release!: () => void;
    await c.restart(async () => {
      held = new Promise((r) => (release = r));
    });
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: pod('web-5') })).code, 0);
    assert.equal((await c.kubectl(['delete', 'pod', 'web-3', '-n', 'mesh-a', '--wait=false'])).code, 0);
    held = undefined;
    release();
    await expectCached(['web-4', 'web-5'], 'after the restart');
    assert.equal((await c.kubectl(['apply', '-f', '-'], { input: pod('web-6') })).code, 0);
    await expectCached(['web-4', 'web-5', 'web-6'], 'after web-6');
    assert.deepEqual(podEvents('web-6'), ['ADDED']);
    assert.equal(proc.child.exitCode, null, 'still watching');
  });
});
