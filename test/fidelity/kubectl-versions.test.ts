// The everyday kubectl commands, with kubectl 1.27, 1.32 and 1.33: each generation asks for discovery
// and OpenAPI differently (§1.3, §1.4), so each runs the same script against its own namespace.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, Streaming, testSandbox, type KubectlHome, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox();
});
after(() => ts.stop());

const deployment = (ns: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: ${image}}]}
`;

const crd = (group: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: sprockets.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: sprockets, singular: sprocket, kind: Sprocket, shortNames: [spr]}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns: [{name: Teeth, type: integer, jsonPath: .spec.teeth}]
    schema:
      openAPIV3Schema:
        type: object
        description: A sprocket for the tests.
        properties:
          spec:
            type: object
            required: [teeth]
            properties:
              teeth: {type: integer, description: How many teeth it has.}
`;

for (const version of KUBECTL_VERSIONS) {
  describe(`kubectl ${version}`, () => {
    const ns = `v${version.replace('.', '-')}`;
    let h: KubectlHome;
    const run = (args: string[]) => h.run(args, { version });
    before(async () => {
      h = ts.home();
      assert.equal((await run(['create', 'namespace', ns])).code, 0);
    });

    it('version and api-resources', async () => {
      const v = await run(['version', '-o', 'json']);
      assert.equal(v.code, 0, v.stderr);
      assert.equal(JSON.parse(v.stdout).serverVersion.gitVersion, 'v1.32.0');
      const r = await run(['api-resources', '--api-group=apps', '-o', 'name']);
      assert.deepEqual(r.stdout.trim().split('\n'), [
        'controllerrevisions.apps',
        'daemonsets.apps',
        'deployments.apps',
        'replicasets.apps',
        'statefulsets.apps',
      ]);
    });

    it('apply (client-side), get as a table, get -w', async () => {
      const file = h.file(`d-${ns}.yaml`, deployment(ns, 'nginx:1.25'));
      assert.equal((await run(['apply', '-f', file])).stdout, 'deployment.apps/web created\n');
      const rollout = await run(['rollout', 'status', 'deploy/web', '-n', ns, '--timeout=20s']);
      assert.match(rollout.stdout, /deployment "web" successfully rolled out/, rollout.stderr);
      const w = new Streaming(h, ['get', 'deployments', '-n', ns, '-w'], version);
      await w.waitFor(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+1\/1\s+1\s+1\s+\d+s\n/);
      h.file(`d-${ns}.yaml`, deployment(ns, 'nginx:1.26'));
      assert.equal((await run(['apply', '-f', file])).stdout, 'deployment.apps/web configured\n');
      // The rolling update shows as new rows (the template changed, then the counters move).
      await w.waitFor(/\nweb\s+1\/1\s+1\s+1\s+\d+s\nweb\s/);
      await w.kill();
      await run(['rollout', 'status', 'deploy/web', '-n', ns, '--timeout=20s']);
      const wide = await run(['get', 'deploy', 'web', '-n', ns, '-o', 'wide']);
      assert.match(
        wide.stdout,
        /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\nweb\s+1\/1\s+1\s+1\s+\S+\s+c\s+nginx:1\.26\s+app=web\n$/,
      );
    });

    it('apply --server-side and --dry-run=server', async () => {
      const file = h.file(
        `cm-${ns}.yaml`,
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${ns}}\ndata: {level: "1"}\n`,
      );
      assert.equal(
        (await run(['apply', '--server-side', '-f', file])).stdout,
        'configmap/settings serverside-applied\n',
      );
      h.file(
        `cm-${ns}.yaml`,
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${ns}}\ndata: {level: "2"}\n`,
      );
      const dry = await run(['apply', '--dry-run=server', '-f', file]);
      assert.equal(dry.stdout, 'configmap/settings configured (server dry run)\n', dry.stderr);
      assert.equal(
        (await run(['get', 'cm', 'settings', '-n', ns, '-o', 'jsonpath={.data.level}'])).stdout,
        '1',
      );
    });

    it('scale, auth can-i, explain', async () => {
      assert.equal(
        (await run(['scale', 'deploy/web', '-n', ns, '--replicas=4'])).stdout,
        'deployment.apps/web scaled\n',
      );
      assert.equal(
        (await run(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.replicas}'])).stdout,
        '4',
      );
      assert.equal((await run(['auth', 'can-i', 'delete', 'deployments', '-n', ns])).stdout, 'yes\n');
      const explain = await run(['explain', 'deployment.spec.replicas']);
      assert.equal(explain.code, 0, explain.stderr);
      assert.match(explain.stdout, /KIND:\s+Deployment/);
      assert.match(explain.stdout, /replicas\s+<integer>/);
    });

    it('a CRD created and used at once, explained from its schema', async () => {
      const group = `${ns}.example.com`;
      assert.equal((await run(['apply', '-f', h.file(`crd-${ns}.yaml`, crd(group))])).code, 0);
      const cr = h.file(
        `cr-${ns}.yaml`,
        `apiVersion: ${group}/v1\nkind: Sprocket\nmetadata: {name: s1, namespace: ${ns}}\nspec: {teeth: 12}\n`,
      );
      const created = await run(['apply', '-f', cr]);
      assert.equal(created.stdout, `sprocket.${group}/s1 created\n`, created.stderr);
      const get = await run(['get', `sprockets.${group}`, '-n', ns]);
      assert.match(get.stdout, /^NAME\s+TEETH\ns1\s+12\n$/);
      const explain = await run(['explain', `sprockets.${group}.spec`]);
      assert.equal(explain.code, 0, explain.stderr);
      assert.match(explain.stdout, /teeth\s+<integer> -required-\n\s+How many teeth it has\./);
    });

    it('delete waits until the object is gone', async () => {
      const del = await run(['delete', 'deployment', 'web', '-n', ns]);
      assert.equal(del.stdout, 'deployment.apps "web" deleted\n', del.stderr);
      const get = await run(['get', 'deployment', 'web', '-n', ns]);
      assert.equal(get.stderr.trim(), 'Error from server (NotFound): deployments.apps "web" not found');
    });
  });
}
