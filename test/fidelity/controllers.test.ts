// Spec §5 tests 27-29 and 31: Deployments rolled out, updated within maxSurge/maxUnavailable, rolled
// back, failing with a crash loop past their progress deadline; Jobs completing or failing; injected pod
// faults; all watched by kubectl rollout status, kubectl wait and client-node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, k8s, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox({ timeScale: 0.05 });
});
after(() => ts.stop());

interface DeploymentOptions {
  image?: string;
  replicas?: number;
  annotations?: Record<string, string>;
  extraSpec?: string;
}

const deployment = (name: string, o: DeploymentOptions = {}) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  replicas: ${o.replicas ?? 3}
  selector: {matchLabels: {app: ${name}}}
${o.extraSpec ?? ''}
  template:
    metadata:
      labels: {app: ${name}}
      annotations: ${JSON.stringify(o.annotations ?? {})}
    spec: {containers: [{name: c, image: ${o.image ?? 'nginx:1.25'}}]}
`;

describe('controllers (fidelity 27-29, 31)', () => {
  it('27: kubectl rollout status waits with real counts, then reports the rollout done', async () => {
    const h = ts.home();
    // Pods take 60 s (scaled: 3 s) to become ready, so kubectl sees the rollout in progress.
    const file = h.file(
      'd.yaml',
      deployment('web27', { annotations: { 'sandbox.meshdeck.dev/ready-delay': '60s' } }),
    );
    assert.equal((await h.run(['apply', '-f', file])).stdout, 'deployment.apps/web27 created\n');
    const r = await h.run(['rollout', 'status', 'deploy/web27', '--timeout=30s']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(
      lines[0],
      /^Waiting for deployment "web27" rollout to finish: \d of 3 updated replicas are available\.\.\.$/,
    );
    assert.equal(lines[lines.length - 1], 'deployment "web27" successfully rolled out');
    const d = JSON.parse((await h.run(['get', 'deploy', 'web27', '-o', 'json'])).stdout);
    assert.equal(d.status.observedGeneration, d.metadata.generation);
    assert.deepEqual(
      [d.status.replicas, d.status.updatedReplicas, d.status.readyReplicas, d.status.availableReplicas],
      [3, 3, 3, 3],
    );
    const conditions = Object.fromEntries(
      d.status.conditions.map((c: { type: string; status: string; reason: string }) => [
        c.type,
        `${c.status}/${c.reason}`,
      ]),
    );
    assert.deepEqual(conditions, {
      Available: 'True/MinimumReplicasAvailable',
      Progressing: 'True/NewReplicaSetAvailable',
    });
    const wait = await h.run(['wait', '--for=condition=Available', 'deploy/web27', '--timeout=5s']);
    assert.equal(wait.stdout, 'deployment.apps/web27 condition met\n', wait.stderr);
  });

  it('28: an image change rolls within maxSurge/maxUnavailable to revision 2; rollout undo returns to revision 1', async () => {
    const h = ts.home();
    const kc = ts.kubeConfig();
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const strategy = '  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}';
    const spec = (image: string) =>
      deployment('web28', {
        image,
        replicas: 4,
        extraSpec: strategy,
        annotations: { 'sandbox.meshdeck.dev/ready-delay': '5s' },
      });
    const file = h.file('d.yaml', spec('nginx:1.25'));
    await h.run(['apply', '-f', file]);
    assert.equal((await h.run(['rollout', 'status', 'deploy/web28', '--timeout=30s'])).code, 0);
    const rs1 = JSON.parse((await h.run(['get', 'rs', '-l', 'app=web28', '-o', 'json'])).stdout).items;
    assert.equal(rs1.length, 1);
    assert.equal(rs1[0].metadata.annotations['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs1[0].metadata.name, `web28-${rs1[0].metadata.labels['pod-template-hash']}`);

    // Every status the deployment goes through keeps within the strategy's bounds.
    const seen: Array<{ replicas: number; available: number }> = [];
    const watch = await new k8s.Watch(kc).watch(
      '/apis/apps/v1/namespaces/default/deployments',
      { fieldSelector: 'metadata.name=web28' },
      (_type, d: k8s.V1Deployment) =>
        seen.push({ replicas: d.status?.replicas ?? 0, available: d.status?.availableReplicas ?? 0 }),
      () => undefined,
    );
    h.file('d.yaml', spec('nginx:1.26'));
    await h.run(['apply', '-f', file]);
    const status = await h.run(['rollout', 'status', 'deploy/web28', '--timeout=30s']);
    assert.equal(status.code, 0, status.stderr);
    watch.abort();
    assert.ok(seen.length > 3, 'the rollout went through several states');
    assert.ok(
      seen.every((s) => s.replicas <= 5),
      `never above replicas + maxSurge: ${JSON.stringify(seen)}`,
    );
    assert.ok(
      seen.every((s) => s.available >= 4),
      `never below replicas - maxUnavailable: ${JSON.stringify(seen)}`,
    );

    const d = await apps.readNamespacedDeployment({ name: 'web28', namespace: 'default' });
    assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
    const rs2 = (await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=web28' }))
      .items;
    const byRevision = new Map(
      rs2.map((rs) => [rs.metadata!.annotations!['deployment.kubernetes.io/revision'], rs]),
    );
    assert.equal(byRevision.get('1')?.spec?.replicas, 0);
    assert.equal(byRevision.get('2')?.spec?.replicas, 4);
    await eventually(
      async () => {
        const pods = (
          await h.run([
            'get',
            'pods',
            '-l',
            'app=web28',
            '-o',
            'jsonpath={.items[*].spec.containers[0].image}',
          ])
        ).stdout;
        return pods.split(' ').every((i) => i === 'nginx:1.26') ? true : undefined;
      },
      10_000,
      'old pods gone',
    );

    const undo = await h.run(['rollout', 'undo', 'deploy/web28']);
    assert.equal(undo.stdout, 'deployment.apps/web28 rolled back\n', undo.stderr);
    assert.equal((await h.run(['rollout', 'status', 'deploy/web28', '--timeout=30s'])).code, 0);
    const back = await apps.readNamespacedDeployment({ name: 'web28', namespace: 'default' });
    assert.equal(back.spec?.template.spec?.containers[0].image, 'nginx:1.25');
    assert.equal(back.metadata?.annotations?.['deployment.kubernetes.io/revision'], '3');
    const rs3 = (await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=web28' }))
      .items;
    assert.equal(rs3.length, 2, 'revision 1 ReplicaSet reused, not a new one');
    const reused = rs3.find((rs) => rs.metadata!.name === rs1[0].metadata.name)!;
    assert.equal(reused.metadata!.annotations!['deployment.kubernetes.io/revision'], '3');
    assert.equal(reused.spec?.replicas, 4);
    const history = await h.run(['rollout', 'history', 'deploy/web28']);
    assert.match(history.stdout, /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/);
  });

  it('29: a crash-looping template fails rollout status; past progressDeadlineSeconds it is ProgressDeadlineExceeded', async () => {
    const h = ts.home();
    const file = h.file(
      'd.yaml',
      deployment('web29', {
        replicas: 2,
        annotations: { 'sandbox.meshdeck.dev/fault': 'crash-loop' },
        extraSpec: '  progressDeadlineSeconds: 40',
      }),
    );
    await h.run(['apply', '-f', file]);
    const timedOut = await h.run(['rollout', 'status', 'deploy/web29', '--timeout=1s']);
    assert.equal(timedOut.code, 1);
    assert.match(timedOut.stderr, /error: timed out waiting for the condition/);
    // 40 s scaled by 0.05: about 2 s without progress.
    const failed = await h.run(['rollout', 'status', 'deploy/web29', '--timeout=20s']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /error: deployment "web29" exceeded its progress deadline/);
    const d = JSON.parse((await h.run(['get', 'deploy', 'web29', '-o', 'json'])).stdout);
    const progressing = d.status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    assert.deepEqual([progressing.status, progressing.reason], ['False', 'ProgressDeadlineExceeded']);
    assert.match(progressing.message, /^ReplicaSet "web29-\w+" has timed out progressing\.$/);
    const pods = await eventually(
      async () => {
        const out = (await h.run(['get', 'pods', '-l', 'app=web29', '--no-headers'])).stdout;
        return /CrashLoopBackOff/.test(out) ? out : undefined;
      },
      10_000,
      'CrashLoopBackOff',
    );
    assert.match(pods, /^web29-\S+\s+0\/1\s+(CrashLoopBackOff|Error|Running)\s+[1-9]/m);
    const pod = JSON.parse((await h.run(['get', 'pods', '-l', 'app=web29', '-o', 'json'])).stdout).items[0];
    const cs = pod.status.containerStatuses[0];
    assert.equal(cs.lastState.terminated.exitCode, 1);
    assert.equal(cs.lastState.terminated.reason, 'Error');
    assert.ok(cs.restartCount >= 1);
  });

  it('29: injected image pull failure, never-ready and OOMKilled show as a real cluster shows them', async () => {
    const h = ts.home();
    const pod = (name: string, fault: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, annotations: {sandbox.meshdeck.dev/fault: ${fault}}}\nspec: {containers: [{name: c, image: example.com/nope:1}]}\n---\n`;
    await h.run([
      'apply',
      '-f',
      h.file(
        'p.yaml',
        pod('pull', 'image-pull-failure') + pod('unready', 'never-ready') + pod('oom', 'oom-killed'),
      ),
    ]);
    const rows = await eventually(
      async () => {
        const out = (await h.run(['get', 'pods', 'pull', 'unready', 'oom', '--no-headers'])).stdout;
        return /pull\s+0\/1\s+ImagePullBackOff/.test(out) &&
          /unready\s+0\/1\s+Running\s+0/.test(out) &&
          /oom\s+0\/1\s+\S+\s+[1-9]/.test(out)
          ? out
          : undefined;
      },
      10_000,
      'faulty pods',
    );
    assert.match(rows, /pull\s+0\/1\s+ImagePullBackOff\s+0/);
    const oom = JSON.parse((await h.run(['get', 'pod', 'oom', '-o', 'json'])).stdout);
    assert.deepEqual(
      [
        oom.status.containerStatuses[0].lastState.terminated.reason,
        oom.status.containerStatuses[0].lastState.terminated.exitCode,
      ],
      ['OOMKilled', 137],
    );
    const pull = JSON.parse((await h.run(['get', 'pod', 'pull', '-o', 'json'])).stdout);
    assert.equal(pull.status.phase, 'Pending');
    const unready = JSON.parse((await h.run(['get', 'pod', 'unready', '-o', 'json'])).stdout);
    const ready = unready.status.conditions.find((c: { type: string }) => c.type === 'Ready');
    assert.deepEqual([ready.status, ready.reason], ['False', 'ContainersNotReady']);
    const wait = await h.run(['wait', '--for=condition=Ready', 'pod/unready', '--timeout=1s']);
    assert.equal(wait.code, 1);
  });

  it('31: kubectl wait --for=condition=complete; pods Completed; succeeded == completions; backoffLimit fails a job', async () => {
    const h = ts.home();
    const job = (name: string, extra: string, annotations = '{}') => `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
${extra}
  template:
    metadata: {annotations: ${annotations}}
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: perl:5.34, command: [perl, "-Mbignum=bpi", "-wle", "print bpi(20)"]}]
`;
    await h.run([
      'apply',
      '-f',
      h.file(
        'j.yaml',
        job('pi', '  completions: 3\n  parallelism: 2', '{sandbox.meshdeck.dev/run-duration: 2s}'),
      ),
    ]);
    const wait = await h.run(['wait', '--for=condition=complete', 'job/pi', '--timeout=30s']);
    assert.equal(wait.stdout, 'job.batch/pi condition met\n', wait.stderr);
    const j = JSON.parse((await h.run(['get', 'job', 'pi', '-o', 'json'])).stdout);
    assert.equal(j.status.succeeded, 3);
    assert.ok(j.status.startTime && j.status.completionTime);
    assert.deepEqual(
      j.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`),
      ['SuccessCriteriaMet=True', 'Complete=True'],
    );
    assert.equal(j.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'], j.metadata.uid);
    const pods = (await h.run(['get', 'pods', '-l', 'job-name=pi', '--no-headers'])).stdout
      .trim()
      .split('\n');
    assert.equal(pods.length, 3);
    for (const row of pods) assert.match(row, /^pi-\S+\s+0\/1\s+Completed\s+0\s/);
    assert.match((await h.run(['get', 'job', 'pi'])).stdout, /^pi\s+Complete\s+3\/3\s/m);

    await h.run([
      'apply',
      '-f',
      h.file(
        'f.yaml',
        job(
          'doomed',
          '  backoffLimit: 1',
          '{sandbox.meshdeck.dev/run-duration: 1s, sandbox.meshdeck.dev/exit-code: "3"}',
        ),
      ),
    ]);
    const failed = await h.run(['wait', '--for=condition=failed', 'job/doomed', '--timeout=30s']);
    assert.equal(failed.stdout, 'job.batch/doomed condition met\n', failed.stderr);
    const f = JSON.parse((await h.run(['get', 'job', 'doomed', '-o', 'json'])).stdout);
    assert.equal(f.status.failed, 2);
    const cond = f.status.conditions.find((c: { type: string }) => c.type === 'Failed');
    assert.deepEqual(
      [cond.reason, cond.message],
      ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    );
    const podRows = (await h.run(['get', 'pods', '-l', 'job-name=doomed', '--no-headers'])).stdout
      .trim()
      .split('\n');
    assert.equal(podRows.length, 2);
    for (const row of podRows) assert.match(row, /^doomed-\S+\s+0\/1\s+Error\s+0\s/);
  });
});
