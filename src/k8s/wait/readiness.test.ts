import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasReadiness, readiness } from './readiness.js';

const dep = (spec: object, status: object, generation = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', generation },
  spec,
  status,
});

describe('readiness (kubectl semantics)', () => {
  it('Deployment: observed generation, updated, old replicas, available, progress deadline', () => {
    assert.deepEqual(readiness(dep({ replicas: 3 }, { observedGeneration: 1 })), {
      state: 'waiting',
      message: 'waiting for the deployment spec update to be observed',
    });
    assert.equal(
      readiness(dep({ replicas: 3 }, { observedGeneration: 2, updatedReplicas: 2, replicas: 3 })).message,
      '2 out of 3 new replicas have been updated',
    );
    assert.equal(
      readiness(dep({ replicas: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 4 })).message,
      '1 old replicas are pending termination',
    );
    assert.equal(
      readiness(
        dep(
          { replicas: 3 },
          { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 1 },
        ),
      ).message,
      '1 of 3 updated replicas are available',
    );
    assert.equal(
      readiness(
        dep(
          { replicas: 3 },
          { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 },
        ),
      ).state,
      'ready',
    );
    // replicas defaults to 1; zero replicas is ready at once.
    assert.equal(readiness(dep({}, { observedGeneration: 2 })).state, 'waiting');
    assert.equal(readiness(dep({ replicas: 0 }, { observedGeneration: 2 })).state, 'ready');
    const stalled = readiness(
      dep(
        { replicas: 1 },
        {
          observedGeneration: 2,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "web-1" has timed out progressing.',
            },
          ],
        },
      ),
    );
    assert.deepEqual(stalled, {
      state: 'failed',
      message: 'exceeded its progress deadline: ReplicaSet "web-1" has timed out progressing.',
    });
  });

  it('DaemonSet and StatefulSet: rolling updates only, partitions, revisions', () => {
    const ds = (status: object, strategy = 'RollingUpdate') => ({
      kind: 'DaemonSet',
      metadata: { generation: 1 },
      spec: { updateStrategy: { type: strategy } },
      status: { observedGeneration: 1, ...status },
    });
    assert.equal(
      readiness(ds({ desiredNumberScheduled: 2, updatedNumberScheduled: 1 })).message,
      '1 out of 2 new pods have been updated',
    );
    assert.equal(
      readiness(ds({ desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1 })).message,
      '1 of 2 updated pods are available',
    );
    assert.equal(
      readiness(ds({ desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 })).state,
      'ready',
    );
    assert.equal(readiness(ds({}, 'OnDelete')).state, 'ready');

    const sts = (spec: object, status: object) => ({
      kind: 'StatefulSet',
      metadata: { generation: 1 },
      spec: { replicas: 3, ...spec },
      status,
    });
    const rolling = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } };
    assert.equal(
      readiness(sts(rolling, { observedGeneration: 0 })).message,
      'waiting for the statefulset spec update to be observed',
    );
    assert.equal(
      readiness(sts(rolling, { observedGeneration: 1, readyReplicas: 2 })).message,
      '2 of 3 pods are ready',
    );
    assert.equal(
      readiness(sts(rolling, { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 2 })).state,
      'waiting',
    );
    assert.equal(
      readiness(sts(rolling, { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 3 })).state,
      'ready',
    );
    const partitioned = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    assert.equal(
      readiness(sts(partitioned, { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1 })).state,
      'ready',
    );
    const byRevision = { updateStrategy: { type: 'RollingUpdate' } };
    assert.equal(
      readiness(
        sts(byRevision, {
          observedGeneration: 1,
          readyReplicas: 3,
          currentRevision: 'a',
          updateRevision: 'b',
        }),
      ).state,
      'waiting',
    );
    assert.equal(
      readiness(
        sts(byRevision, {
          observedGeneration: 1,
          readyReplicas: 3,
          currentRevision: 'b',
          updateRevision: 'b',
        }),
      ).state,
      'ready',
    );
  });

  it('Job, Pod and CRD: conditions, and failures that end the wait early', () => {
    const job = (conditions: object[], succeeded = 0) => ({
      kind: 'Job',
      spec: { completions: 2 },
      status: { succeeded, conditions },
    });
    assert.equal(readiness(job([], 1)).message, '1 of 2 completions');
    assert.equal(readiness(job([{ type: 'Complete', status: 'True' }], 2)).state, 'ready');
    assert.deepEqual(
      readiness(
        job([
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ]),
      ),
      {
        state: 'failed',
        message: 'failed: BackoffLimitExceeded (Job has reached the specified backoff limit)',
      },
    );
    const pod = (status: object) => ({ kind: 'Pod', status });
    assert.equal(
      readiness(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] })).state,
      'ready',
    );
    assert.equal(readiness(pod({ phase: 'Succeeded' })).state, 'ready');
    assert.equal(readiness(pod({ phase: 'Failed', reason: 'Evicted' })).message, 'failed: Evicted');
    assert.equal(
      readiness(
        pod({
          phase: 'Pending',
          containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ImagePullBackOff' } } }],
        }),
      ).message,
      'container app is waiting: ImagePullBackOff',
    );
    const crd = (conditions: object[]) => ({ kind: 'CustomResourceDefinition', status: { conditions } });
    assert.equal(readiness(crd([{ type: 'Established', status: 'True' }])).state, 'ready');
    assert.equal(readiness(crd([{ type: 'Established', status: 'False' }])).state, 'waiting');
    assert.equal(
      readiness(crd([{ type: 'NamesAccepted', status: 'False', message: 'kind Gadget is already in use' }]))
        .state,
      'failed',
    );
    assert.equal(readiness({ kind: 'ConfigMap' }).state, 'ready');
  });

  it('knows which kinds have readiness to wait for', () => {
    assert.equal(hasReadiness('apps/v1', 'Deployment'), true);
    assert.equal(hasReadiness('batch/v1', 'Job'), true);
    assert.equal(hasReadiness('apiextensions.k8s.io/v1', 'CustomResourceDefinition'), true);
    assert.equal(hasReadiness('v1', 'ConfigMap'), false);
    assert.equal(hasReadiness('example.com/v1', 'Deployment'), false);
  });
});
