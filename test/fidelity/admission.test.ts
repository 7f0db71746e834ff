// Admission webhooks end to end with kubectl: real HTTPS webhooks (a server in this test, and one run
// as a pod process behind a Service) with a CA made by openssl. A mutating webhook adds a label (and
// receives the AdmissionReview kube-apiserver sends); a validating one denies with a message kubectl
// prints; a webhook that is down fails the request naming it with failurePolicy Fail and is skipped
// with Ignore; namespaceSelector and objectSelector choose what reaches a webhook; a caBundle that
// did not sign the server is a TLS failure; dry runs reach webhooks with dryRun: true and store
// nothing; pods a Deployment's ReplicaSet creates go through a service-referenced webhook.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testCa, WebhookServer, type TestCa } from '../helpers/webhook.js';
import { eventually, raw, testSandbox, type KubectlHome, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
let ca: TestCa;
let hooks: WebhookServer;
let h: KubectlHome;

before(async () => {
  ts = await testSandbox({ timeScale: 0.05, allowedImages: ['node'] });
  ca = testCa();
  hooks = await WebhookServer.start(ca.serverCert(['webhook.test', '127.0.0.1']));
  h = ts.home();
  const ns = await h.run(['apply', '-f', h.file('ns.yaml', namespaces)]);
  assert.equal(ns.code, 0, ns.stderr);
});
after(async () => {
  await hooks.close();
  await ts.stop();
  ca.cleanup();
});

const namespaces = `apiVersion: v1
kind: Namespace
metadata: {name: mut, labels: {webhooks: "on"}}
---
apiVersion: v1
kind: Namespace
metadata: {name: plain}
---
apiVersion: v1
kind: Namespace
metadata: {name: hooks}
`;

type Hook = Record<string, unknown>;

function configuration(kind: 'Mutating' | 'Validating', name: string, webhooks: Hook[]): string {
  return JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: `${kind}WebhookConfiguration`,
    metadata: { name },
    webhooks: webhooks.map((w) => ({ sideEffects: 'None', admissionReviewVersions: ['v1'], ...w })),
  });
}

async function apply(name: string, text: string): Promise<void> {
  const r = await h.run(['apply', '-f', h.file(`${name}.json`, text)]);
  assert.equal(r.code, 0, r.stderr);
}

const rule = (resources: string[], operations = ['CREATE']) => ({
  operations,
  apiGroups: [''],
  apiVersions: ['v1'],
  resources,
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function labelsOf(kind: string, name: string, ns: string): Promise<Record<string, string>> {
  const r = await h.run(['get', kind, name, '-n', ns, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {};
}

describe('admission webhooks', () => {
  before(async () => {
    hooks.on('/add-label', (r) => ({
      patch: [
        {
          op: 'add',
          path: '/metadata/labels',
          value: { ...(r.object?.metadata.labels ?? {}), admitted: 'yes' },
        },
      ],
      warnings: ['label added by the test webhook'],
    }));
    await apply(
      'label-adder',
      configuration('Mutating', 'label-adder', [
        {
          name: 'label.meshdeck.test',
          clientConfig: { url: hooks.url('/add-label'), caBundle: ca.bundle },
          rules: [rule(['configmaps'], ['CREATE', 'UPDATE'])],
          namespaceSelector: { matchLabels: { webhooks: 'on' } },
          objectSelector: { matchExpressions: [{ key: 'skip-webhooks', operator: 'DoesNotExist' }] },
        },
      ]),
    );
  });

  it('a mutating webhook adds a label; it gets the AdmissionReview kube-apiserver sends and its warnings reach kubectl', async () => {
    const r = await h.run(['create', 'configmap', 'cm1', '-n', 'mut', '--from-literal=a=b']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: label added by the test webhook/);
    assert.equal((await labelsOf('configmap', 'cm1', 'mut')).admitted, 'yes');

    const got = hooks.received.find((x) => x.path === '/add-label' && x.request.name === 'cm1')!;
    assert.equal(got.query, '?timeout=10s');
    const req = got.request;
    assert.match(req.uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(req.kind, { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.deepEqual(req.resource, { group: '', version: 'v1', resource: 'configmaps' });
    assert.deepEqual(req.requestKind, req.kind);
    assert.deepEqual(req.requestResource, req.resource);
    assert.equal(req.namespace, 'mut');
    assert.equal(req.operation, 'CREATE');
    assert.equal(req.userInfo.username, 'kubernetes-admin');
    assert.ok(req.userInfo.groups.includes('system:masters'));
    assert.equal(req.object?.data.a, 'b');
    assert.equal(req.oldObject, null);
    assert.equal(req.dryRun, false);
    assert.equal(req.options?.kind, 'CreateOptions');
    assert.equal(req.options?.apiVersion, 'meta.k8s.io/v1');

    // An update carries the stored object as oldObject.
    const label = await h.run(['label', 'configmap', 'cm1', '-n', 'mut', 'color=blue']);
    assert.equal(label.code, 0, label.stderr);
    const update = hooks.at('/add-label').find((x) => x.operation === 'UPDATE' && x.name === 'cm1')!;
    assert.equal(update.oldObject?.metadata.labels.admitted, 'yes');
    assert.equal(update.object?.metadata.labels.color, 'blue');
    assert.equal(update.options?.kind, 'UpdateOptions');
  });

  it('namespaceSelector and objectSelector decide which objects reach the webhook', async () => {
    const before = hooks.at('/add-label').length;
    const other = await h.run(['create', 'configmap', 'elsewhere', '-n', 'plain']);
    assert.equal(other.code, 0, other.stderr);
    assert.equal((await labelsOf('configmap', 'elsewhere', 'plain')).admitted, undefined);
    const skip = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'skipped', namespace: 'mut', labels: { 'skip-webhooks': 'true' } },
    });
    await apply('skipped', skip);
    assert.equal((await labelsOf('configmap', 'skipped', 'mut')).admitted, undefined);
    assert.equal(hooks.at('/add-label').length, before, 'neither request reached the webhook');
  });

  it('a validating webhook denies with its message (kubectl prints it), for create and delete', async () => {
    hooks.on('/deny', (r) => {
      const name = r.name ?? r.oldObject?.metadata.name;
      return name?.startsWith('forbidden-') || (name === 'keep-me' && r.operation === 'DELETE')
        ? { allowed: false, status: { message: `${name} is not allowed here` } }
        : { allowed: true };
    });
    await apply(
      'denier',
      configuration('Validating', 'denier', [
        {
          name: 'deny.meshdeck.test',
          clientConfig: { url: hooks.url('/deny'), caBundle: ca.bundle },
          rules: [rule(['configmaps'], ['CREATE', 'DELETE'])],
        },
      ]),
    );
    const denied = await h.run(['create', 'configmap', 'forbidden-1', '-n', 'plain']);
    assert.equal(denied.code, 1);
    assert.match(
      denied.stderr,
      /admission webhook "deny\.meshdeck\.test" denied the request: forbidden-1 is not allowed here/,
    );
    const rawDenied = await raw(ts, '/api/v1/namespaces/plain/configmaps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'forbidden-2' } }),
    });
    assert.equal(rawDenied.status, 400);
    assert.equal(
      rawDenied.json().message,
      'admission webhook "deny.meshdeck.test" denied the request: forbidden-2 is not allowed here',
    );

    // The validating webhook sees the object as it would be stored: server fields set.
    const ok = await h.run(['create', 'configmap', 'keep-me', '-n', 'plain']);
    assert.equal(ok.code, 0, ok.stderr);
    const seen = hooks.at('/deny').find((x) => x.name === 'keep-me' && x.operation === 'CREATE')!;
    assert.ok(seen.object?.metadata.uid && seen.object.metadata.creationTimestamp);

    const del = await h.run(['delete', 'configmap', 'keep-me', '-n', 'plain']);
    assert.equal(del.code, 1);
    assert.match(del.stderr, /denied the request: keep-me is not allowed here/);
    const delReq = hooks.at('/deny').find((x) => x.operation === 'DELETE')!;
    assert.equal(delReq.object, null);
    assert.equal(delReq.oldObject?.metadata.name, 'keep-me');
    assert.equal(delReq.options?.kind, 'DeleteOptions');
    assert.equal((await h.run(['get', 'configmap', 'keep-me', '-n', 'plain'])).code, 0);
  });

  it('a webhook that is down fails the request naming it (Fail) and is skipped (Ignore)', async () => {
    const port = await closedPort();
    const down = (failurePolicy: string) =>
      configuration('Mutating', 'down', [
        {
          name: 'down.meshdeck.test',
          clientConfig: { url: `https://127.0.0.1:${port}/down`, caBundle: ca.bundle },
          rules: [rule(['secrets'])],
          failurePolicy,
        },
      ]);
    await apply('down-fail', down('Fail'));
    const failed = await h.run(['create', 'secret', 'generic', 's1', '-n', 'plain', '--from-literal=k=v']);
    assert.equal(failed.code, 1);
    assert.ok(
      failed.stderr.includes(
        `Internal error occurred: failed calling webhook "down.meshdeck.test": failed to call webhook: Post "https://127.0.0.1:${port}/down?timeout=10s": dial tcp 127.0.0.1:${port}: connect: connection refused`,
      ),
      failed.stderr,
    );
    assert.notEqual((await h.run(['get', 'secret', 's1', '-n', 'plain'])).code, 0);

    await apply('down-ignore', down('Ignore'));
    const passed = await h.run(['create', 'secret', 'generic', 's1', '-n', 'plain', '--from-literal=k=v']);
    assert.equal(passed.code, 0, passed.stderr);
    await h.run(['delete', 'mutatingwebhookconfiguration', 'down']);
  });

  it('the TLS connection must verify against caBundle', async () => {
    const stranger = testCa('another-ca');
    try {
      await apply(
        'wrong-ca',
        configuration('Validating', 'wrong-ca', [
          {
            name: 'wrong-ca.meshdeck.test',
            clientConfig: { url: hooks.url('/any'), caBundle: stranger.bundle },
            rules: [rule(['services'])],
          },
        ]),
      );
      const r = await h.run(['create', 'service', 'clusterip', 'svc1', '-n', 'plain', '--tcp=80:80']);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /failed calling webhook "wrong-ca\.meshdeck\.test".*x509: certificate signed by unknown authority/,
      );
      assert.equal(hooks.at('/any').length, 0);
    } finally {
      await h.run(['delete', 'validatingwebhookconfiguration', 'wrong-ca']);
      stranger.cleanup();
    }
  });

  it('dry runs reach webhooks with dryRun: true and store nothing; sideEffects other than None/NoneOnDryRun are refused in v1', async () => {
    const r = await h.run(['create', 'configmap', 'dry', '-n', 'mut', '--dry-run=server', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      (JSON.parse(r.stdout) as { metadata: { labels: Record<string, string> } }).metadata.labels.admitted,
      'yes',
    );
    assert.equal(hooks.at('/add-label').find((x) => x.name === 'dry')?.dryRun, true);
    assert.notEqual((await h.run(['get', 'configmap', 'dry', '-n', 'mut'])).code, 0);

    const some = await h.run([
      'apply',
      '-f',
      h.file(
        'some.json',
        configuration('Validating', 'side-effects', [
          {
            name: 'some.meshdeck.test',
            clientConfig: { url: hooks.url('/x') },
            rules: [rule(['pods'])],
            sideEffects: 'Some',
          },
        ]),
      ),
    ]);
    assert.equal(some.code, 1);
    assert.match(
      some.stderr,
      /webhooks\[0\]\.sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"/,
    );
  });

  it('a service-referenced webhook served by a pod process mutates the pods a Deployment creates', async () => {
    const tls = ca.serverCert(['injector.hooks.svc']);
    await apply('injector', JSON.stringify(injectorManifests(tls)));
    const ready = await h.run(
      ['wait', '-n', 'hooks', 'pod/injector', '--for=condition=Ready', '--timeout=60s'],
      {
        timeoutMs: 70_000,
      },
    );
    assert.equal(ready.code, 0, ready.stderr);
    await apply(
      'injector-config',
      configuration('Mutating', 'injector', [
        {
          name: 'inject.meshdeck.test',
          clientConfig: {
            service: { namespace: 'hooks', name: 'injector', path: '/inject' },
            caBundle: ca.bundle,
          },
          rules: [rule(['pods'])],
          objectSelector: { matchLabels: { inject: 'yes' } },
        },
      ]),
    );
    await apply(
      'web',
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'plain' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web', inject: 'yes' } },
            spec: { containers: [{ name: 'web', image: 'nginx' }] },
          },
        },
      }),
    );
    const pods = await eventually(
      async () => {
        const r = await h.run(['get', 'pods', '-n', 'plain', '-l', 'inject=yes', '-o', 'json']);
        const items = (JSON.parse(r.stdout) as { items: Array<{ metadata: PodMeta }> }).items;
        return items.length === 2 && items.every((p) => p.metadata.labels.injected === 'yes')
          ? items
          : undefined;
      },
      60_000,
      'two injected pods',
    );
    for (const p of pods) {
      assert.equal(
        p.metadata.annotations['admitted-user'],
        'system:serviceaccount:kube-system:replicaset-controller',
      );
      assert.equal(p.metadata.annotations['admitted-name'], '', 'a generateName create has no name yet');
    }

    // A StatefulSet's pods are named before admission.
    await apply(
      'db',
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'plain' },
        spec: {
          replicas: 1,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db', inject: 'yes' } },
            spec: { containers: [{ name: 'db', image: 'postgres' }] },
          },
        },
      }),
    );
    const db = await eventually(
      async () => {
        const r = await h.run(['get', 'pod', 'db-0', '-n', 'plain', '-o', 'json']);
        return r.code === 0 ? (JSON.parse(r.stdout) as { metadata: PodMeta }).metadata : undefined;
      },
      60_000,
      'pod db-0',
    );
    assert.equal(db.labels.injected, 'yes');
    assert.equal(db.annotations['admitted-user'], 'system:serviceaccount:kube-system:statefulset-controller');
    assert.equal(db.annotations['admitted-name'], 'db-0');
  });
});

type PodMeta = { labels: Record<string, string>; annotations: Record<string, string> };

/** The webhook pod: node serving HTTPS on its pod IP, adding a label and who asked. */
function injectorManifests(tls: { cert: string; key: string }): unknown {
  const script = `
const https = require('node:https');
https.createServer({ cert: process.env.CERT, key: process.env.KEY }, (req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const r = JSON.parse(body).request;
    const patch = [
      { op: 'add', path: '/metadata/labels/injected', value: 'yes' },
      { op: 'add', path: '/metadata/annotations', value: { 'admitted-user': r.userInfo.username, 'admitted-name': r.name || '' } },
    ];
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
      response: { uid: r.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') } }));
  });
}).listen(8443, process.env.POD_IP);
`;
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'injector', namespace: 'hooks', labels: { app: 'injector' } },
        spec: {
          containers: [
            {
              name: 'injector',
              image: 'node',
              command: ['node', '-e', script],
              env: [
                { name: 'CERT', value: tls.cert },
                { name: 'KEY', value: tls.key },
                { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              ],
              ports: [{ name: 'https', containerPort: 8443 }],
            },
          ],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'injector', namespace: 'hooks' },
        spec: { selector: { app: 'injector' }, ports: [{ port: 443, targetPort: 'https' }] },
      },
    ],
  };
}
