// The permission preflight with restricted identities of the sandbox (a bearer token and a client
// certificate, given rights with real RBAC objects through kubectl): every missing permission is listed,
// exactly, before anything changes (exit 4), for apply, apply --prune and delete.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterHome, NO_TIMED_WRITES } from '../helpers/cluster.js';

let c: ClusterHome;
let tokenUser = '';
let certUser = '';
let maintainer = '';
let design = '';

before(async () => {
  c = await ClusterHome.start(NO_TIMED_WRITES);
  const setup = [
    ['create', 'namespace', 'shop'],
    // Configmaps in shop only, nothing else: enough to apply part of the design.
    ['create', 'role', 'configmaps', '-n', 'shop', '--verb=get,list,create,patch', '--resource=configmaps'],
    ['create', 'rolebinding', 'dev', '-n', 'shop', '--role=configmaps', '--user=dev'],
    ['create', 'rolebinding', 'devs', '-n', 'shop', '--role=configmaps', '--group=devs'],
    // Everything of the design in shop, except deleting it.
    [
      'create',
      'role',
      'no-delete',
      '-n',
      'shop',
      '--verb=get,list,watch,create,patch',
      '--resource=configmaps,services,deployments.apps',
    ],
    ['create', 'rolebinding', 'maintainer', '-n', 'shop', '--role=no-delete', '--user=maintainer'],
  ];
  for (const args of setup) {
    const r = await c.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  }
  tokenUser = c.kubeconfigFor({ user: 'dev' });
  certUser = c.kubeconfigFor({ user: 'carol', groups: ['devs'] }, 'cert');
  maintainer = c.kubeconfigFor({ user: 'maintainer' });
  design = c.file(
    'shop.yaml',
    `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {a: "1"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, protocol: TCP}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: shop-reader}
rules: []
`,
  );
});
after(() => c.stop());

const MISSING_FOR_APPLY = [
  'missing: create namespaces (cluster-wide)',
  'missing: patch namespaces (cluster-wide)',
  'missing: create clusterroles.rbac.authorization.k8s.io (cluster-wide)',
  'missing: patch clusterroles.rbac.authorization.k8s.io (cluster-wide)',
  'missing: create services in namespace shop',
  'missing: patch services in namespace shop',
  'missing: create deployments.apps in namespace shop',
  'missing: patch deployments.apps in namespace shop',
];

/** The "missing: ..." lines of an error, in order. */
const missingLines = (stderr: string) =>
  stderr.split('\n').flatMap((l) => /^ {2}(missing: .*)$/.exec(l)?.[1] ?? []);

describe('the permission preflight', () => {
  for (const [who, kubeconfig] of [
    ['a token user', () => tokenUser],
    ['a client-certificate user (by group)', () => certUser],
  ] as const) {
    it(`lists exactly what ${who} may not do, exit 4, and changes nothing`, async () => {
      const rv = c.sandbox.stats().resourceVersion;
      const mark = c.mark();
      const r = await c.meshdeck(['design', 'apply', '-f', design, '--kubeconfig', kubeconfig()]);
      assert.equal(r.code, 4, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        /^error: not permitted to apply design "shop": 8 permissions missing; nothing was changed$/m,
      );
      assert.deepEqual(missingLines(r.stderr), MISSING_FOR_APPLY);
      assert.match(r.stderr, /hint: ask an admin of kube context "[^"]+" in .* for these permissions/);
      assert.deepEqual(mark.changes(), [], 'only reads and access reviews were sent');
      const reviews = mark.all().filter((q) => /selfsubjectaccessreviews/.test(q.url));
      assert.equal(reviews.length, 10, 'one review per verb, resource and namespace');
      assert.equal(c.sandbox.stats().resourceVersion, rv);
    });
  }

  it('lets the same user apply what it may (the configmap alone)', async () => {
    const only = c.file(
      'settings.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {a: "1"}\n',
    );
    const r = await c.meshdeck(['design', 'apply', '-f', only, '--name', 'shop', '--kubeconfig', tokenUser]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^configmap\/settings -n shop created$/m);
  });

  it('asks for delete before pruning, and for delete, list and watch before deleting', async () => {
    const admin = await c.meshdeck(['design', 'apply', '-f', design]);
    assert.equal(admin.code, 0, admin.stderr);
    const smaller = c.file(
      'smaller.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {a: "1"}\n',
    );
    const prune = await c.meshdeck([
      'design',
      'apply',
      '-f',
      smaller,
      '--name',
      'shop',
      '--prune',
      '--kubeconfig',
      maintainer,
    ]);
    assert.equal(prune.code, 4, prune.stderr);
    assert.deepEqual(missingLines(prune.stderr), [
      'missing: delete services in namespace shop',
      'missing: delete deployments.apps in namespace shop',
    ]);
    const deleting = await c.meshdeck([
      'design',
      'delete',
      '-f',
      smaller,
      '--name',
      'shop',
      '--kubeconfig',
      maintainer,
    ]);
    assert.equal(deleting.code, 4, deleting.stderr);
    assert.deepEqual(missingLines(deleting.stderr), [
      'missing: delete configmaps in namespace shop',
      'missing: delete services in namespace shop',
      'missing: delete deployments.apps in namespace shop',
    ]);

    const mark = c.mark();
    const del = await c.meshdeck([
      'design',
      'delete',
      '-f',
      smaller,
      '--name',
      'shop',
      '--kubeconfig',
      tokenUser,
    ]);
    assert.equal(del.code, 4, del.stderr);
    assert.match(
      del.stderr,
      /^error: not permitted to delete design "shop": \d+ permissions missing; nothing was changed$/m,
    );
    assert.deepEqual(missingLines(del.stderr), [
      'missing: delete configmaps in namespace shop',
      'missing: watch configmaps in namespace shop',
    ]);
    // The whole design: every kind it holds needs delete, list (to find it) and watch (to wait).
    const all = await c.meshdeck(['design', 'delete', '-f', design, '--kubeconfig', tokenUser]);
    assert.equal(all.code, 4, all.stderr);
    assert.deepEqual(missingLines(all.stderr), [
      'missing: delete namespaces (cluster-wide)',
      'missing: list namespaces (cluster-wide)',
      'missing: watch namespaces (cluster-wide)',
      'missing: delete clusterroles.rbac.authorization.k8s.io (cluster-wide)',
      'missing: list clusterroles.rbac.authorization.k8s.io (cluster-wide)',
      'missing: watch clusterroles.rbac.authorization.k8s.io (cluster-wide)',
      'missing: delete configmaps in namespace shop',
      'missing: watch configmaps in namespace shop',
      'missing: delete services in namespace shop',
      'missing: list services in namespace shop',
      'missing: watch services in namespace shop',
      'missing: delete deployments.apps in namespace shop',
      'missing: list deployments.apps in namespace shop',
      'missing: watch deployments.apps in namespace shop',
    ]);
    assert.match(
      all.stderr,
      /warning: cannot list namespaces, services, deployments\.apps, clusterroles\.rbac\.authorization\.k8s\.io and \d+ other kinds/,
    );
    assert.deepEqual(mark.changes(), []);
    assert.ok(await c.get(['configmap', 'settings', '-n', 'shop']));
  });
});
