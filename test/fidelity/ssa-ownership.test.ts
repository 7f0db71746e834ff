// Issue 17 class 2: server-side apply ownership as the apiserver keeps it. Changes through the scale
// subresource and updates by a named field manager own what they changed, so a later apply conflicts
// with them (409 worded as the apiserver's); --force-conflicts moves ownership; kubectl's upgrade from
// client-side to server-side apply (csaupgrade, and the apiserver's own last-applied upgrade) takes
// over kubectl-client-side-apply's fields; the Python dynamic client sees the same.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, raw, testSandbox, type TestSandbox } from './helpers.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox({ controllers: false });
});
after(() => ts.stop());

const deployment = (name: string, replicas: number, image = 'nginx') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: ${image}}]}
`;

interface Entry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: Record<string, Record<string, unknown>>;
}

async function managedFields(name: string): Promise<Entry[]> {
  const r = await raw(ts, `/apis/apps/v1/namespaces/default/deployments/${name}`);
  return r.json().metadata.managedFields as Entry[];
}

const ownsReplicas = (e: Entry | undefined) => e?.fieldsV1['f:spec']?.['f:replicas'] !== undefined;

describe('server-side apply ownership (issue 17, class 2)', () => {
  for (const version of KUBECTL_VERSIONS) {
    const v = version.replace('.', '');
    it(`kubectl ${version}: a scale takes spec.replicas; apply conflicts with it until --force-conflicts`, async () => {
      const h = ts.home();
      const name = `scaled-${v}`;
      const file = h.file(`${name}.yaml`, deployment(name, 2));
      assert.equal((await h.run(['apply', '--server-side', '-f', file], { version })).code, 0);
      const scaled = await h.run(['scale', `deploy/${name}`, '--replicas=5'], { version });
      assert.equal(scaled.code, 0, scaled.stderr);
      const entries = await managedFields(name);
      const scaler = entries.find((e) => e.subresource === 'scale');
      assert.equal(scaler?.operation, 'Update');
      assert.deepEqual(scaler?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
      assert.ok(!ownsReplicas(entries.find((e) => e.operation === 'Apply')));

      const conflict = await h.run(['apply', '--server-side', '-f', file], { version });
      assert.equal(conflict.code, 1);
      assert.match(
        conflict.stderr,
        new RegExp(
          `Apply failed with 1 conflict: conflict with "${scaler?.manager ?? ''}" with subresource "scale" using apps/v1: \\.spec\\.replicas`,
        ),
      );
      const forced = await h.run(['apply', '--server-side', '--force-conflicts', '-f', file], { version });
      assert.equal(forced.code, 0, forced.stderr);
      const after = await managedFields(name);
      assert.ok(ownsReplicas(after.find((e) => e.manager === 'kubectl' && e.operation === 'Apply')));
      assert.equal(
        after.find((e) => e.subresource === 'scale'),
        undefined,
        'the scaler owns nothing any more',
      );
    });

    it(`kubectl ${version}: client-side apply, then apply --server-side takes over without conflicts`, async () => {
      const h = ts.home();
      const name = `upgraded-${v}`;
      assert.equal(
        (await h.run(['apply', '-f', h.file('a.yaml', deployment(name, 2))], { version })).code,
        0,
      );
      const before = await managedFields(name);
      assert.ok(ownsReplicas(before.find((e) => e.manager === 'kubectl-client-side-apply')));
      const upgraded = await h.run(
        ['apply', '--server-side', '-f', h.file('b.yaml', deployment(name, 3, 'nginx:1.27'))],
        {
          version,
        },
      );
      assert.equal(upgraded.code, 0, upgraded.stderr);
      const after = await managedFields(name);
      assert.equal(
        after.find((e) => e.manager === 'kubectl-client-side-apply'),
        undefined,
        JSON.stringify(after),
      );
      const applier = after.find((e) => e.manager === 'kubectl' && e.operation === 'Apply');
      assert.ok(ownsReplicas(applier));
      const live = (await raw(ts, `/apis/apps/v1/namespaces/default/deployments/${name}`)).json();
      assert.equal(live.spec.replicas, 3);
      assert.equal(live.spec.template.spec.containers[0].image, 'nginx:1.27');
    });
  }

  it('an update by a named field manager owns what it changed; several conflicts are listed by manager', async () => {
    const h = ts.home();
    const file = h.file('tuned.yaml', deployment('tuned', 2));
    assert.equal((await h.run(['apply', '--server-side', '-f', file])).code, 0);
    const patched = await h.run([
      'patch',
      'deploy/tuned',
      '--field-manager=tuner',
      '-p',
      '{"spec":{"replicas":4}}',
    ]);
    assert.equal(patched.code, 0, patched.stderr);
    const image = await raw(ts, '/apis/apps/v1/namespaces/default/deployments/tuned?fieldManager=imager', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
      body: '{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}}}',
    });
    assert.equal(image.status, 200, image.text);
    const conflict = await raw(
      ts,
      '/apis/apps/v1/namespaces/default/deployments/tuned?fieldManager=kubectl',
      {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
        body: deployment('tuned', 2),
      },
    );
    assert.equal(conflict.status, 409);
    const status = conflict.json();
    assert.equal(status.reason, 'Conflict');
    assert.equal(
      status.message,
      'Apply failed with 2 conflicts: conflicts with "imager" using apps/v1:\n- .spec.template.spec.containers[name="c"].image\nconflicts with "tuner" using apps/v1:\n- .spec.replicas',
    );
    assert.deepEqual(
      status.details.causes.map((c: { message: string; field: string }) => [c.message, c.field]).sort(),
      [
        ['conflict with "imager" using apps/v1', '.spec.template.spec.containers[name="c"].image'],
        ['conflict with "tuner" using apps/v1', '.spec.replicas'],
      ],
    );
  });

  it('the apiserver upgrades client-side apply itself for manager kubectl, and keeps the annotation in step', async () => {
    const h = ts.home();
    assert.equal((await h.run(['apply', '-f', h.file('legacy.yaml', deployment('legacy', 2))])).code, 0);
    // Another manager may not take kubectl-client-side-apply's fields without force.
    const other = await raw(ts, '/apis/apps/v1/namespaces/default/deployments/legacy?fieldManager=other', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: deployment('legacy', 5),
    });
    assert.equal(other.status, 409);
    assert.equal(
      other.json().message,
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    // kubectl's own manager may, for fields whose values still match the last-applied annotation.
    const upgraded = await raw(
      ts,
      '/apis/apps/v1/namespaces/default/deployments/legacy?fieldManager=kubectl',
      {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
        body: deployment('legacy', 5),
      },
    );
    assert.equal(upgraded.status, 200, upgraded.text);
    const live = upgraded.json();
    assert.equal(live.spec.replicas, 5);
    const annotation = JSON.parse(
      live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'],
    );
    assert.equal(annotation.spec.replicas, 5);
    const csa = (live.metadata.managedFields as Entry[]).find(
      (e) => e.manager === 'kubectl-client-side-apply',
    );
    assert.ok(!ownsReplicas(csa));
  });

  it('the Python dynamic client: a conflicting server_side_apply is 409; force_conflicts=True moves ownership', async (t) => {
    if (!needPrograms(t, PYTHON_KUBERNETES)) return;
    const r = await ts.home().python(`
import json
from kubernetes import client, config, dynamic
config.load_kube_config()
dyn = dynamic.DynamicClient(client.ApiClient())
deps = dyn.resources.get(api_version="apps/v1", kind="Deployment")
def body(replicas):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "py-owned", "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "py"}},
                     "template": {"metadata": {"labels": {"app": "py"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
# python3-kubernetes 22 sends an apply patch only when the body is already serialized.
def apply(replicas, manager, **kw):
    return deps.server_side_apply(body=json.dumps(body(replicas)), name="py-owned", namespace="default", field_manager=manager, **kw)
apply(1, "py-first")
try:
    apply(2, "py-second", force_conflicts=False)
    conflict = None
except client.exceptions.ApiException as e:
    conflict = [e.status, json.loads(e.body)["message"]]
forced = apply(2, "py-second", force_conflicts=True)
owners = {m["manager"]: "f:replicas" in m["fieldsV1"].get("f:spec", {}) for m in forced.to_dict()["metadata"]["managedFields"]}
print(json.dumps({"conflict": conflict, "replicas": forced.spec.replicas, "owners": owners}))
`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      conflict: [409, 'Apply failed with 1 conflict: conflict with "py-first": .spec.replicas'],
      replicas: 2,
      owners: { 'py-first': false, 'py-second': true },
    });
  });
});
