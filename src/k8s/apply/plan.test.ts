import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownerOf, withOwnership } from './ownership.js';
import { deletionStages, waves } from './plan.js';

const o = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, metadata: { name } });

describe('apply order and ownership', () => {
  it('puts Namespaces and CRDs first, keeping the design order in each wave', () => {
    const items = [
      o('apps/v1', 'Deployment', 'web'),
      o('v1', 'Namespace', 'shop'),
      o('example.com/v1', 'Gadget', 'g'),
      o('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'gadgets.example.com'),
      o('v1', 'ConfigMap', 'c'),
      // Only the core group's Namespace is a namespace.
      o('example.com/v1', 'Namespace', 'fake'),
    ];
    const { foundation, rest } = waves(items, (i) => i);
    assert.deepEqual(
      foundation.map((i) => i.metadata.name),
      ['shop', 'gadgets.example.com'],
    );
    assert.deepEqual(
      rest.map((i) => i.metadata.name),
      ['web', 'g', 'c', 'fake'],
    );
    assert.deepEqual(
      deletionStages(items, (i) => i).map((s) => s.map((i) => i.metadata.name)),
      [['web', 'g', 'c', 'fake'], ['gadgets.example.com'], ['shop']],
    );
  });

  it('labels and annotates a copy with the design, leaving the original alone', () => {
    const original = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { app: 'x' } } };
    const owned = withOwnership(original, { name: 'shop', version: '1.2.0', id: 'abc' });
    assert.deepEqual(owned.metadata.labels, { app: 'x', 'meshdeck.io/design': 'shop' });
    assert.deepEqual(owned.metadata.annotations, {
      'meshdeck.io/design-version': '1.2.0',
      'meshdeck.io/design-id': 'abc',
    });
    assert.deepEqual(original.metadata.labels, { app: 'x' });
    assert.equal(ownerOf(owned), 'shop');
    assert.equal(ownerOf(original), undefined);
  });
});
