// Canary upgrades of Istio on the sandbox: namespaces move to a new revision step by step, gated by the
// mesh's health checks and perf gates; a new revision that never becomes ready (a sandbox fault annotation
// on istiod) and a perf gate that fails at step 2 both roll back by themselves (exit 3, naming the check),
// leaving every namespace and pod on the old revision; a good canary promotes, and `mesh rollback` returns.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClusterHome } from '../helpers/cluster.js';
import { MeshReleases } from '../helpers/mesh-releases.js';
import { deviceLogin, startTestProvider } from '../helpers/provider.js';
import type { ProviderServer } from '../../src/provider/server/index.js';

let c: ClusterHome;
let releases: MeshReleases;
let env: Record<string, string>;
let provider: ProviderServer;
const NAMESPACES = ['n1', 'n2', 'n3', 'n4'];

before(async () => {
  c = await ClusterHome.start();
  releases = await MeshReleases.start();
  env = { MESHDECK_RELEASE_MIRROR: releases.url };
  // Signed in to a Remote Provider, which keeps a record of each action (checked at the end).
  provider = await startTestProvider('pglite');
  const created = await c.meshdeck(['context', 'create', 'team', '--provider', provider.url, '--use']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal((await deviceLogin(c.home, provider.url)).code, 0);
  for (const ns of NAMESPACES) {
    assert.equal((await c.kubectl(['create', 'namespace', ns])).code, 0);
    assert.equal(
      (await c.kubectl(['create', 'deployment', 'web', '-n', ns, '--image=nginx', '--replicas=2'])).code,
      0,
    );
  }
  const d = await mesh(['deploy', 'istio', '--version', '1.29.6', '--wait']);
  assert.equal(d.code, 0, d.stderr);
  for (const ns of NAMESPACES) {
    const r = await mesh(['inject', ns, '--mesh', 'istio', '--restart']);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(async () => {
  await provider.stop();
  await releases.stop();
  await c.stop();
});

const mesh = (args: string[]) => c.meshdeck(['mesh', ...args], { env, timeoutMs: 180_000 });

async function namespaceLabels(): Promise<Array<Record<string, string>>> {
  return Promise.all(NAMESPACES.map(async (ns) => (await c.get(['namespace', ns])).metadata.labels));
}

async function assertAllOnDefault() {
  for (const labels of await namespaceLabels()) {
    assert.equal(labels['istio-injection'], 'enabled');
    assert.equal(labels['istio.io/rev'], undefined);
  }
  const deployments = (await c.get(['deployments', '-n', 'istio-system'])).items.map(
    (d: { metadata: { name: string } }) => d.metadata.name,
  );
  assert.deepEqual(deployments, ['istiod']);
  const pods = (await c.get(['pods', '-A', '-l', 'istio.io/rev=1-30-3'])).items;
  assert.deepEqual(
    pods.map((p: { metadata: { name: string } }) => p.metadata.name),
    [],
    'no pod is left on the new revision',
  );
  const records = (
    await c.get(['configmaps', '-n', 'istio-system', '-l', 'app.kubernetes.io/managed-by=meshdeck'])
  ).items;
  assert.deepEqual(
    records.map(
      (r: { data: { version: string; revision: string } }) => `${r.data.revision}:${r.data.version}`,
    ),
    ['default:1.29.6'],
  );
}

/** Answers 200 until its second burst of requests (a gap of 300 ms starts a new one), then 503. */
async function degradingTarget(): Promise<{ url: string; server: Server; bursts: () => number }> {
  // A burst is one gate run: it sends its requests over connections it keeps for the run and closes at its
  // end. So the first request on a connection while no other connection is serving starts the next burst
  // (no clock involved: a busy machine stretched or merged bursts told apart by time; the engine's
  // reachability probe connects without a request and does not count).
  let bursts = 0;
  let serving = 0;
  const counted = new WeakSet<object>();
  const server = createServer((req, res) => {
    const socket = req.socket;
    if (!counted.has(socket)) {
      counted.add(socket);
      if (serving === 0) bursts++;
      serving++;
      socket.once('close', () => serving--);
    }
    res.writeHead(bursts >= 2 ? 503 : 200).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, bursts: () => bursts };
}

describe('mesh upgrade --canary (Istio revisions)', () => {
  it('a new revision that never becomes ready is rolled back: exit 3 naming the check, nothing left on it', async () => {
    const r = await mesh([
      'upgrade',
      'istio',
      '--version',
      '1.30.3',
      '--canary',
      '--steps',
      '2',
      '--timeout',
      '3s',
      '-o',
      'json',
      '--set',
      'values.pilot.podAnnotations.sandbox\\.meshdeck\\.dev/fault=never-ready',
    ]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /error: canary check control-plane-ready failed: rolled back to revision default/);
    const report = JSON.parse(r.stdout);
    assert.equal(report.outcome, 'rolled-back');
    assert.equal(report.failedCheck, 'control-plane-ready');
    assert.deepEqual(
      report.steps.map((s: { action: string }) => s.action),
      ['install', 'rollback'],
    );
    await assertAllOnDefault();
  });

  it('a perf gate failing at step 2 moves every namespace back and removes the new revision', async () => {
    const target = await degradingTarget();
    try {
      const r = await mesh([
        'upgrade',
        'istio',
        '--version',
        '1.30.3',
        '--canary',
        '--steps',
        '2',
        '--timeout',
        '30s',
        '--gate',
        target.url,
        '--assert',
        'errors<1%',
        '--gate-duration',
        '500ms',
        '-o',
        'json',
      ]);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /canary check perf-gate failed/);
      assert.match(r.stderr, /\[\+\] perf-gate: errors<1%/, 'step 1 passed its gate');
      const report = JSON.parse(r.stdout);
      assert.deepEqual(
        report.steps.map((s: { action: string; ok: boolean }) => `${s.action}:${s.ok}`),
        ['install:true', 'move:true', 'move:false', 'rollback:true'],
      );
      assert.deepEqual(report.steps[3].namespaces, ['n1', 'n2', 'n3', 'n4']);
      assert.equal(target.bursts(), 2);
      await assertAllOnDefault();
    } finally {
      target.server.close();
    }
  });

  it('a healthy canary moves namespaces in steps, then removes the old revision', async () => {
    const r = await mesh([
      'upgrade',
      'istio',
      '--version',
      '1.30.3',
      '--canary',
      '--steps',
      '2',
      '--timeout',
      '30s',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^step 2 move n1,n2 passed/m);
    assert.match(r.stdout, /^step 3 move n3,n4 passed/m);
    assert.match(r.stderr, /\[\+\] proxy-version: /);
    assert.match(r.stderr, /istio 1\.29\.6 → 1\.30\.3 \(revision 1-30-3\): promoted/);
    for (const labels of await namespaceLabels()) {
      assert.equal(labels['istio.io/rev'], '1-30-3');
      assert.equal(labels['istio-injection'], undefined);
    }
    assert.equal(await c.get(['deployment', 'istiod', '-n', 'istio-system']), undefined);
    assert.equal(
      (await c.get(['deployment', 'istiod-1-30-3', '-n', 'istio-system'])).status.readyReplicas,
      1,
    );
    const record = await c.get(['configmap', 'meshdeck-mesh-istio-1-30-3', '-n', 'istio-system']);
    assert.equal(record.metadata.labels['meshdeck.io/revision'], '1-30-3');
    assert.equal(record.data.version, '1.30.3');
  });

  it('mesh rollback goes back to the version the upgrade replaced', async () => {
    const r = await mesh(['rollback', 'istio', '--timeout', '30s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /istio 1\.30\.3 → 1\.29\.6: promoted/);
    await assertAllOnDefault();
  });

  it('an in-place jump of two minor versions is refused by the precheck (exit 3)', async () => {
    const r = await mesh(['upgrade', 'istio', '--version', '1.30.3']);
    assert.equal(r.code, 0, r.stderr);
    const down = await mesh(['upgrade', 'istio', '--version', '1.28.10']);
    assert.equal(down.code, 3);
    assert.match(down.stderr, /upgrade precheck failed: Istio 1\.30\.3 → 1\.28\.10 spans 2 minor versions/);
  });

  it('the provider keeps a record of each action and how it ended; a refused precheck records nothing', async () => {
    const r = await mesh(['history', 'istio', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const items = (
      JSON.parse(r.stdout) as {
        items: Array<{ action: string; outcome: string; version: string; failedCheck?: string }>;
      }
    ).items;
    assert.deepEqual(
      items.map((i) => `${i.action} ${i.version} ${i.outcome}${i.failedCheck ? ` (${i.failedCheck})` : ''}`),
      [
        'upgrade 1.30.3 upgraded',
        'rollback 1.29.6 promoted',
        'canary-upgrade 1.30.3 promoted',
        'canary-upgrade 1.30.3 rolled-back (perf-gate)',
        'canary-upgrade 1.30.3 rolled-back (control-plane-ready)',
        'deploy 1.29.6 deployed',
      ],
    );
  });
});
