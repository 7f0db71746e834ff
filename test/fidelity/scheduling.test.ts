// Class 7: scheduling and resource admission as a 1.32 cluster does them: requests against node
// allocatable, cordon (with its taint), node selectors, pending pods retried when the cluster changes,
// FailedScheduling worded as kube-scheduler words it; QoS class and requests defaulted from limits;
// LimitRange, ResourceQuota (status.used, 403 exceeded quota) and Priority admission; describe node's
// "Allocated resources". Through kubectl (three versions) and the official Python client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KUBECTL_VERSIONS, eventually, testSandbox, type KubectlHome, type TestSandbox } from './helpers.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';

let ts: TestSandbox;
let home: KubectlHome;
let node: string;

before(async () => {
  ts = await testSandbox();
  home = ts.home();
  node = (await home.run(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout.trim();
  assert.ok(node);
});
after(async () => {
  await ts.stop();
});

function pod(
  name: string,
  spec: Record<string, unknown> = {},
  resources?: Record<string, unknown>,
  ns = 'default',
) {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: { containers: [{ name: 'app', image: 'nginx', ...(resources ? { resources } : {}) }], ...spec },
  });
}

async function create(manifest: string, version?: string) {
  return home.run(['create', '-f', '-'], { input: manifest, version });
}

async function jsonOf(args: string[]) {
  const r = await home.run([...args, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const nodeName = async (name: string, ns = 'default') =>
  (await jsonOf(['get', 'pod', name, '-n', ns])).spec.nodeName as string | undefined;

async function failedScheduling(name: string): Promise<string | undefined> {
  const events = await jsonOf(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
  const e = events.items.find((x: { reason: string }) => x.reason === 'FailedScheduling');
  return e?.message;
}

test('requests beyond allocatable stay Pending with FailedScheduling, and bind once resources are freed', async () => {
  assert.equal((await create(pod('big-a', {}, { requests: { cpu: '3' } }))).code, 0);
  await eventually(() => nodeName('big-a'), 10_000, 'big-a bound');
  assert.equal((await create(pod('big-b', {}, { requests: { cpu: '2', memory: '1Gi' } }))).code, 0);
  const message = await eventually(() => failedScheduling('big-b'), 10_000, 'FailedScheduling');
  assert.equal(
    message,
    '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
  );
  const pending = await jsonOf(['get', 'pod', 'big-b']);
  const cond = pending.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled');
  assert.equal(cond.status, 'False');
  assert.equal(cond.reason, 'Unschedulable');
  assert.equal((await home.run(['delete', 'pod', 'big-a', '--wait=false'])).code, 0);
  await eventually(() => nodeName('big-b'), 15_000, 'big-b bound after big-a went');
  await home.run(['delete', 'pod', 'big-b', '--wait=false']);
});

test('cordon taints the node and keeps new pods off it; uncordon lets them in', async () => {
  assert.equal((await home.run(['cordon', node])).code, 0);
  const taints = await eventually(
    async () => {
      const t = (await jsonOf(['get', 'node', node])).spec.taints as
        Array<{ key: string; effect: string }> | undefined;
      return t?.some((x) => x.key === 'node.kubernetes.io/unschedulable') ? t : undefined;
    },
    5000,
    'unschedulable taint',
  );
  assert.equal(taints.find((x) => x.key === 'node.kubernetes.io/unschedulable')!.effect, 'NoSchedule');
  assert.equal((await create(pod('cordoned'))).code, 0);
  const message = await eventually(() => failedScheduling('cordoned'), 10_000, 'FailedScheduling');
  assert.match(message, /^0\/1 nodes are available: 1 node\(s\) were unschedulable\. preemption: /);
  assert.equal((await home.run(['uncordon', node])).code, 0);
  await eventually(() => nodeName('cordoned'), 10_000, 'bound after uncordon');
  const after = (await jsonOf(['get', 'node', node])).spec.taints as unknown[] | undefined;
  assert.ok(!after || after.length === 0);
});

test('a nodeSelector nobody matches waits until a node is labelled', async () => {
  assert.equal((await create(pod('picky', { nodeSelector: { disk: 'ssd' } }))).code, 0);
  const message = await eventually(() => failedScheduling('picky'), 10_000, 'FailedScheduling');
  assert.match(message, /1 node\(s\) didn't match Pod's node affinity\/selector/);
  assert.equal((await home.run(['label', 'node', node, 'disk=ssd'])).code, 0);
  assert.equal(await eventually(() => nodeName('picky'), 10_000, 'bound after label'), node);
});

test('QoS class and requests defaulted from limits', async () => {
  await create(pod('qos-g', {}, { limits: { cpu: '100m', memory: '64Mi' } }));
  await create(pod('qos-b', {}, { requests: { cpu: '50m' }, limits: { cpu: '100m' } }));
  await create(pod('qos-be'));
  const g = await jsonOf(['get', 'pod', 'qos-g']);
  assert.deepEqual(g.spec.containers[0].resources.requests, { cpu: '100m', memory: '64Mi' });
  assert.equal(g.status.qosClass, 'Guaranteed');
  assert.equal((await jsonOf(['get', 'pod', 'qos-b'])).status.qosClass, 'Burstable');
  assert.equal((await jsonOf(['get', 'pod', 'qos-be'])).status.qosClass, 'BestEffort');
});

test('LimitRange fills container defaults and refuses more than max', async () => {
  assert.equal((await home.run(['create', 'namespace', 'limited'])).code, 0);
  const lr = {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'defaults', namespace: 'limited' },
    spec: {
      limits: [
        { type: 'Container', default: { cpu: '200m' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } },
      ],
    },
  };
  assert.equal((await create(JSON.stringify(lr))).code, 0);
  assert.equal((await create(pod('defaulted', {}, undefined, 'limited'))).code, 0);
  const got = await jsonOf(['get', 'pod', 'defaulted', '-n', 'limited']);
  assert.deepEqual(got.spec.containers[0].resources, { limits: { cpu: '200m' }, requests: { cpu: '100m' } });
  const tooBig = await create(pod('greedy', {}, { limits: { cpu: '2' } }, 'limited'));
  assert.equal(tooBig.code, 1);
  assert.match(
    tooBig.stderr,
    /pods "greedy" is forbidden: maximum cpu usage per Container is 1, but limit is 2/,
  );
});

for (const version of KUBECTL_VERSIONS) {
  test(`kubectl ${version}: ResourceQuota tracks usage and refuses what exceeds it`, async () => {
    const ns = `quota-${version.replace('.', '')}`;
    assert.equal((await home.run(['create', 'namespace', ns], { version })).code, 0);
    const quota = await home.run(['create', 'quota', 'compute', '-n', ns, '--hard=requests.cpu=1,pods=3'], {
      version,
    });
    assert.equal(quota.code, 0, quota.stderr);
    assert.equal((await create(pod('one', {}, { requests: { cpu: '600m' } }, ns), version)).code, 0);
    const over = await create(pod('two', {}, { requests: { cpu: '500m' } }, ns), version);
    assert.equal(over.code, 1);
    assert.match(
      over.stderr,
      /pods "two" is forbidden: exceeded quota: compute, requested: requests\.cpu=500m, used: requests\.cpu=600m, limited: requests\.cpu=1/,
    );
    const unspecified = await create(pod('three', {}, undefined, ns), version);
    assert.match(unspecified.stderr, /failed quota: compute: must specify requests\.cpu/);
    const used = await eventually(
      async () => {
        const q = await jsonOf(['get', 'quota', 'compute', '-n', ns]);
        return q.status?.used?.pods === '1' ? q.status.used : undefined;
      },
      5000,
      'quota status.used',
    );
    assert.deepEqual(used, { pods: '1', 'requests.cpu': '600m' });
    const described = await home.run(['describe', 'quota', 'compute', '-n', ns], { version });
    assert.match(described.stdout, /requests\.cpu\s+600m\s+1/);
  });

  test(`kubectl ${version}: describe node shows Allocated resources`, async () => {
    const r = await home.run(['describe', 'node', node], { version });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Allocated resources:/);
    assert.match(r.stdout, /cpu\s+\d+m? \(\d+%\)\s+\d+m? \(\d+%\)/);
    assert.match(r.stdout, /Non-terminated Pods:/);
  });
}

test('Priority: priorityClassName resolves to spec.priority; unknown classes are refused', async () => {
  assert.equal((await create(pod('critical', { priorityClassName: 'system-cluster-critical' }))).code, 0);
  assert.equal((await jsonOf(['get', 'pod', 'critical'])).spec.priority, 2000000000);
  const pc = {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'high' },
    value: 1000,
  };
  assert.equal((await create(JSON.stringify(pc))).code, 0);
  assert.equal((await create(pod('high-one', { priorityClassName: 'high' }))).code, 0);
  assert.equal((await jsonOf(['get', 'pod', 'high-one'])).spec.priority, 1000);
  const unknown = await create(pod('nobody', { priorityClassName: 'nope' }));
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /pods "nobody" is forbidden: no PriorityClass with name nope was found/);
});

test('the Python client sees qosClass and the quota refusal as a 403', async (t) => {
  if (!needPrograms(t, PYTHON_KUBERNETES)) return;
  assert.equal((await home.run(['create', 'namespace', 'pyquota'])).code, 0);
  assert.equal((await home.run(['create', 'quota', 'count', '-n', 'pyquota', '--hard=pods=1'])).code, 0);
  const r = await ts.home().python(`
import json
from kubernetes import client, config
config.load_kube_config()
v1 = client.CoreV1Api()
def pod(name):
    c = client.V1Container(name="app", image="nginx", resources=client.V1ResourceRequirements(limits={"cpu": "100m", "memory": "32Mi"}))
    return client.V1Pod(metadata=client.V1ObjectMeta(name=name), spec=client.V1PodSpec(containers=[c]))
first = v1.create_namespaced_pod("pyquota", pod("first"))
try:
    v1.create_namespaced_pod("pyquota", pod("second"))
    second = {"status": 201}
except client.exceptions.ApiException as e:
    second = {"status": e.status, "message": json.loads(e.body)["message"]}
print(json.dumps({"qos": first.status.qos_class, "requests": first.spec.containers[0].resources.requests, "second": second}))
`);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.qos, 'Guaranteed');
  assert.deepEqual(out.requests, { cpu: '100m', memory: '32Mi' });
  assert.equal(out.second.status, 403);
  assert.match(out.second.message, /exceeded quota: count, requested: pods=1, used: pods=1, limited: pods=1/);
});
