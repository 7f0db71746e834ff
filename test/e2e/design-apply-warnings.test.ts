// design apply says the server's warnings on stderr (Warning: 299 headers: unknown fields under
// fieldValidation=Warn, deprecations, admission warnings), naming the object, and still applies it, as
// kubectl does; and it refuses no kind the cluster serves (a folder with a ValidatingAdmissionPolicy was
// refused because the sandbox did not serve the kind: meshdeck knows kinds from discovery only).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterHome, NO_TIMED_WRITES } from '../helpers/cluster.js';

let c: ClusterHome;
before(async () => {
  c = await ClusterHome.start(NO_TIMED_WRITES);
});
after(() => c.stop());

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
`;

describe('design apply: the server warnings', () => {
  it('prints each Warning header on stderr with the object it came with, and applies the object', async () => {
    const file = c.file(
      'warn/widgets.yaml',
      `${CRD}---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: default}
spec: {size: 3, colour: blue, shape: round}
`,
    );
    const r = await c.meshdeck(['design', 'apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: widget\.example\.com\/w1 -n default: unknown field "spec\.colour"/);
    assert.match(r.stderr, /warning: widget\.example\.com\/w1 -n default: unknown field "spec\.shape"/);
    assert.doesNotMatch(r.stderr, /customresourcedefinition[^\n]*unknown field/);
    assert.match(r.stdout, /widget\.example\.com\/w1 -n default created/);
    // Pruned by the server, as a real apiserver does under Warn.
    const got = await c.kubectl(['get', 'widget', 'w1', '-o', 'jsonpath={.spec}']);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(JSON.parse(got.stdout), { size: 3 });
  });

  it('prints nothing of the kind when the server has no warning', async () => {
    const file = c.file(
      'quiet/widgets.yaml',
      `${CRD}---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w2, namespace: default}
spec: {size: 4}
`,
    );
    const r = await c.meshdeck(['design', 'apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /unknown field/);
  });
});

/** Until the sandbox serves admissionregistration.k8s.io/v1 policies itself, CRDs serve the kinds. */
function policyCrd(kind: string, plural: string): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.admissionregistration.k8s.io
  annotations: {api-approved.kubernetes.io: "https://github.com/kubernetes/kubernetes/pull/118644"}
spec:
  group: admissionregistration.k8s.io
  names: {kind: ${kind}, plural: ${plural}}
  scope: Cluster
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`;
}

describe('design apply: what a real cluster accepts', () => {
  it('applies a folder with a ValidatingAdmissionPolicy and its binding beside other objects', async () => {
    const served = await c.kubectl([
      'api-resources',
      '--api-group=admissionregistration.k8s.io',
      '-o',
      'name',
    ]);
    assert.equal(served.code, 0, served.stderr);
    if (!served.stdout.includes('validatingadmissionpolicies.')) {
      const crds = c.file(
        'policy-crds.yaml',
        `${policyCrd('ValidatingAdmissionPolicy', 'validatingadmissionpolicies')}---\n${policyCrd('ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings')}`,
      );
      const r = await c.kubectl(['apply', '-f', crds]);
      assert.equal(r.code, 0, r.stderr);
      const established = await c.kubectl(['wait', '--for=condition=Established', '-f', crds]);
      assert.equal(established.code, 0, established.stderr);
    }
    c.file(
      'policies/policy.yaml',
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replica-limit}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  validations:
  - {expression: "object.spec.replicas <= 5", message: "at most 5 replicas"}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replica-limit}
spec:
  policyName: replica-limit
  validationActions: [Deny]
  matchResources:
    namespaceSelector: {matchLabels: {policy-test: "yes"}}
`,
    );
    const settings = c.file(
      'policies/settings.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {a: "1"}\n',
    );
    const r = await c.meshdeck(['design', 'apply', '-f', settings.replace(/\/settings\.yaml$/, '')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /validatingadmissionpolicy\.admissionregistration\.k8s\.io\/replica-limit created/,
    );
    assert.match(
      r.stdout,
      /validatingadmissionpolicybinding\.admissionregistration\.k8s\.io\/replica-limit created/,
    );
    assert.match(r.stdout, /configmap\/settings -n default created/);
  });
});
