// Spec §5 test 30: kubectl rollout status for a DaemonSet (one pod per simulated node, node selectors
// honoured, a template change rolled node by node) and a StatefulSet (x-0 Ready before x-1 exists,
// claims from volumeClaimTemplates, a rolling update from the highest ordinal).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox({ timeScale: 0.05, nodes: 3 });
});
after(() => ts.stop());

describe('daemonsets and statefulsets (fidelity 30)', () => {
  it('30: kubectl rollout status ds/x succeeds with one pod per node, and again after a template change', async () => {
    const h = ts.home();
    const ds = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: ${image}}]}
`;
    await h.run(['apply', '-f', h.file('ds.yaml', ds('busybox:1.36'))]);
    const r = await h.run(['rollout', 'status', 'ds/agent', '--timeout=30s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /daemon set "agent" successfully rolled out/);
    const pods = JSON.parse((await h.run(['get', 'pods', '-l', 'app=agent', '-o', 'json'])).stdout).items;
    const nodes = pods.map((p: { spec: { nodeName: string } }) => p.spec.nodeName).sort();
    assert.deepEqual(nodes, ['sandbox-node-1', 'sandbox-node-2', 'sandbox-node-3']);
    const d = JSON.parse((await h.run(['get', 'ds', 'agent', '-o', 'json'])).stdout);
    assert.deepEqual(
      [
        d.status.desiredNumberScheduled,
        d.status.currentNumberScheduled,
        d.status.numberReady,
        d.status.updatedNumberScheduled,
      ],
      [3, 3, 3, 3],
    );

    await h.run(['apply', '-f', h.file('ds.yaml', ds('busybox:1.37'))]);
    const again = await h.run(['rollout', 'status', 'ds/agent', '--timeout=30s']);
    assert.equal(again.code, 0, again.stderr);
    const images = await eventually(async () => {
      const out = (
        await h.run(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])
      ).stdout;
      return out.split(' ').length === 3 && out.split(' ').every((i) => i === 'busybox:1.37')
        ? out
        : undefined;
    }, 10_000);
    assert.ok(images);

    // A node selector no node matches: nothing desired, nothing left.
    await h.run([
      'patch',
      'ds',
      'agent',
      '--type=merge',
      '-p',
      '{"spec":{"template":{"spec":{"nodeSelector":{"disk":"ssd"}}}}}',
    ]);
    await eventually(async () => {
      const x = JSON.parse((await h.run(['get', 'ds', 'agent', '-o', 'json'])).stdout);
      const left = (await h.run(['get', 'pods', '-l', 'app=agent', '-o', 'name'])).stdout;
      return x.status.desiredNumberScheduled === 0 && left === '' ? true : undefined;
    }, 10_000);
  });

  it('30: kubectl rollout status sts/x succeeds; x-0 is Ready before x-1 is created; claims per pod', async () => {
    const h = ts.home();
    const sts = (image: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}, annotations: {sandbox.meshdeck.dev/ready-delay: 4s}}
    spec: {containers: [{name: c, image: ${image}}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
    await h.run(['apply', '-f', h.file('sts.yaml', sts('postgres:16'))]);
    const r = await h.run(['rollout', 'status', 'sts/db', '--timeout=30s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /partitioned roll out complete|statefulset rolling update complete/);
    const pods = JSON.parse((await h.run(['get', 'pods', '-l', 'app=db', '-o', 'json'])).stdout)
      .items as Array<{
      metadata: { name: string; creationTimestamp: string };
      status: { conditions: Array<{ type: string; lastTransitionTime: string }> };
    }>;
    assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ['db-0', 'db-1', 'db-2']);
    // Each pod was created only after the one before it was Ready (ready-delay 4 s, scaled: 200 ms).
    const byName = Object.fromEntries(pods.map((p) => [p.metadata.name, p]));
    const readyAt = (n: string) =>
      Date.parse(byName[n].status.conditions.find((c) => c.type === 'Ready')!.lastTransitionTime);
    const createdAt = (n: string) => Date.parse(byName[n].metadata.creationTimestamp);
    assert.ok(createdAt('db-1') >= readyAt('db-0'));
    assert.ok(createdAt('db-2') >= readyAt('db-1'));
    const claims = (await h.run(['get', 'pvc', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout
      .split(' ')
      .sort();
    assert.deepEqual(claims, ['data-db-0', 'data-db-1', 'data-db-2']);
    const s = JSON.parse((await h.run(['get', 'sts', 'db', '-o', 'json'])).stdout);
    assert.equal(s.status.currentRevision, s.status.updateRevision);
    assert.match(s.status.updateRevision, /^db-\w+$/);

    await h.run(['apply', '-f', h.file('sts.yaml', sts('postgres:17'))]);
    const again = await h.run(['rollout', 'status', 'sts/db', '--timeout=30s']);
    assert.equal(again.code, 0, again.stderr);
    const after = JSON.parse((await h.run(['get', 'sts', 'db', '-o', 'json'])).stdout);
    assert.notEqual(after.status.updateRevision, s.status.updateRevision);
    assert.equal(after.status.currentRevision, after.status.updateRevision);
    assert.equal(after.status.updatedReplicas, 3);
  });
});
