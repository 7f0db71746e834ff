import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LiveObject } from '../client.js';
import { objectDiff } from './objects.js';

const live: LiveObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u1',
    resourceVersion: '41',
    generation: 3,
    managedFields: [
      {
        manager: 'meshdeck',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: {},
      },
    ],
    labels: { app: 'web' },
  },
  spec: { replicas: 5 },
  status: { replicas: 5 },
};

describe('object diff', () => {
  it('ignores what the server owns and shows the spec change', () => {
    const desired = structuredClone(live);
    desired.metadata.resourceVersion = '42';
    desired.metadata.generation = 4;
    (desired.spec as { replicas: number }).replicas = 2;
    desired.status = { replicas: 2 };
    assert.equal(
      objectDiff('deployment.apps/web -n shop', live, desired),
      [
        '--- live    deployment.apps/web -n shop',
        '+++ design  deployment.apps/web -n shop',
        '@@ -6,4 +6,4 @@',
        '   labels:',
        '     app: web',
        ' spec:',
        '-  replicas: 5',
        '+  replicas: 2',
        '',
      ].join('\n'),
    );
    const same = structuredClone(live);
    same.metadata.resourceVersion = '99';
    assert.equal(objectDiff('x', live, same), '');
  });

  it('compares values, not the order the server keeps keys in', () => {
    const reordered: LiveObject = {
      spec: { replicas: 5 },
      metadata: { labels: { app: 'web' }, namespace: 'shop', name: 'web' },
      kind: 'Deployment',
      apiVersion: 'apps/v1',
    };
    assert.equal(objectDiff('x', live, reordered), '');
    (reordered.spec as { replicas: number; paused?: boolean }).paused = true;
    assert.match(objectDiff('x', live, reordered), /^ {3}replicas: 5\n\+ {2}paused: true$/m);
  });

  it('never shows secret values, only that they changed', () => {
    const secret = (data: Record<string, string>): LiveObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data,
    });
    const out = objectDiff(
      'secret/s',
      secret({ password: 'aHVudGVyMg==', user: 'YWRtaW4=' }),
      secret({ password: 'c2VjcmV0', user: 'YWRtaW4=' }),
    );
    assert.doesNotMatch(out, /aHVudGVyMg|c2VjcmV0|YWRtaW4/);
    assert.match(out, /- {2}password: "\*\*\* \(before\)"\n\+ {2}password: "\*\*\* \(after\)"/);
    assert.match(out, / {2}user: "\*\*\*"\n/);
  });
});
