// ValidatingAdmissionPolicy evaluation as a 1.32 apiserver does it: matchConstraints, matchConditions,
// validations with message and messageExpression, params (paramKind + paramRef, parameterNotFoundAction),
// validationActions Deny and Warn, failurePolicy; through kubectl (three versions) and the Python client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KUBECTL_VERSIONS, testSandbox, type KubectlHome, type TestSandbox } from './helpers.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';

let ts: TestSandbox;
let home: KubectlHome;

const ADMISSION = 'admissionregistration.k8s.io/v1';
const deploymentRules = {
  resourceRules: [
    {
      apiGroups: ['apps'],
      apiVersions: ['v1'],
      operations: ['CREATE', 'UPDATE'],
      resources: ['deployments'],
    },
  ],
};

function policy(name: string, spec: Record<string, unknown>) {
  return { apiVersion: ADMISSION, kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec };
}
function binding(name: string, spec: Record<string, unknown>) {
  return { apiVersion: ADMISSION, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec };
}

async function apply(...objects: unknown[]) {
  const r = await home.run(['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });
  assert.equal(r.code, 0, r.stderr);
}

function deployment(name: string, replicas: number, ns = 'default', labels: Record<string, string> = {}) {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'nginx' }] },
      },
    },
  });
}

before(async () => {
  ts = await testSandbox();
  home = ts.home();
  await apply(
    policy('max-replicas', {
      failurePolicy: 'Fail',
      matchConstraints: deploymentRules,
      matchConditions: [
        {
          name: 'not-exempt',
          expression: "!has(object.metadata.labels) || !('exempt' in object.metadata.labels)",
        },
      ],
      validations: [{ expression: 'object.spec.replicas <= 5' }],
    }),
    binding('max-replicas-binding', {
      policyName: 'max-replicas',
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { limited: 'yes' } } },
    }),
  );
  for (const ns of ['capped', 'warned', 'params'])
    assert.equal((await home.run(['create', 'namespace', ns])).code, 0);
  assert.equal((await home.run(['label', 'namespace', 'capped', 'limited=yes'])).code, 0);
});
after(async () => {
  await ts.stop();
});

for (const version of KUBECTL_VERSIONS) {
  test(`kubectl ${version}: a Deny binding refuses what the policy's validation fails`, async () => {
    const v = version.replace('.', '');
    const r = await home.run(['create', '-f', '-'], { input: deployment(`big-${v}`, 7, 'capped'), version });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /deployments(\.apps)? "big-\d+" is invalid: : ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object\.spec\.replicas <= 5/,
    );
    const small = await home.run(['create', '-f', '-'], {
      input: deployment(`small-${v}`, 3, 'capped'),
      version,
    });
    assert.equal(small.code, 0, small.stderr);
    // The binding's namespaceSelector: other namespaces are not checked.
    const elsewhere = await home.run(['create', '-f', '-'], {
      input: deployment(`big-${v}`, 7, 'default'),
      version,
    });
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    // matchConditions: an exempt object is not validated.
    const exempt = await home.run(['create', '-f', '-'], {
      input: deployment(`exempt-${v}`, 9, 'capped', { exempt: 'true' }),
      version,
    });
    assert.equal(exempt.code, 0, exempt.stderr);
    // Updates are checked too; the scale subresource is another resource (deployments/scale), which
    // this policy's rules do not name, so it passes as on a real cluster.
    const patched = await home.run(
      ['patch', 'deployment', `small-${v}`, '-n', 'capped', '-p', '{"spec":{"replicas":6}}'],
      { version },
    );
    assert.equal(patched.code, 1);
    assert.match(patched.stderr, /denied request: failed expression: object\.spec\.replicas <= 5/);
    const scaled = await home.run(['scale', 'deployment', `small-${v}`, '-n', 'capped', '--replicas=6'], {
      version,
    });
    assert.equal(scaled.code, 0, scaled.stderr);
  });
}

test('Warn: the write succeeds and the client prints the warning', async () => {
  await apply(
    policy('warn-latest', {
      matchConstraints: deploymentRules,
      validations: [
        {
          expression: "object.spec.template.spec.containers.all(c, !c.image.endsWith(':latest'))",
          messageExpression: "'image of ' + object.metadata.name + ' uses :latest'",
        },
      ],
    }),
    binding('warn-latest-binding', {
      policyName: 'warn-latest',
      validationActions: ['Warn'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'warned' } } },
    }),
  );
  const d = JSON.parse(deployment('latest', 1, 'warned'));
  d.spec.template.spec.containers[0].image = 'nginx:latest';
  const r = await home.run(['create', '-f', '-'], { input: JSON.stringify(d) });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /Warning: Validation failed for ValidatingAdmissionPolicy 'warn-latest' with binding 'warn-latest-binding': image of latest uses :latest/,
  );
});

test('params: a ConfigMap named by paramRef sets the limit; a missing param denies', async () => {
  await apply(
    policy('param-replicas', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: deploymentRules,
      validations: [
        {
          expression: 'object.spec.replicas <= int(params.data.max)',
          messageExpression: "'replicas must be at most ' + params.data.max",
          reason: 'Forbidden',
        },
      ],
    }),
    binding('param-replicas-binding', {
      policyName: 'param-replicas',
      paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' },
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'params' } } },
    }),
  );
  const missing = await home.run(['create', '-f', '-'], { input: deployment('one', 1, 'params') });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no params found for policy binding with `Deny` parameterNotFoundAction/);
  assert.equal(
    (await home.run(['create', 'configmap', 'limits', '-n', 'params', '--from-literal=max=2'])).code,
    0,
  );
  const over = await home.run(['create', '-f', '-'], { input: deployment('three', 3, 'params') });
  assert.equal(over.code, 1);
  assert.match(
    over.stderr,
    /deployments\.apps "three" is forbidden: ValidatingAdmissionPolicy 'param-replicas' with binding 'param-replicas-binding' denied request: replicas must be at most 2/,
  );
  assert.equal((await home.run(['create', '-f', '-'], { input: deployment('two', 2, 'params') })).code, 0);
});

test('a policy whose expression does not compile is refused', async () => {
  const r = await home.run(['create', '-f', '-'], {
    input: JSON.stringify(
      policy('broken', {
        matchConstraints: deploymentRules,
        validations: [{ expression: 'object.spec.replicas <=' }],
      }),
    ),
  });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /spec\.validations\[0\]\.expression: Invalid value: "object\.spec\.replicas <=": compilation failed/,
  );
});

test('the Python client gets the denial as a 422 with the policy message', async (t) => {
  if (!needPrograms(t, PYTHON_KUBERNETES)) return;
  const r = await ts.home().python(`
import json
from kubernetes import client, config
config.load_kube_config()
api = client.AppsV1Api()
body = ${deployment('py-big', 8, 'capped')}
try:
    api.create_namespaced_deployment("capped", body)
    out = {"status": 201}
except client.exceptions.ApiException as e:
    out = {"status": e.status, "body": json.loads(e.body)}
print(json.dumps(out))
`);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 422);
  assert.equal(out.body.reason, 'Invalid');
  assert.match(
    out.body.message,
    /ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request/,
  );
});
