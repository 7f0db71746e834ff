import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDesign } from './load.js';
import { validateDesign } from './validate.js';

function check(text: string, defaultNamespace = 'default', name?: string) {
  const { design, issues } = loadDesign([{ name: 'd.yaml', text }], name ? { name } : {});
  assert.deepEqual(issues, [], 'the fixture loads cleanly');
  return validateDesign(design, { defaultNamespace });
}

const brief = (r: ReturnType<typeof check>) =>
  r.issues.map((i) => [i.severity, i.rule, i.at?.line, i.at?.col]);

describe('validateDesign', () => {
  it('accepts a valid design and defaults namespaces (cluster-scoped kinds get none)', () => {
    const r = check(
      `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: other}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:reader"}
`,
      'shop',
      'web',
    );
    assert.deepEqual(r.issues, []);
    assert.deepEqual(
      r.objects.map((o) => [o.object.kind, o.object.metadata.namespace]),
      [
        ['Namespace', undefined],
        ['ConfigMap', 'shop'],
        ['ConfigMap', 'other'],
        ['ClusterRole', undefined],
      ],
    );
  });

  it('reports an object with no name, no kind, no apiVersion, and generateName', () => {
    const r = check(
      `apiVersion: v1
kind: ConfigMap
metadata:
  labels: {a: b}
---
apiVersion: v1
metadata: {name: x}
---
kind: Secret
metadata: {name: y}
---
apiVersion: batch/v1
kind: Job
metadata:
  generateName: run-
`,
      'default',
      'n',
    );
    assert.deepEqual(brief(r), [
      ['error', 'missing-name', 4, 3],
      ['error', 'missing-kind', 6, 1],
      ['error', 'missing-apiversion', 9, 1],
      ['error', 'missing-name', 15, 3],
    ]);
    assert.match(r.issues[0].message, /this configmap has no metadata.name/);
    assert.match(r.issues[3].message, /only generateName/);
    assert.match(r.issues[3].hint ?? '', /server-side apply needs a fixed name/);
    assert.equal(r.objects.length, 0);
  });

  it('reports duplicates after namespace defaulting, with where the first one is', () => {
    const r = check(
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
---
apiVersion: apps/v1beta1
kind: Deployment
metadata: {name: web, namespace: other}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: web, namespace: shop}
`,
      'shop',
      'n',
    );
    // Same group, kind, namespace and name: the version does not matter; another group is another object.
    assert.deepEqual(brief(r), [['error', 'duplicate-object', 5, 1]]);
    assert.equal(r.issues[0].message, 'deployment.apps/web -n shop is declared twice (first at d.yaml:1:1)');
  });

  it('checks names, namespaces, labels and annotations, and warns about status', () => {
    const r = check(
      `apiVersion: v1
kind: Service
metadata:
  name: 9lives
  namespace: Shop
  labels:
    version: 1.0
    "bad key!": x
    ok: "not ok value"
  annotations:
    meshdeck.io/design: mine
    replicas: 3
status: {}
`,
      'default',
      'n',
    );
    assert.deepEqual(
      r.issues.map((i) => [i.severity, i.rule, i.at?.line]),
      [
        ['error', 'bad-name', 4],
        ['error', 'bad-namespace', 5],
        ['error', 'bad-labels', 7],
        ['error', 'bad-labels', 8],
        ['error', 'bad-labels', 9],
        ['error', 'reserved-annotations', 11],
        ['error', 'bad-annotations', 12],
        ['warning', 'status-ignored', 13],
      ],
    );
    assert.match(r.issues[2].message, /label "version" of service\/9lives must be a string, not number/);
    assert.equal(r.issues[2].hint, 'quote the value: YAML read it as a number');
  });

  it('checks the design name and version, and warns about a namespace on a cluster-scoped object', () => {
    const r = check(`apiVersion: meshdeck/v1
kind: Design
metadata: {name: My_Design, version: "1.0"}
spec:
  objects:
    - apiVersion: v1
      kind: Namespace
      metadata: {name: a, namespace: b}
`);
    assert.deepEqual(brief(r), [
      ['error', 'design-name', 3, 18],
      ['error', 'design-version', 3, 38],
      ['warning', 'cluster-scoped-namespace', 8, 38],
    ]);
    assert.equal(r.objects[0].object.metadata.namespace, undefined);
  });

  it('uses the scope of CRDs declared in the same design, and discovery when given', () => {
    const text = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Gadget, plural: gadgets}
  versions: [{name: v1, served: true, storage: true}]
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
---
apiVersion: other.io/v1
kind: Widget
metadata: {name: w}
`;
    const { design } = loadDesign([{ name: 'd.yaml', text }], { name: 'n' });
    const offline = validateDesign(design, { defaultNamespace: 'ns' });
    assert.deepEqual(
      offline.objects.map((o) => o.object.metadata.namespace),
      [undefined, undefined, 'ns'],
    );
    // -n wins over the design's own namespace (here none) and the context's.
    const flagged = validateDesign(design, { defaultNamespace: 'ns', namespaceOverride: 'flag' });
    assert.equal(flagged.objects[2].object.metadata.namespace, 'flag');
    const online = validateDesign(design, {
      defaultNamespace: 'ns',
      namespaced: (apiVersion, kind) => (kind === 'Widget' ? false : undefined),
    });
    assert.equal(online.objects[2].object.metadata.namespace, undefined);
  });

  it('expands mesh components into namespace labels and policy objects, and reports what cannot be done', () => {
    const good = check(`apiVersion: meshdeck/v1
kind: Design
metadata: {name: shop, version: 0.1.0}
spec:
  components:
    - {name: mesh, mesh: istio, injection: [shop], mtls: strict}
  objects:
    - apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: a}}
`);
    assert.deepEqual(good.issues, []);
    assert.deepEqual(good.objects[0].object.metadata.labels, { team: 'a', 'istio-injection': 'enabled' });
    assert.deepEqual(good.objects[1].object, {
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: { mtls: { mode: 'STRICT' } },
    });
    const bad = check(`apiVersion: meshdeck/v1
kind: Design
metadata: {name: shop, version: 0.1.0}
spec:
  components:
    - {name: l, mesh: linkerd, injection: [shop, missing], mtls: disabled}
    - {name: c, mesh: cilium, injection: [shop]}
    - {name: l2, mesh: linkerd}
  objects:
    - apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
`);
    assert.deepEqual(
      bad.issues.map((i) => [i.rule, i.at?.line]),
      [
        ['component-namespace', 6],
        ['component-unsupported', 6],
        ['component-unsupported', 7],
        ['component-duplicate', 8],
      ],
    );
    assert.match(
      bad.issues[0].message,
      /injects into namespace "missing", which the design does not declare/,
    );
    // The annotation for shop was still worked out; the design as written is not changed.
    assert.deepEqual(bad.objects[0].object.metadata.annotations, { 'linkerd.io/inject': 'enabled' });
  });
});
