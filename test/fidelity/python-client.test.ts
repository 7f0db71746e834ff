// The official Python client (python3-kubernetes) as a third real client: the basics it relies on.
// Each fidelity class adds its own Python cases beside its kubectl ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testSandbox, type TestSandbox } from './helpers.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox();
});
after(async () => {
  await ts.stop();
});

test('the Python client lists namespaces and creates, reads and deletes a ConfigMap', async (t) => {
  if (!needPrograms(t, PYTHON_KUBERNETES)) return;
  const r = await ts.home().python(`
import json
from kubernetes import client, config
config.load_kube_config()
v1 = client.CoreV1Api()
names = sorted(n.metadata.name for n in v1.list_namespace().items)
cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py"), data={"k": "v"})
v1.create_namespaced_config_map("default", cm)
got = v1.read_namespaced_config_map("py", "default")
v1.delete_namespaced_config_map("py", "default")
try:
    v1.read_namespaced_config_map("py", "default")
    gone = None
except client.exceptions.ApiException as e:
    gone = e.status
print(json.dumps({"namespaces": names, "data": got.data, "gone": gone}))
`);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { namespaces: string[]; data: Record<string, string>; gone: number };
  assert.ok(out.namespaces.includes('default') && out.namespaces.includes('kube-system'), r.stdout);
  assert.deepEqual(out.data, { k: 'v' });
  assert.equal(out.gone, 404);
});
