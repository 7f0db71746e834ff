// Class 6: CRD validation as the apiextensions apiserver does it: x-kubernetes-validations (CEL) on
// create and update (transition rules with oldSelf on update only; message, messageExpression, reason,
// fieldPath), the Kubernetes CEL library, oneOf, defaults and pruning, with real Gateway API rules,
// through kubectl (three versions) and the official Python client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { KUBECTL_VERSIONS, eventually, testSandbox, type KubectlHome, type TestSandbox } from './helpers.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';
import { REPO_ROOT } from '../helpers/cli.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'crds');
let ts: TestSandbox;

before(async () => {
  ts = await testSandbox();
  const home = ts.home();
  for (const f of ['gateway-api-rules.yaml', 'widgets.yaml']) {
    const r = await home.run(['apply', '-f', join(FIXTURES, f)]);
    assert.equal(r.code, 0, r.stderr);
  }
  const w = await home.run(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=20s']);
  assert.equal(w.code, 0, w.stderr);
});
after(async () => {
  await ts.stop();
});

function gateway(name: string, listeners: unknown[], addresses?: unknown[]): string {
  return JSON.stringify({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'default' },
    spec: { gatewayClassName: 'mesh', listeners, ...(addresses ? { addresses } : {}) },
  });
}

async function create(home: KubectlHome, manifest: string, version?: string) {
  return home.run(['create', '-f', '-'], { input: manifest, version });
}

for (const version of KUBECTL_VERSIONS) {
  test(`kubectl ${version}: Gateway API listener rules reject what a real cluster rejects`, async () => {
    const home = ts.home();
    const v = version.replace('.', '');
    const tlsOnHttp = await create(
      home,
      gateway(`tls-http-${v}`, [
        { name: 'web', port: 80, protocol: 'HTTP', tls: { certificateRefs: [{ name: 'cert' }] } },
      ]),
      version,
    );
    assert.equal(tlsOnHttp.code, 1);
    assert.match(
      tlsOnHttp.stderr,
      /The Gateway "tls-http-\d+" is invalid: spec\.listeners: Invalid value: "array": tls must not be specified for protocols \['HTTP', 'TCP', 'UDP'\]/,
    );
    const twice = await create(
      home,
      gateway(`dup-${v}`, [
        { name: 'a', port: 80, protocol: 'HTTP' },
        { name: 'b', port: 80, protocol: 'HTTP' },
      ]),
      version,
    );
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /Combination of port, protocol and hostname must be unique for each listener/);
    assert.doesNotMatch(twice.stderr, /Listener name must be unique/);
    const badHost = await create(
      home,
      gateway(
        `host-${v}`,
        [{ name: 'a', port: 80, protocol: 'HTTP' }],
        [{ type: 'Hostname', value: 'Not_A_Host' }],
      ),
      version,
    );
    assert.equal(badHost.code, 1);
    assert.match(
      badHost.stderr,
      /spec\.addresses\[0\]: Invalid value: "object": Hostname value must only contain valid characters/,
    );
    const ok = await create(
      home,
      gateway(
        `ok-${v}`,
        [
          { name: 'web', port: 80, protocol: 'HTTP' },
          { name: 'secure', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] } },
        ],
        [{ value: '10.0.0.1' }],
      ),
      version,
    );
    assert.equal(ok.code, 0, ok.stderr);
    // Defaults of the schema are filled (tls.mode, the certificate ref's kind, the address type).
    const got = await home.run(['get', 'gateway', `ok-${v}`, '-o', 'json'], { version });
    const spec = JSON.parse(got.stdout).spec;
    assert.equal(spec.listeners[1].tls.mode, 'Terminate');
    assert.equal(spec.listeners[1].tls.certificateRefs[0].kind, 'Secret');
    assert.equal(spec.addresses[0].type, 'IPAddress');
  });
}

test('a transition rule (GatewayClass controllerName: self == oldSelf) holds on update only', async () => {
  const home = ts.home();
  const gc = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: 'mesh' },
    spec: { controllerName: 'meshdeck.dev/gateway' },
  };
  const created = await create(home, JSON.stringify(gc));
  assert.equal(created.code, 0, created.stderr);
  const changed = await home.run([
    'patch',
    'gatewayclass',
    'mesh',
    '--type=merge',
    '-p',
    '{"spec":{"controllerName":"other.dev/gateway"}}',
  ]);
  assert.equal(changed.code, 1);
  assert.match(changed.stderr, /spec\.controllerName: Invalid value: "string": Value is immutable/);
  const described = await home.run([
    'patch',
    'gatewayclass',
    'mesh',
    '--type=merge',
    '-p',
    '{"spec":{"description":"the mesh"}}',
  ]);
  assert.equal(described.code, 0, described.stderr);
});

function widget(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'fidelity.meshdeck.dev/v1',
    kind: 'Widget',
    metadata: { name, namespace: 'default' },
    spec,
  });
}

test('rule messages: messageExpression, reason with fieldPath, default message, root rules', async () => {
  const home = ts.home();
  const tooMany = await create(home, widget('w-range', { image: 'x', minReplicas: 5, maxReplicas: 2 }));
  assert.equal(tooMany.code, 1);
  assert.match(
    tooMany.stderr,
    /spec\.minReplicas: Invalid value: "object": minReplicas \(5\) must not exceed maxReplicas \(2\)/,
  );
  const root = await create(home, widget('badname', { image: 'x' }));
  assert.match(root.stderr, /<nil>: Invalid value: "object": widget names start with w-/);
  const mem = await create(home, widget('w-mem', { image: 'x', memory: '2Gi' }));
  assert.match(mem.stderr, /spec: Invalid value: "object": memory must be below 1Gi/);
  const url = await create(home, widget('w-url', { image: 'x', homepage: 'http://example.com' }));
  assert.match(url.stderr, /homepage must use https/);
  const sorted = await create(home, widget('w-sort', { image: 'x', ports: [443, 80] }));
  assert.match(sorted.stderr, /ports must be sorted/);
  const ok = await create(
    home,
    widget('w-ok', { image: 'x', owner: 'ann', homepage: 'https://example.com' }),
  );
  assert.equal(ok.code, 0, ok.stderr);
  const steal = await home.run(['patch', 'widget', 'w-ok', '--type=merge', '-p', '{"spec":{"owner":"bob"}}']);
  assert.equal(steal.code, 1);
  assert.match(steal.stderr, /spec\.owner: Forbidden: owner cannot change/);
});

test('oneOf: exactly one of image and command', async () => {
  const home = ts.home();
  const both = await create(home, widget('w-both', { image: 'x', command: 'y' }));
  assert.equal(both.code, 1);
  assert.match(
    both.stderr,
    /spec in body must validate one and only one schema \(oneOf\)\. Found 2 valid alternatives/,
  );
  const neither = await create(home, widget('w-neither', {}));
  assert.match(neither.stderr, /Found 0 valid alternatives/);
});

test('defaults are filled and unknown fields pruned, except under x-kubernetes-preserve-unknown-fields', async () => {
  const home = ts.home();
  const r = await home.run(['create', '--validate=false', '-f', '-'], {
    input: widget('w-prune', { image: 'x', bogus: 1, extra: { kept: { deep: true } } }),
  });
  assert.equal(r.code, 0, r.stderr);
  const got = JSON.parse((await home.run(['get', 'widget', 'w-prune', '-o', 'json'])).stdout);
  assert.equal(got.spec.bogus, undefined);
  assert.deepEqual(got.spec.extra, { kept: { deep: true } });
  assert.equal(got.spec.minReplicas, 1);
  assert.equal(got.spec.memory, '128Mi');
  assert.deepEqual(got.spec.ports, []);
  // A default added to the CRD later shows on the stored object when it is read, as upstream.
  const added = await home.run([
    'patch',
    'crd',
    'widgets.fidelity.meshdeck.dev',
    '--type=json',
    '-p',
    '[{"op":"add","path":"/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/color","value":{"type":"string","default":"blue"}}]',
  ]);
  assert.equal(added.code, 0, added.stderr);
  const reread = await eventually(
    async () => {
      const o = JSON.parse((await home.run(['get', 'widget', 'w-prune', '-o', 'json'])).stdout);
      return o.spec.color === 'blue' ? o : undefined;
    },
    5000,
    'default on read',
  );
  assert.equal(reread.spec.image, 'x');
  const strict = await home.run(['create', '--validate=strict', '-f', '-'], {
    input: widget('w-strict', { image: 'x', bogus: 1 }),
  });
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /unknown field "spec\.bogus"/);
});

test('a CRD whose rule does not compile is refused', async () => {
  const home = ts.home();
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'broken.fidelity.meshdeck.dev' },
    spec: {
      group: 'fidelity.meshdeck.dev',
      names: { kind: 'Broken', plural: 'broken' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a ==' }] },
              },
            },
          },
        },
      ],
    },
  };
  const r = await create(home, JSON.stringify(crd));
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value: "self\.a ==": compilation failed/,
  );
});

test('the Python client gets the rule failure as a 422 with the field cause', async (t) => {
  if (!needPrograms(t, PYTHON_KUBERNETES)) return;
  const r = await ts.home().python(`
import json
from kubernetes import client, config
config.load_kube_config()
api = client.CustomObjectsApi()
body = ${gateway('py-tls', [{ name: 'web', port: 80, protocol: 'TCP', tls: { certificateRefs: [{ name: 'c' }] } }])}
try:
    api.create_namespaced_custom_object("gateway.networking.k8s.io", "v1", "default", "gateways", body)
    out = {"status": 201}
except client.exceptions.ApiException as e:
    out = {"status": e.status, "body": json.loads(e.body)}
good = ${gateway('py-ok', [{ name: 'web', port: 80, protocol: 'HTTP' }])}
api.create_namespaced_custom_object("gateway.networking.k8s.io", "v1", "default", "gateways", good)
got = api.get_namespaced_custom_object("gateway.networking.k8s.io", "v1", "default", "gateways", "py-ok")
out["created"] = got["metadata"]["name"]
print(json.dumps(out))
`);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 422);
  assert.equal(out.body.reason, 'Invalid');
  assert.deepEqual(out.body.details.causes[0], {
    reason: 'FieldValueInvalid',
    message: "Invalid value: \"array\": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
    field: 'spec.listeners',
  });
  assert.equal(out.created, 'py-ok');
});
