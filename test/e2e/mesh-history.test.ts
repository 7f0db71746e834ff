// Mesh install records with a Remote Provider, end to end on the sandbox: each deploy, upgrade and removal
// is recorded with the provider (beside the cluster's ConfigMap); with the provider down a deploy still
// succeeds and its record waits in the outbox until the next command; `mesh history` lists them newest
// first.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClusterHome } from '../helpers/cluster.js';
import { MeshReleases } from '../helpers/mesh-releases.js';
import {
  deviceLogin,
  restartableProvider,
  tokensFor,
  type RestartableProvider,
} from '../helpers/provider.js';
import { VERSION } from '../../src/core/version.js';

let c: ClusterHome;
let releases: MeshReleases;
let provider: RestartableProvider;
let env: Record<string, string>;

before(async () => {
  c = await ClusterHome.start();
  releases = await MeshReleases.start();
  env = { MESHDECK_RELEASE_MIRROR: releases.url };
  provider = await restartableProvider('pglite');
  await provider.start();
  const created = await c.meshdeck(['context', 'create', 'team', '--provider', provider.url, '--use']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal((await deviceLogin(c.home, provider.url)).code, 0);
});
after(async () => {
  await provider.cleanup();
  await releases.stop();
  await c.stop();
});

const mesh = (args: string[]) => c.meshdeck(['mesh', ...args], { env, timeoutMs: 120_000 });

interface Stored {
  name: string;
  data: Record<string, unknown> & { cluster: { server: string; context: string } };
}

/** The install records the provider holds, straight from its API, oldest first. */
async function providerRecords(): Promise<Stored[]> {
  const token = (await tokensFor(provider.url)).access_token;
  const res = await fetch(`${provider.url}/api/mesh/installs?pagesize=500`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  const items = ((await res.json()) as { items: Stored[] }).items;
  return items.sort((a, b) => String(a.data.at).localeCompare(String(b.data.at)));
}

async function clusterDigest(): Promise<string> {
  return (await c.get(['configmap', 'meshdeck-mesh-istio', '-n', 'istio-system'])).data.manifestDigest;
}

describe('mesh install records with the provider', () => {
  it('records a deploy with the provider: what, where, when, by whom', async () => {
    const r = await mesh(['deploy', 'istio', '--version', '1.29.6']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /install record "istio@1\.29\.6 \(deploy\)" kept by the provider/);
    const records = await providerRecords();
    assert.equal(records.length, 1);
    const { name, data } = records[0];
    assert.equal(name, 'istio@1.29.6 (deploy)');
    assert.equal(data.action, 'deploy');
    assert.equal(data.outcome, 'deployed');
    assert.equal(data.mesh, 'istio');
    assert.equal(data.version, '1.29.6');
    assert.equal(data.revision, 'default');
    assert.equal(data.namespace, 'istio-system');
    assert.equal(data.manifestDigest, await clusterDigest(), "the cluster record's digest");
    assert.match(String(data.manifestDigest), /^[0-9a-f]{64}$/);
    assert.equal(data.cluster.server, c.sandbox.url);
    assert.ok(data.cluster.context.length > 0);
    assert.ok(String(data.by).length > 0);
    assert.equal(data.meshdeckVersion, VERSION);
    assert.ok(Math.abs(Date.parse(String(data.at)) - Date.now()) < 120_000);
  });

  it('records an in-place upgrade with the version it replaced', async () => {
    const r = await mesh(['upgrade', 'istio', '--version', '1.30.3', '--timeout', '30s']);
    assert.equal(r.code, 0, r.stderr);
    const last = (await providerRecords()).at(-1)!.data;
    assert.equal(last.action, 'upgrade');
    assert.equal(last.outcome, 'upgraded');
    assert.equal(last.version, '1.30.3');
    assert.equal(last.previousVersion, '1.29.6');
    assert.equal(last.manifestDigest, await clusterDigest());
  });

  it('records a removal', async () => {
    const r = await mesh(['remove', 'istio']);
    assert.equal(r.code, 0, r.stderr);
    const last = (await providerRecords()).at(-1)!.data;
    assert.deepEqual([last.action, last.outcome, last.version], ['remove', 'removed', '1.30.3']);
  });

  it('with the provider down, a deploy succeeds and its record is queued, then sent by the next command', async () => {
    await provider.stop();
    const r = await mesh(['deploy', 'istio']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Istio 1\.30\.3 deployed/);
    assert.match(r.stderr, /install record "istio@1\.30\.3 \(deploy\)" queued for the provider/);
    assert.ok(await clusterDigest(), 'the cluster record is written');

    const offline = await mesh(['history', '-o', 'json']);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stderr, /showing cached mesh-installs/);
    const cached = JSON.parse(offline.stdout) as { items: Array<{ action: string }> };
    assert.equal(cached.items[0].action, 'deploy', 'the queued record is shown from the cache');

    await provider.start();
    assert.equal((await providerRecords()).length, 3, 'not sent yet');
    const h = await mesh(['history', '-o', 'json']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stderr, /sent 1 queued change/);
    const stored = await providerRecords();
    assert.deepEqual(
      stored.map((s) => s.name),
      ['istio@1.29.6 (deploy)', 'istio@1.30.3 (upgrade)', 'istio@1.30.3 (remove)', 'istio@1.30.3 (deploy)'],
    );
    const listed = JSON.parse(h.stdout) as { kind: string; items: Array<{ action: string; at: string }> };
    assert.equal(listed.kind, 'MeshInstallRecordList');
    assert.deepEqual(
      listed.items.map((i) => i.action),
      ['deploy', 'remove', 'upgrade', 'deploy'],
      'newest first',
    );
    const times = listed.items.map((i) => i.at);
    assert.deepEqual(times, [...times].sort().reverse());
  });

  it('prints a table, one mesh at a time, and refuses an unknown mesh with exit 2', async () => {
    const table = await mesh(['history', 'istio']);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0], /^WHEN\s+ACTION\s+MESH\s+VERSION\s+REVISION\s+OUTCOME\s+BY\s+CLUSTER/);
    assert.equal(lines.length, 5);
    assert.match(lines[1], /deploy\s+istio\s+1\.30\.3\s+default\s+deployed/);
    const none = await mesh(['history', 'linkerd', '-o', 'json']);
    assert.equal(none.code, 0, none.stderr);
    assert.deepEqual(JSON.parse(none.stdout).items, []);
    const bad = await mesh(['history', 'istoi']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown mesh "istoi"/);
  });

  it('a provider that does not keep install records: a warning once per command, the cluster work done', async (t) => {
    // An older provider: its capabilities document lists designs only.
    const older = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          providerType: 'remote',
          packageVersion: '0.0.1',
          providerName: 'older',
          providerUrl: 'x',
          capabilities: [{ feature: 'persist-designs', endpoint: '/api/designs' }],
          redirects: {},
        }),
      );
    });
    await new Promise<void>((resolve) => older.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => older.close(resolve)));
    const url = `http://127.0.0.1:${(older.address() as AddressInfo).port}`;
    const created = await c.meshdeck(['context', 'create', 'older', '--provider', url]);
    assert.equal(created.code, 0, created.stderr);
    const run = (args: string[]) =>
      c.meshdeck(['mesh', ...args, '--context', 'older'], {
        env: { ...env, MESHDECK_TOKEN: 'mda_test-token' },
        timeoutMs: 120_000,
      });
    const before = (await providerRecords()).length;

    const deploy = await run(['deploy', 'istio', '--revision', 'canary']);
    assert.equal(deploy.code, 0, deploy.stderr);
    assert.match(deploy.stderr, /does not keep mesh install records \("persist-mesh-installs"\)/);
    // Two revisions removed, two records: one warning.
    const remove = await run(['remove', 'istio']);
    assert.equal(remove.code, 0, remove.stderr);
    assert.equal(remove.stderr.match(/does not keep mesh install records/g)?.length, 1, remove.stderr);
    assert.equal(await c.get(['configmap', 'meshdeck-mesh-istio', '-n', 'istio-system']), undefined);

    const history = await run(['history']);
    assert.equal(history.code, 1);
    assert.match(history.stderr, /does not offer mesh install record storage \("persist-mesh-installs"\)/);
    assert.equal((await providerRecords()).length, before, 'the other provider got nothing');
  });
});
