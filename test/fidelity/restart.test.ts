// Restart with a data dir (issue 17, class 11): pods whose containers ran as real processes before the
// sandbox stopped get new processes when it starts again, as a kubelet after a reboot: the old run ends
// as terminated (Unknown, 255), restartCount goes up, a new startedAt, Ready again once the new process
// answers on the pod's (unchanged) address; logs are the new process's own, and there is no made-up
// previous log. Seen through kubectl 1.27, 1.32, 1.33 and the Python client.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';
import { eventually, KUBECTL_VERSIONS, KubectlHome, processAlive as alive } from './helpers.js';

const PORT = 20_000 + Math.floor(Math.random() * 20_000);
let dataDir: string;
let sandbox: Sandbox | undefined;
const homes: KubectlHome[] = [];

interface PodView {
  status: {
    podIP: string;
    phase: string;
    containerStatuses: Array<{
      restartCount: number;
      ready: boolean;
      state: { running?: { startedAt: string } };
      lastState: { terminated?: { exitCode: number; reason: string } };
    }>;
  };
}

async function boot(): Promise<KubectlHome> {
  sandbox = await startSandbox({ dataDir, timeScale: 0.05 });
  const h = new KubectlHome(sandbox.kubeconfig);
  homes.push(h);
  return h;
}

async function pod(h: KubectlHome): Promise<PodView> {
  const r = await h.run(['get', 'pod', 'echo', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PodView;
}

let before1: { pid: number; startedAt: string; podIP: string };
let h: KubectlHome;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-sandbox-restart-'));
  const first = await boot();
  const manifest = `apiVersion: v1
kind: Pod
metadata: {name: echo}
spec:
  containers:
  - name: echo
    image: meshdeck
    args: [perf, serve, --port, "${PORT}"]
    ports: [{containerPort: ${PORT}}]
`;
  assert.equal((await first.run(['apply', '-f', first.file('echo.yaml', manifest)])).code, 0);
  const ready = await first.run(['wait', '--for=condition=Ready', 'pod/echo', '--timeout=60s'], {
    timeoutMs: 70_000,
  });
  assert.equal(ready.code, 0, ready.stderr);
  const p = await pod(first);
  const proc = sandbox!.processes().find((x) => x.pod === 'echo')!;
  before1 = {
    pid: proc.pid,
    startedAt: p.status.containerStatuses[0].state.running!.startedAt,
    podIP: p.status.podIP,
  };
  await sandbox!.stop();
  sandbox = undefined;
  assert.equal(alive(before1.pid), false, 'the process ended with the sandbox');
  // startedAt has a precision of seconds: the new run must be visibly later.
  await new Promise((r) => setTimeout(r, 1100));
  h = await boot();
});

after(async () => {
  await sandbox?.stop();
  for (const home of homes) home.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('restart with a data dir', () => {
  it('starts a new process for the pod: restartCount 1, a new startedAt, Ready on the same podIP', async () => {
    const p = await eventually(
      async () => {
        const v = await pod(h);
        const cs = v.status.containerStatuses[0];
        return cs.restartCount === 1 && cs.ready ? v : undefined;
      },
      30_000,
      'the pod to run again',
    );
    const cs = p.status.containerStatuses[0];
    assert.equal(p.status.phase, 'Running');
    assert.ok(cs.state.running, JSON.stringify(cs));
    assert.ok(Date.parse(cs.state.running.startedAt) > Date.parse(before1.startedAt));
    assert.deepEqual(
      { exitCode: cs.lastState.terminated?.exitCode, reason: cs.lastState.terminated?.reason },
      { exitCode: 255, reason: 'Unknown' },
    );
    assert.equal(p.status.podIP, before1.podIP);
    const proc = sandbox!.processes().find((x) => x.pod === 'echo');
    assert.ok(proc && alive(proc.pid) && proc.pid !== before1.pid, JSON.stringify(proc));
    assert.equal(proc.address, before1.podIP);
    // Something real answers behind it.
    const res = await fetch(`http://${p.status.podIP}:${PORT}/`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const events = await h.run([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=echo',
      '-o',
      'json',
    ]);
    const reasons = (JSON.parse(events.stdout) as { items: Array<{ reason: string }> }).items.map(
      (e) => e.reason,
    );
    assert.ok(reasons.includes('SandboxChanged'), reasons.join(' '));
  });

  for (const version of KUBECTL_VERSIONS) {
    it(`kubectl ${version}: logs are the new process's, and there is no made-up previous log`, async () => {
      const proc = sandbox!.processes().find((x) => x.pod === 'echo')!;
      const logs = await eventually(async () => {
        const r = await h.run(['logs', 'echo'], { version });
        return r.code === 0 && r.stdout.length > 0 ? r.stdout : undefined;
      }, 15_000);
      assert.match(logs, new RegExp(proc.address.replace(/\./g, '\\.')));
      assert.doesNotMatch(logs, /GET \/api\/v1\/items/); // the simulated containers' synthetic lines
      const previous = await h.run(['logs', 'echo', '--previous'], { version });
      assert.equal(previous.code, 1);
      assert.match(previous.stderr, /previous terminated container "echo" in pod "echo" not found/);
      const restarts = await h.run(
        ['get', 'pod', 'echo', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'],
        {
          version,
        },
      );
      assert.equal(restarts.stdout, '1');
    });
  }

  it('the Python client sees the restart and the new process output', async (t) => {
    if (!needPrograms(t, PYTHON_KUBERNETES)) return;
    const r = await h.python(`
import json
from kubernetes import client, config
config.load_kube_config()
v1 = client.CoreV1Api()
p = v1.read_namespaced_pod("echo", "default")
cs = p.status.container_statuses[0]
print(json.dumps({"restarts": cs.restart_count, "running": cs.state.running is not None,
                  "last": cs.last_state.terminated.reason,
                  "log": v1.read_namespaced_pod_log("echo", "default")}))
`);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { restarts: number; running: boolean; last: string; log: string };
    assert.deepEqual(
      { restarts: out.restarts, running: out.running, last: out.last },
      {
        restarts: 1,
        running: true,
        last: 'Unknown',
      },
    );
    assert.ok(out.log.length > 0);
  });
});
