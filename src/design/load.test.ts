import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDesign } from './load.js';

const design = `apiVersion: meshdeck/v1
kind: Design
metadata:
  name: shop
  version: 1.2.0
  namespace: shop
spec:
  components:
    - name: mesh
      mesh: istio
      injection: [shop]
  objects:
    - apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
    - apiVersion: v1
      kind: ConfigMap
      metadata: {name: settings}
      data: {a: "1"}
`;

describe('loadDesign', () => {
  it('reads a meshdeck design: metadata, components and objects with their positions', () => {
    const { design: d, issues } = loadDesign([{ name: 'shop.yaml', text: design }]);
    assert.deepEqual(issues, []);
    assert.equal(d.format, 'design');
    assert.deepEqual(d.meta, { name: 'shop', version: '1.2.0', namespace: 'shop' });
    assert.equal(d.objects.length, 2);
    assert.deepEqual(d.objects[1].origin, { file: 'shop.yaml', line: 16, col: 7 });
    assert.deepEqual(d.objects[1].locate(['data', 'a']), { file: 'shop.yaml', line: 19, col: 17 });
    assert.deepEqual(d.components[0].component, { name: 'mesh', mesh: 'istio', injection: ['shop'] });
  });

  it('names plain manifests after their first source, expands Lists, and starts at version 0.0.1', () => {
    const list = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } },
      ],
    });
    const { design: d, issues } = loadDesign([
      { name: 'deploy/Web App.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n' },
      { name: 'more.json', text: list },
    ]);
    assert.deepEqual(issues, []);
    assert.equal(d.format, 'manifests');
    assert.deepEqual(d.meta, { name: 'web-app', version: '0.0.1' });
    assert.deepEqual(
      d.objects.map((o) => o.object.metadata.name),
      ['x', 'a', 'b'],
    );
    const named = loadDesign(
      [{ name: 'stdin', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n' }],
      {
        name: 'given',
        version: '2.0.0',
      },
    );
    assert.deepEqual(named.design.meta, { name: 'given', version: '2.0.0' });
  });

  it('converts a Meshery v1beta1 design: components[].configuration become objects, annotations are dropped', () => {
    const meshery = {
      id: '0f1c7c2e-6d1b-4a4e-9a4e-111111111111',
      name: 'Bookinfo Demo',
      schemaVersion: 'designs.meshery.io/v1beta1',
      version: '0.0.4',
      components: [
        {
          id: 'a',
          displayName: 'productpage',
          component: { version: 'apps/v1', kind: 'Deployment' },
          model: { name: 'kubernetes' },
          configuration: {
            metadata: { name: 'productpage', namespace: 'bookinfo' },
            spec: { replicas: 1 },
          },
        },
        {
          id: 'b',
          displayName: 'Reviews Route',
          component: { version: 'networking.istio.io/v1beta1', kind: 'VirtualService' },
          configuration: { spec: { hosts: ['reviews'] } },
        },
        { id: 'c', displayName: 'note', component: { kind: 'Text' }, metadata: { isAnnotation: true } },
        { id: 'd', displayName: 'broken', component: {}, configuration: {} },
      ],
      relationships: [],
    };
    const text = JSON.stringify(meshery, null, 2);
    const { design: d, issues } = loadDesign([{ name: 'bookinfo.json', text }]);
    assert.equal(d.format, 'meshery');
    assert.equal(d.meta.name, 'bookinfo-demo');
    assert.equal(d.meta.version, '0.0.4');
    assert.equal(d.meta.id, meshery.id);
    assert.deepEqual(d.objects[0].object, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'productpage', namespace: 'bookinfo' },
      spec: { replicas: 1 },
    });
    // No name in configuration: the display name, as a valid Kubernetes name.
    assert.equal(d.objects[1].object.metadata.name, 'reviews-route');
    assert.equal(d.objects.length, 2);
    assert.equal(issues.length, 1);
    assert.match(issues[0].message, /component "broken" has no component.kind/);
    assert.equal(issues[0].at?.file, 'bookinfo.json');
    assert.ok(issues[0].at.line > 30);
    // A field of a converted object points into its configuration.
    const replicasLine = text.split('\n').findIndex((l) => l.includes('"replicas": 1')) + 1;
    assert.equal(d.objects[0].locate(['spec', 'replicas']).line, replicasLine);
  });

  it('refuses legacy OAM patterns, scalars, and a second design in the same input', () => {
    const { issues } = loadDesign([
      { name: 'old.yaml', text: 'name: old\nservices:\n  web: {type: Deployment}\n' },
      { name: 'junk.yaml', text: 'just a string\n' },
      {
        name: 'a.yaml',
        text: 'apiVersion: meshdeck/v1\nkind: Design\nmetadata: {name: a, version: 0.0.1}\n',
      },
      {
        name: 'b.yaml',
        text: 'apiVersion: meshdeck/v1\nkind: Design\nmetadata: {name: b, version: 0.0.1}\n',
      },
    ]);
    assert.deepEqual(
      issues.map((i) => [i.rule, i.at?.file, i.at?.line]),
      [
        ['meshery-legacy', 'old.yaml', 1],
        ['not-an-object', 'junk.yaml', 1],
        ['one-design', 'b.yaml', 1],
      ],
    );
  });

  it('warns about unknown design fields and rejects malformed components', () => {
    const text = `apiVersion: meshdeck/v1
kind: Design
metadata: {name: x, version: 0.0.1, colour: red}
spec:
  components:
    - {name: m, mesh: nginx}
    - {name: n, mesh: linkerd, mtls: sometimes}
  objects: []
`;
    const { design: d, issues } = loadDesign([{ name: 'x.yaml', text }]);
    assert.deepEqual(
      issues.map((i) => [i.severity, i.rule, i.at?.line]),
      [
        ['warning', 'unknown-field', 3],
        ['error', 'component-schema', 6],
        ['error', 'component-schema', 7],
      ],
    );
    assert.match(issues[1].message, /one of istio, linkerd, kuma, consul, cilium \(got "nginx"\)/);
    assert.equal(d.components.length, 0);
  });
});
