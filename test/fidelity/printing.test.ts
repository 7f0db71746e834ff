// Issue 17 class 9: printing. describe service works (EndpointSlice ports carry their name) and the
// default/kubernetes Service has its Endpoints; kubectl explain reaches every field of a built-in kind
// (1.32's OpenAPI); field selectors of a 1.32 apiserver (unsupported ones: 400); rollout history shows
// the change-cause the Deployment controller copies to its ReplicaSet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually, KUBECTL_VERSIONS } from './helpers.js';
import { sharedSandbox } from './shared-sandbox.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';

const shared = sharedSandbox();
const kubectl = (args: string[], version?: string) => shared.kubectl(args, version);

for (const version of KUBECTL_VERSIONS) {
  describe(`printing with kubectl ${version}`, () => {
    it('describe service shows the endpoints, for default/kubernetes and a Service with an unnamed port', async () => {
      const k = await kubectl(['describe', 'service', 'kubernetes'], version);
      assert.match(k, /Endpoints:\s+127\.0\.0\.1:6443/);
      await shared.h.run(
        ['create', 'service', 'clusterip', `plain-${version.replace('.', '-')}`, '--tcp=80:8080'],
        {
          version,
        },
      );
      const d = await kubectl(['describe', 'service', `plain-${version.replace('.', '-')}`], version);
      assert.match(d, /TargetPort:\s+8080\/TCP/);
    });

    it('explain reaches nested fields of built-in kinds', async () => {
      const out = await kubectl(['explain', 'deployment.spec.template.spec.containers.resources'], version);
      assert.match(out, /ResourceRequirements describes the compute resource requirements/);
      assert.match(out, /\n\s+limits\s+<map/);
      const cj = await kubectl(['explain', 'cronjob.spec.timeZone'], version);
      assert.match(cj, /time zone name/);
    });

    it('field selectors of a 1.32 apiserver, and 400 for unsupported ones', async () => {
      const svc = await kubectl(
        [
          'get',
          'services',
          '-A',
          '--field-selector',
          'spec.type=ClusterIP,spec.clusterIP=10.96.0.1',
          '-o',
          'name',
        ],
        version,
      );
      assert.equal(svc.trim(), 'service/kubernetes');
      const bad = await shared.h.run(['get', 'services', '--field-selector', 'spec.ports=1'], { version });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /field label not supported: spec\.ports/);
    });
  });
}

it('rollout history shows the change-cause copied to the ReplicaSet', async () => {
  await kubectl(['create', 'deployment', 'cc', '--image=nginx:1.26']);
  await kubectl(['annotate', 'deployment', 'cc', 'kubernetes.io/change-cause=first image']);
  await eventually(
    async () => (await kubectl(['rollout', 'history', 'deployment/cc'])).includes('first image') || undefined,
    10_000,
    'change-cause 1',
  );
  await kubectl(['set', 'image', 'deployment/cc', 'nginx=nginx:1.27']);
  await kubectl(['annotate', 'deployment', 'cc', '--overwrite', 'kubernetes.io/change-cause=bump to 1.27']);
  const history = await eventually(
    async () => {
      const out = await kubectl(['rollout', 'history', 'deployment/cc']);
      return out.includes('bump to 1.27') ? out : undefined;
    },
    10_000,
    'change-cause 2',
  );
  assert.match(history, /1\s+first image/);
  assert.match(history, /2\s+bump to 1\.27/);
});

it('the Python client lists with field selectors', async (t) => {
  if (!needPrograms(t, PYTHON_KUBERNETES)) return;
  const r = await shared.ts.home().python(`
import json
from kubernetes import client, config
config.load_kube_config()
v1 = client.CoreV1Api()
names = [s.metadata.name for s in v1.list_service_for_all_namespaces(field_selector="spec.type=ClusterIP,metadata.namespace=default").items]
try:
    v1.list_namespaced_service("default", field_selector="spec.bogus=1")
    bad = None
except client.exceptions.ApiException as e:
    bad = e.status
ep = v1.read_namespaced_endpoints("kubernetes", "default")
print(json.dumps({"names": names, "bad": bad, "ep": ep.subsets[0].addresses[0].ip}))
`);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { names: string[]; bad: number; ep: string };
  assert.ok(out.names.includes('kubernetes'), r.stdout);
  assert.equal(out.bad, 400);
  assert.equal(out.ep, '127.0.0.1');
});
