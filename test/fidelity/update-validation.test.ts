// Issue 17 class 3: update validation as the apiserver enforces it, with its 422 bodies: immutable
// ConfigMaps and Secrets, a Secret's type and the keys its type requires, Service cluster IPs, a Pod's
// spec beyond its mutable fields, Job selectors and templates, Deployment selectors and StatefulSet
// fields; for kubectl (1.27, 1.32, 1.33) and the Python client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, raw, testSandbox, type TestSandbox } from './helpers.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox({ controllers: false });
});
after(() => ts.stop());

async function create(path: string, body: unknown): Promise<void> {
  const r = await raw(ts, path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 201, r.text);
}

async function mergePatch(path: string, patch: unknown) {
  return raw(ts, path, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify(patch),
  });
}

describe('update validation (issue 17, class 3)', () => {
  for (const version of KUBECTL_VERSIONS) {
    const v = version.replace('.', '');
    it(`kubectl ${version}: an immutable ConfigMap, a Deployment selector and a Pod spec refuse changes`, async () => {
      const h = ts.home();
      const cm = h.file(
        'cm.yaml',
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen-${v}}\nimmutable: true\ndata: {k: v}\n`,
      );
      assert.equal((await h.run(['apply', '-f', cm], { version })).code, 0);
      const patched = await h.run(['patch', 'cm', `frozen-${v}`, '-p', '{"data":{"k":"w"}}'], { version });
      assert.equal(patched.code, 1);
      assert.match(
        patched.stderr,
        new RegExp(
          `The ConfigMap "frozen-${v}" is invalid: data: Forbidden: field is immutable when \`immutable\` is set`,
        ),
      );
      const labelled = await h.run(['label', 'cm', `frozen-${v}`, 'tier=cold'], { version });
      assert.equal(labelled.code, 0, 'metadata stays mutable');

      const dep = (app: string) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: sel-${v}}\nspec:\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec: {containers: [{name: c, image: nginx}]}\n`;
      assert.equal((await h.run(['apply', '-f', h.file('d1.yaml', dep('a'))], { version })).code, 0);
      const moved = await h.run(['apply', '-f', h.file('d2.yaml', dep('b'))], { version });
      assert.equal(moved.code, 1);
      assert.match(
        moved.stderr,
        /spec\.selector: Invalid value: v1\.LabelSelector\{MatchLabels:map\[string\]string\{"app":"b"\}, MatchExpressions:\[\]v1\.LabelSelectorRequirement\(nil\)\}: field is immutable/,
      );

      const pod = (image: string, port: number) =>
        `apiVersion: v1\nkind: Pod\nmetadata: {name: fixed-${v}}\nspec:\n  containers: [{name: c, image: ${image}, ports: [{containerPort: ${port}}]}]\n`;
      assert.equal((await h.run(['apply', '-f', h.file('p1.yaml', pod('nginx', 80))], { version })).code, 0);
      const newImage = await h.run(['apply', '-f', h.file('p2.yaml', pod('nginx:1.27', 80))], { version });
      assert.equal(newImage.code, 0, newImage.stderr);
      const newPort = await h.run(['apply', '-f', h.file('p3.yaml', pod('nginx:1.27', 8080))], { version });
      assert.equal(newPort.code, 1);
      assert.match(
        newPort.stderr,
        /The Pod "fixed-\d+" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,`spec\.initContainers\[\*\]\.image`,`spec\.activeDeadlineSeconds`,`spec\.tolerations` \(only additions to existing tolerations\),`spec\.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)/,
      );
    });
  }

  it('an immutable Secret: 422 with the apiserver body; the type may not change; its required keys', async () => {
    await create('/api/v1/namespaces/default/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sealed' },
      immutable: true,
      data: { k: 'dg==' },
    });
    const r = await mergePatch('/api/v1/namespaces/default/secrets/sealed', {
      data: { k: 'dw==' },
      immutable: false,
    });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Secret "sealed" is invalid: [immutable: Forbidden: field is immutable when `immutable` is set, data: Forbidden: field is immutable when `immutable` is set]',
      reason: 'Invalid',
      details: {
        name: 'sealed',
        kind: 'Secret',
        causes: [
          {
            reason: 'FieldValueForbidden',
            message: 'Forbidden: field is immutable when `immutable` is set',
            field: 'immutable',
          },
          {
            reason: 'FieldValueForbidden',
            message: 'Forbidden: field is immutable when `immutable` is set',
            field: 'data',
          },
        ],
      },
      code: 422,
    });

    await create('/api/v1/namespaces/default/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'plain' },
    });
    const retyped = await mergePatch('/api/v1/namespaces/default/secrets/plain', {
      type: 'kubernetes.io/basic-auth',
      data: { username: 'dQ==' },
    });
    assert.equal(retyped.status, 422);
    assert.equal(
      retyped.json().message,
      'Secret "plain" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    );

    const h = ts.home();
    const tls = h.file(
      'tls.yaml',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: half}\ntype: kubernetes.io/tls\ndata: {tls.crt: Y2VydA==}\n',
    );
    const refused = await h.run(['create', '-f', tls]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /The Secret "half" is invalid: data\[tls\.key\]: Required value/);
    const sat = await raw(ts, '/api/v1/namespaces/default/secrets', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'tok' },
        type: 'kubernetes.io/service-account-token',
      }),
    });
    assert.equal(sat.status, 422);
    assert.equal(
      sat.json().message,
      'Secret "tok" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value',
    );
    const docker = await raw(ts, '/api/v1/namespaces/default/secrets', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'reg' },
        type: 'kubernetes.io/dockerconfigjson',
        data: {},
      }),
    });
    assert.equal(docker.json().message, 'Secret "reg" is invalid: data[.dockerconfigjson]: Required value');
    const basic = await raw(ts, '/api/v1/namespaces/default/secrets', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'ba' },
        type: 'kubernetes.io/basic-auth',
        stringData: { password: 'p' },
      }),
    });
    assert.equal(basic.status, 201, 'basic-auth needs username or password');
  });

  it('a Service keeps its cluster IP: a change is 422, an update that omits it keeps it', async () => {
    await create('/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'front' },
      spec: { selector: { app: 'front' }, ports: [{ port: 80 }] },
    });
    const svc = (await raw(ts, '/api/v1/namespaces/default/services/front')).json();
    const changed = await mergePatch('/api/v1/namespaces/default/services/front', {
      spec: { clusterIP: '10.96.200.200', clusterIPs: null },
    });
    assert.equal(changed.status, 422);
    assert.equal(
      changed.json().message,
      'Service "front" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.200.200"}: may not change once set',
    );
    const { clusterIP: _ip, clusterIPs: _ips, ...spec } = svc.spec;
    const replaced = await raw(ts, '/api/v1/namespaces/default/services/front', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...svc, spec: { ...spec, ports: [{ port: 81 }] } }),
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.json().spec.clusterIP, svc.spec.clusterIP);
  });

  it('Job template and selector, StatefulSet fields beyond the mutable ones, Pod mutable fields', async () => {
    await create('/apis/batch/v1/namespaces/default/jobs', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const job = await mergePatch('/apis/batch/v1/namespaces/default/jobs/once', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } },
    });
    assert.equal(job.status, 422);
    assert.equal(
      job.json().message,
      'Job.batch "once" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable',
    );
    const jobSelector = await mergePatch('/apis/batch/v1/namespaces/default/jobs/once', {
      spec: { selector: { matchLabels: { x: 'y' } } },
    });
    assert.equal(jobSelector.status, 422);
    assert.match(
      jobSelector.json().message,
      /spec\.selector: Invalid value: v1\.LabelSelector\{MatchLabels:map\[string\]string\{"x":"y"\}.*: field is immutable/,
    );

    await create('/apis/apps/v1/namespaces/default/statefulsets', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        replicas: 1,
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'c', image: 'postgres' }] },
        },
      },
    });
    const scaled = await mergePatch('/apis/apps/v1/namespaces/default/statefulsets/db', {
      spec: { replicas: 3, minReadySeconds: 5 },
    });
    assert.equal(scaled.status, 200, scaled.text);
    const renamed = await mergePatch('/apis/apps/v1/namespaces/default/statefulsets/db', {
      spec: { serviceName: 'other' },
    });
    assert.equal(renamed.status, 422);
    assert.equal(
      renamed.json().message,
      "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );

    await create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'tolerant' },
      spec: { activeDeadlineSeconds: 100, containers: [{ name: 'c', image: 'nginx' }] },
    });
    const tolerated = await mergePatch('/api/v1/namespaces/default/pods/tolerant', {
      spec: { tolerations: [{ key: 'k', operator: 'Exists' }], activeDeadlineSeconds: 50 },
    });
    assert.equal(tolerated.status, 200, tolerated.text);
    const longer = await mergePatch('/api/v1/namespaces/default/pods/tolerant', {
      spec: { activeDeadlineSeconds: 500 },
    });
    assert.equal(longer.status, 422);
    assert.equal(
      longer.json().message,
      'Pod "tolerant" is invalid: spec.activeDeadlineSeconds: Invalid value: 500: must be less than or equal to previous value',
    );
    const dropped = await mergePatch('/api/v1/namespaces/default/pods/tolerant', {
      spec: { tolerations: null },
    });
    assert.equal(dropped.status, 422);
    assert.match(
      dropped.json().message,
      /spec\.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds/,
    );
  });

  it('the Python client meets the same 422s', async (t) => {
    if (!needPrograms(t, PYTHON_KUBERNETES)) return;
    const r = await ts.home().python(`
import json
from kubernetes import client, config
config.load_kube_config()
v1 = client.CoreV1Api()
v1.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-frozen"), data={"k": "v"}, immutable=True))
try:
    v1.patch_namespaced_config_map("py-frozen", "default", {"data": {"k": "w"}})
    out = None
except client.exceptions.ApiException as e:
    body = json.loads(e.body)
    out = [e.status, body["reason"], body["message"], body["details"]["causes"]]
print(json.dumps(out))
`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      422,
      'Invalid',
      'ConfigMap "py-frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
      [
        {
          reason: 'FieldValueForbidden',
          message: 'Forbidden: field is immutable when `immutable` is set',
          field: 'data',
        },
      ],
    ]);
  });
});
