// The process runtime end to end: a Deployment of meshdeck's own image runs `meshdeck perf serve` as
// real child processes; kubectl rollout status succeeds; a LoadBalancer Service gets Endpoints, an
// EndpointSlice and a loopback address that `meshdeck perf run` loads; pods/log serves the processes'
// output (follow included); an exit code sets the phase; stopping the sandbox leaves no process behind.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runMeshdeck } from '../helpers/cli.js';
import { eventually, processAlive as alive, Streaming, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox({ timeScale: 0.05 });
});
after(() => ts.stop());

// Each pod listens on its own loopback address, so the port only has to be free there.
const PORT = 20_000 + Math.floor(Math.random() * 20_000);

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata: {name: echo, labels: {app: echo}}
spec:
  replicas: 2
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
      - name: echo
        image: meshdeck
        args: [perf, serve, --port, "${PORT}"]
        ports: [{name: http, containerPort: ${PORT}}]
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  type: LoadBalancer
  selector: {app: echo}
  ports: [{name: http, port: 80, targetPort: http}]
`;

describe('process runtime', () => {
  it('a meshdeck Deployment rolls out as real processes behind a LoadBalancer Service that perf run reaches', async () => {
    const h = ts.home();
    await h.run(['apply', '-f', h.file('echo.yaml', manifests)]);
    const rollout = await h.run(['rollout', 'status', 'deploy/echo', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(rollout.code, 0, rollout.stderr);
    assert.match(rollout.stdout, /deployment "echo" successfully rolled out/);

    const procs = ts.sandbox.processes().filter((p) => p.pod.startsWith('echo-'));
    assert.equal(procs.length, 2);
    for (const p of procs) {
      assert.ok(alive(p.pid));
      assert.match(p.address, /^127\.\d+\.\d+\.\d+$/);
      assert.deepEqual(p.argv.slice(-6), ['perf', 'serve', '--port', String(PORT), '--host', p.address]);
    }

    const ep = JSON.parse((await h.run(['get', 'endpoints', 'echo', '-o', 'json'])).stdout);
    const ips = ep.subsets[0].addresses.map((a: { ip: string }) => a.ip).sort();
    assert.deepEqual(ips, procs.map((p) => p.address).sort());
    assert.deepEqual(ep.subsets[0].ports, [{ name: 'http', port: PORT, protocol: 'TCP' }]);
    const slices = JSON.parse(
      (await h.run(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=echo', '-o', 'json'])).stdout,
    ).items;
    assert.equal(slices.length, 1);
    assert.deepEqual(
      slices[0].endpoints.map((e: { conditions: { ready: boolean } }) => e.conditions.ready),
      [true, true],
    );

    const url = ts.sandbox.serviceUrl('default', 'echo');
    assert.ok(url);
    const svc = await eventually(async () => {
      const s = JSON.parse((await h.run(['get', 'svc', 'echo', '-o', 'json'])).stdout);
      return s.status.loadBalancer.ingress ? s : undefined;
    });
    const ingress = svc.status.loadBalancer.ingress[0];
    assert.equal(`http://${ingress.ip}:${ingress.ports[0].port}`, url);
    assert.equal(ts.sandbox.serviceUrl('default', 'echo', { port: 'http' }), url);
    assert.equal(ts.sandbox.serviceUrl('default', 'echo', { port: 80 }), url);

    const res = await fetch(`${url}/?size=16`);
    assert.equal(res.status, 200);
    assert.equal((await res.text()).length, 16);
    const load = await runMeshdeck(
      ['perf', 'run', url, '--requests', '200', '-c', '4', '--no-save', '-o', 'json'],
      {
        timeoutMs: 60_000,
      },
    );
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /"requests"/);
    assert.ok(ts.errors.length === 0, String(ts.errors[0]));
  });

  it('pods/log serves a process container output, and follow streams until the pod goes', async () => {
    const h = ts.home();
    const pod = (await h.run(['get', 'pods', '-l', 'app=echo', '-o', 'jsonpath={.items[0].metadata.name}']))
      .stdout;
    assert.match(pod, /^echo-/);
    const logs = await h.run(['logs', 'deploy/echo']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, new RegExp(`http://127\\.\\d+\\.\\d+\\.\\d+:${PORT}/`));
    const follow = new Streaming(h, ['logs', '-f', pod, '--tail=1']);
    await follow.waitFor(new RegExp(`:${PORT}`));
    const pid = ts.sandbox.processes().find((p) => p.pod === pod)!.pid;
    await h.run(['delete', 'pod', pod, '--wait=false']);
    assert.equal(await follow.exited, 0);
    await eventually(() => !alive(pid), 10_000, 'the deleted pod process to end');
  });

  it('an exit code sets the phase: 0 Succeeded, non-zero Failed, and a crash restarts with Always', async () => {
    const h = ts.home();
    const pod = (name: string, args: string[], restartPolicy: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  restartPolicy: ${restartPolicy}\n  containers: [{name: c, image: "meshdeck:latest", args: ${JSON.stringify(args)}}]\n---\n`;
    await h.run([
      'apply',
      '-f',
      h.file(
        'pods.yaml',
        pod('ok', ['--version'], 'Never') +
          pod('bad', ['perf', 'serve', '--port', 'notaport'], 'Never') +
          pod('again', ['perf', 'serve', '--port', 'notaport'], 'Always'),
      ),
    ]);
    const phases = await eventually(
      async () => {
        const out = (await h.run(['get', 'pods', 'ok', 'bad', '-o', 'jsonpath={.items[*].status.phase}']))
          .stdout;
        return out === 'Succeeded Failed' ? out : undefined;
      },
      20_000,
      'phases',
    );
    assert.equal(phases, 'Succeeded Failed');
    const bad = JSON.parse((await h.run(['get', 'pod', 'bad', '-o', 'json'])).stdout);
    const term = bad.status.containerStatuses[0].state.terminated;
    assert.equal(term.reason, 'Error');
    assert.ok(term.exitCode > 0);
    const badLog = await h.run(['logs', 'bad']);
    assert.match(badLog.stdout, /--port/);
    const okLog = await h.run(['logs', 'ok']);
    assert.match(okLog.stdout, /\d+\.\d+\.\d+/);
    const restarted = await eventually(
      async () => {
        const p = JSON.parse((await h.run(['get', 'pod', 'again', '-o', 'json'])).stdout);
        return p.status.containerStatuses?.[0]?.restartCount >= 1 ? p : undefined;
      },
      20_000,
      'a restart',
    );
    assert.equal(restarted.status.phase, 'Running');
    assert.ok(restarted.status.containerStatuses[0].lastState.terminated.exitCode > 0);
  });

  it('stopping the sandbox ends every process it started', async () => {
    const own = await testSandbox({ timeScale: 0.05 });
    try {
      const h = own.home();
      await h.run(['apply', '-f', h.file('echo.yaml', manifests)]);
      const r = await h.run(['rollout', 'status', 'deploy/echo', '--timeout=60s'], { timeoutMs: 70_000 });
      assert.equal(r.code, 0, r.stderr);
      const pids = own.sandbox.processes().map((p) => p.pid);
      assert.equal(pids.length, 2);
      assert.ok(pids.every(alive));
      await own.stop();
      assert.deepEqual(pids.filter(alive), []);
      assert.deepEqual(own.sandbox.processes(), []);
    } finally {
      await own.stop();
    }
  });
});
