// design apply says the server's warnings on stderr (Warning: 299 headers: unknown fields under
// fieldValidation=Warn, deprecations, admission warnings), naming the object, and still applies it, as
// kubectl does.
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
