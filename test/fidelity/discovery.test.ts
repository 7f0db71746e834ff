// Spec §5 tests 1-7: version, discovery (legacy and aggregated), OpenAPI, dry run, CRDs used at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { raw, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox();
});
after(() => ts.stop());

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx:1.25}]}
`;

describe('discovery and OpenAPI (fidelity 1-7)', () => {
  it('1: kubectl version prints the server version from GET /version', async () => {
    const r = await ts.home().run(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Server Version: v1\.32\.0/);
    assert.ok(ts.requests.some((q) => q.url.startsWith('/version') && q.status === 200));
  });

  it('2: kubectl api-resources lists pods, deployments, namespaces and CRDs with their short names', async () => {
    const r = await ts.home().run(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    const row = (name: string) =>
      r.stdout
        .split('\n')
        .find((l) => l.startsWith(`${name} `))
        ?.trim()
        .split(/\s+/);
    assert.deepEqual(row('pods'), ['pods', 'po', 'v1', 'true', 'Pod']);
    assert.deepEqual(row('deployments'), ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    assert.deepEqual(row('namespaces'), ['namespaces', 'ns', 'v1', 'false', 'Namespace']);
    assert.deepEqual(row('customresourcedefinitions'), [
      'customresourcedefinitions',
      'crd,crds',
      'apiextensions.k8s.io/v1',
      'false',
      'CustomResourceDefinition',
    ]);
  });

  it('3: kubectl get all lists pods, services, deployments and replicasets (the "all" category)', async () => {
    const h = ts.home();
    assert.equal((await h.run(['apply', '-f', h.file('d.yaml', DEPLOY)])).code, 0);
    const rs = `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-1, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx:1.25}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1-abcde, labels: {app: web}}
spec: {containers: [{name: c, image: nginx:1.25}]}
`;
    assert.equal((await h.run(['apply', '-f', h.file('rs.yaml', rs)])).code, 0);
    const r = await h.run(['get', 'all']);
    assert.equal(r.code, 0, r.stderr);
    for (const name of [
      'pod/web-1-abcde',
      'service/kubernetes',
      'deployment.apps/web',
      'replicaset.apps/web-1',
    ]) {
      assert.match(
        r.stdout,
        new RegExp(`^${name.replace('.', '\\.')}\\s`, 'm'),
        `${name} missing in:\n${r.stdout}`,
      );
    }
  });

  it('4: kubectl 1.32 gets aggregated discovery and then asks no group version one by one', async () => {
    const before = ts.requests.length;
    const r = await ts.home().run(['api-resources'], { version: '1.32' });
    assert.equal(r.code, 0, r.stderr);
    const seen = ts.requests.slice(before);
    const apis = seen.find((q) => q.url.startsWith('/apis?') || q.url === '/apis');
    assert.ok(apis, 'GET /apis was not sent');
    assert.match(apis.accept ?? '', /as=APIGroupDiscoveryList/);
    const perGroup = seen.filter((q) => /^\/(api\/v1|apis\/[^/?]+\/[^/?]+)(\?|$)/.test(q.url));
    assert.deepEqual(
      perGroup.map((q) => q.url),
      [],
    );

    const res = await raw(ts, '/apis', {
      headers: {
        Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      },
    });
    assert.equal(
      res.headers['content-type'],
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    const body = res.json();
    assert.equal(body.kind, 'APIGroupDiscoveryList');
    const apps = body.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
    const deployments = apps.versions[0].resources.find(
      (x: { resource: string }) => x.resource === 'deployments',
    );
    assert.deepEqual(deployments.responseKind, { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.deepEqual(deployments.subresources.map((s: { subresource: string }) => s.subresource).sort(), [
      'scale',
      'status',
    ]);
    // A plain JSON Accept gets the legacy document, never a v2 content type with a legacy body.
    const legacy = await raw(ts, '/apis', { headers: { Accept: 'application/json' } });
    assert.equal(legacy.headers['content-type'], 'application/json');
    assert.equal(legacy.json().kind, 'APIGroupList');
  });

  it('5: kubectl apply validates with OpenAPI; /openapi/v2 is protobuf served as octet-stream', async () => {
    const h = ts.home();
    const pod = h.file(
      'pod.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p5}\nspec: {containers: [{name: c, image: nginx}]}\n',
    );
    const r = await h.run(['apply', '--validate=true', '-f', pod]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'pod/p5 created\n');
    const v2 = await raw(ts, '/openapi/v2', {
      headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    assert.equal(v2.status, 200);
    assert.equal(v2.headers['content-type'], 'application/octet-stream');
    assert.equal(v2.body[0], 0x0a, 'field 1 (swagger) comes first');
    assert.ok(v2.body.includes('/apis/apps/v1/namespaces/{namespace}/deployments/{name}'));
    assert.ok(v2.body.includes('x-kubernetes-group-version-kind'));
    const v3 = (await raw(ts, '/openapi/v3')).json();
    assert.match(v3.paths['apis/apps/v1'].serverRelativeURL, /^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
  });

  it('6: kubectl apply --dry-run=server creates nothing', async () => {
    const h = ts.home();
    const r = await h.run([
      'apply',
      '--dry-run=server',
      '-f',
      h.file('d.yaml', DEPLOY.replace('name: web', 'name: dry')),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deployment.apps/dry created (server dry run)\n');
    assert.ok(ts.requests.some((q) => q.url.includes('/deployments?') && q.url.includes('dryRun=All')));
    const get = await h.run(['get', 'deployment', 'dry']);
    assert.equal(get.code, 1);
    assert.equal(get.stderr.trim(), 'Error from server (NotFound): deployments.apps "dry" not found');
  });

  it('7: a CRD applied and established is usable at once, by plural and short name, in the same HOME', async () => {
    const h = ts.home();
    assert.equal((await h.run(['get', 'pods'])).code, 0); // warms the discovery cache first
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
`;
    assert.equal((await h.run(['apply', '-f', h.file('crd.yaml', crd)])).code, 0);
    const wait = await h.run([
      'wait',
      '--for',
      'condition=established',
      'crd/widgets.example.com',
      '--timeout=10s',
    ]);
    assert.equal(wait.code, 0, wait.stderr);
    assert.match(wait.stdout, /condition met/);
    const w = await h.run([
      'apply',
      '-f',
      h.file('w.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n'),
    ]);
    assert.equal(w.code, 0, w.stderr);
    const byPlural = await h.run(['get', 'widgets']);
    assert.equal(byPlural.code, 0, byPlural.stderr);
    assert.match(byPlural.stdout, /^NAME\s+AGE\nw1\s+\d+s\n$/);
    const byShort = await h.run(['get', 'wd', 'w1', '-o', 'jsonpath={.spec.size}']);
    assert.equal(byShort.stdout, '3');
  });
});
