// Spec §5 tests 32-34: a Service's Endpoints and EndpointSlice follow its pods as a Deployment scales,
// a LoadBalancer Service gets an ingress only while the fake load balancer is on; `kubectl describe
// pod` finds the pod's Events; synthetic logs with follow and tail, and the kubelet's 400 for a pod
// with several containers and none named.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, k8s, raw, Streaming, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox({ timeScale: 0.05 });
});
after(() => ts.stop());

const app = (name: string, replicas: number, type = 'ClusterIP') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: nginx:1.25, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  type: ${type}
  selector: {app: ${name}}
  ports: [{name: web, port: 80, targetPort: http}]
`;

interface Slice {
  endpoints: Array<{ addresses: string[]; conditions: { ready: boolean }; targetRef: { name: string } }>;
  ports: unknown[];
}

describe('services, events and logs (fidelity 32-34)', () => {
  it('32: Endpoints and an EndpointSlice list one ready address per ready pod, through scale up and down', async () => {
    const h = ts.home();
    await h.run(['apply', '-f', h.file('web.yaml', app('web32', 2, 'LoadBalancer'))]);
    const state = async () => {
      const ep = JSON.parse((await h.run(['get', 'endpoints', 'web32', '-o', 'json'])).stdout);
      const slices = JSON.parse(
        (await h.run(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web32', '-o', 'json']))
          .stdout,
      ).items as Slice[];
      const pods = JSON.parse((await h.run(['get', 'pods', '-l', 'app=web32', '-o', 'json'])).stdout)
        .items as Array<{
        metadata: { name: string };
        status: { podIP?: string; conditions?: Array<{ type: string; status: string }> };
      }>;
      const readyIps = pods
        .filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        .map((p) => p.status.podIP)
        .sort();
      const epIps = ((ep.subsets?.[0]?.addresses ?? []) as Array<{ ip: string }>).map((a) => a.ip).sort();
      const sliceIps = (slices[0]?.endpoints ?? [])
        .filter((e) => e.conditions.ready)
        .map((e) => e.addresses[0])
        .sort();
      return { ep, slices, readyIps, epIps, sliceIps };
    };
    for (const replicas of [2, 3, 1]) {
      if (replicas !== 2) await h.run(['scale', 'deploy/web32', `--replicas=${replicas}`]);
      const s = await eventually(
        async () => {
          const x = await state();
          return x.readyIps.length === replicas &&
            JSON.stringify(x.epIps) === JSON.stringify(x.readyIps) &&
            JSON.stringify(x.sliceIps) === JSON.stringify(x.readyIps)
            ? x
            : undefined;
        },
        15_000,
        `${replicas} endpoints`,
      );
      assert.equal(s.slices.length, 1);
      assert.deepEqual(s.ep.subsets[0].ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
      assert.deepEqual(s.slices[0].ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
    }
    const svc = await eventually(async () => {
      const x = JSON.parse((await h.run(['get', 'svc', 'web32', '-o', 'json'])).stdout);
      return x.status.loadBalancer.ingress ? x : undefined;
    });
    assert.equal(svc.status.loadBalancer.ingress[0].ip, '127.0.0.1');
    const slice = JSON.parse(
      (await h.run(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web32', '-o', 'json'])).stdout,
    ).items[0];
    assert.equal(
      slice.metadata.labels['endpointslice.kubernetes.io/managed-by'],
      'endpointslice-controller.k8s.io',
    );
    assert.deepEqual(
      slice.metadata.ownerReferences.map((r: { kind: string; name: string }) => [r.kind, r.name]),
      [['Service', 'web32']],
    );
    // The Service goes: its Endpoints and slices go too.
    await h.run(['delete', 'svc', 'web32']);
    await eventually(
      async () => {
        const left = await h.run([
          'get',
          'endpoints,endpointslices',
          '-l',
          'kubernetes.io/service-name=web32',
          '-o',
          'name',
        ]);
        const ep = await h.run(['get', 'endpoints', 'web32']);
        return left.stdout === '' && ep.code === 1 ? true : undefined;
      },
      10_000,
      'endpoints removed',
    );
  });

  it('32: with the fake load balancer off, a LoadBalancer Service stays pending', async () => {
    const off = await testSandbox({ timeScale: 0.05, loadBalancers: false });
    try {
      const h = off.home();
      await h.run(['apply', '-f', h.file('web.yaml', app('pending', 1, 'LoadBalancer'))]);
      await eventually(async () => {
        const ep = JSON.parse((await h.run(['get', 'endpoints', 'pending', '-o', 'json'])).stdout);
        return ep.subsets?.[0]?.addresses?.length === 1 ? true : undefined;
      }, 15_000);
      const row = (await h.run(['get', 'svc', 'pending', '--no-headers'])).stdout;
      assert.match(row, /^pending\s+LoadBalancer\s+\S+\s+<pending>\s+80:\d+\/TCP/);
    } finally {
      await off.stop();
    }
  });

  it('33: kubectl describe pod shows its Events, found by the involvedObject field selector', async () => {
    const h = ts.home();
    await h.run([
      'apply',
      '-f',
      h.file(
        'p.yaml',
        'apiVersion: v1\nkind: Pod\nmetadata: {name: described}\nspec: {containers: [{name: c, image: nginx:1.25}]}\n',
      ),
    ]);
    const out = await eventually(
      async () => {
        const d = (await h.run(['describe', 'pod', 'described'])).stdout;
        return /Started/.test(d) ? d : undefined;
      },
      10_000,
      'Started event',
    );
    const events = out.slice(out.indexOf('Events:'));
    for (const reason of ['Scheduled', 'Pulled', 'Created', 'Started'])
      assert.match(events, new RegExp(`Normal\\s+${reason}\\s`));
    assert.match(events, /Successfully assigned default\/described to sandbox-node-1/);
    assert.ok(
      ts.requests.some(
        (r) =>
          r.url.includes('/events?') && decodeURIComponent(r.url).includes('involvedObject.name=described'),
      ),
    );
  });

  it('34: kubectl logs serves synthetic lines, follows with --tail, and a pod with two containers needs -c', async () => {
    const h = ts.home();
    await h.run(['apply', '-f', h.file('web.yaml', app('web34', 1))]);
    const r = await h.run(['rollout', 'status', 'deploy/web34', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    const logs = await h.run(['logs', 'deploy/web34']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /^starting c \(nginx:1\.25\) in pod default\/web34-/);
    const pod = (await h.run(['get', 'pods', '-l', 'app=web34', '-o', 'jsonpath={.items[0].metadata.name}']))
      .stdout;
    // A line every 5 s, scaled by 0.05: new lines arrive while kubectl follows.
    await new Promise((res) => setTimeout(res, 600));
    const follow = new Streaming(h, ['logs', '-f', pod, '--tail=2']);
    await follow.waitFor(/(.*\n){4}/, 10_000);
    const first = follow.stdout.split('\n').slice(0, 2);
    assert.equal(first.length, 2);
    await follow.kill();

    await h.run([
      'apply',
      '-f',
      h.file(
        'two.yaml',
        'apiVersion: v1\nkind: Pod\nmetadata: {name: two}\nspec: {containers: [{name: a, image: nginx:1.25}, {name: b, image: busybox:1.36}]}\n',
      ),
    ]);
    await eventually(
      async () =>
        (await h.run(['get', 'pod', 'two', '--no-headers'])).stdout.includes('Running') || undefined,
      10_000,
    );
    const res = await raw(ts, '/api/v1/namespaces/default/pods/two/log');
    assert.equal(res.status, 400);
    assert.equal(res.json().message, 'a container name must be specified for pod two, choose one of: [a b]');
    const api = ts.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const b = await api.readNamespacedPodLog({ namespace: 'default', name: 'two', container: 'b' });
    assert.match(b, /^starting b \(busybox:1\.36\)/);
  });
});
