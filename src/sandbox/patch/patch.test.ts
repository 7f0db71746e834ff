import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../base/status.js';
import { applyJsonPatch, applyMergePatch } from './json-patch.js';
import { PATCH_META } from '../base/patch-meta.js';
import { strategicMerge } from './strategic.js';

const deployment = {
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a'] },
  spec: {
    replicas: 1,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
    template: {
      spec: {
        containers: [
          { name: 'c', image: 'nginx:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
          { name: 'side', image: 'busybox' },
        ],
        tolerations: [{ key: 'x' }],
      },
    },
  },
};

describe('strategic merge patch', () => {
  const smp = (patch: unknown) =>
    strategicMerge(deployment, patch, PATCH_META.Deployment) as typeof deployment;

  it('merges containers by name and keeps the others, ordered by $setElementOrder', () => {
    const out = smp({
      spec: {
        template: {
          spec: {
            $setElementOrder: undefined,
            '$setElementOrder/containers': [{ name: 'side' }, { name: 'c' }],
            containers: [{ name: 'c', image: 'nginx:2' }],
          },
        },
      },
    });
    assert.deepEqual(
      out.spec.template.spec.containers.map((c) => [c.name, c.image]),
      [
        ['side', 'busybox'],
        ['c', 'nginx:2'],
      ],
    );
    assert.deepEqual(
      out.spec.template.spec.containers[1].env,
      [{ name: 'A', value: '1' }],
      'unmentioned fields stay',
    );
    assert.equal(deployment.spec.template.spec.containers[0].image, 'nginx:1', 'the original is not mutated');
  });

  it('honours $patch delete and replace, null, and lists without a merge key', () => {
    const out = smp({
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'side', $patch: 'delete' },
              { name: 'new', image: 'x' },
            ],
            tolerations: [{ key: 'y' }],
          },
        },
        strategy: { $patch: 'replace', type: 'Recreate' },
      },
      metadata: { labels: { app: null } },
    });
    assert.deepEqual(
      out.spec.template.spec.containers.map((c) => c.name),
      ['c', 'new'],
    );
    assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'y' }], 'atomic lists are replaced');
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
    assert.deepEqual(out.metadata.labels, {});
  });

  it('merges scalar lists with the merge strategy and honours $deleteFromPrimitiveList and $retainKeys', () => {
    const out = smp({
      metadata: { finalizers: ['b'], '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
    });
    assert.deepEqual(out.metadata.finalizers, ['b']);
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
    const union = smp({ metadata: { finalizers: ['b', 'a'] } });
    assert.deepEqual(union.metadata.finalizers, ['a', 'b']);
  });
});

describe('JSON patch and merge patch', () => {
  it('applies every RFC 6902 operation', () => {
    const doc = { a: { b: [1, 2] }, c: 'x' };
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'replace', path: '/c', value: 'y' },
      { op: 'copy', from: '/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e' },
      { op: 'remove', path: '/a/b/0' },
      { op: 'test', path: '/e', value: 'y' },
      { op: 'add', path: '/f~1g', value: true },
    ]);
    assert.deepEqual(out, { a: { b: [2, 3] }, c: 'y', e: 'y', 'f/g': true });
    assert.deepEqual(doc, { a: { b: [1, 2] }, c: 'x' }, 'the original is not mutated');
  });

  it('refuses a non-array with 400 and a failed operation with 422', () => {
    assert.throws(
      () => applyJsonPatch({}, { op: 'add' }),
      (e: StatusError) => e.code === 400,
    );
    assert.throws(
      () => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]),
      (e: StatusError) => e.code === 422 && e.message === 'testing value /a failed: test failed',
    );
    assert.throws(
      () => applyJsonPatch({}, [{ op: 'remove', path: '/nope' }]),
      (e: StatusError) => e.code === 422,
    );
  });

  it('merge patch: objects merge, null deletes, arrays replace', () => {
    assert.deepEqual(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] }), {
      a: { c: 2, d: 3 },
      l: [3],
    });
  });
});
