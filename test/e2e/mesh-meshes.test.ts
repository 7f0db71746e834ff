// The other built-in meshes through the same machinery: Linkerd (two renders, CRDs first; annotation
// injection; an in-place canary of the data plane), Kuma, Consul (pod-template injection), Cilium (in
// kube-system, never deleted); coexistence refused when two injectors would take the same pods; a
// corrupted download refused and deleted; unknown meshes and versions (exit 2); --installer.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClusterHome } from '../helpers/cluster.js';
import { MeshReleases } from '../helpers/mesh-releases.js';

let c: ClusterHome;
let releases: MeshReleases;
let env: Record<string, string>;

before(async () => {
  c = await ClusterHome.start();
  releases = await MeshReleases.start();
  env = { MESHDECK_RELEASE_MIRROR: releases.url };
  for (const ns of ['shop', 'pay']) {
    assert.equal((await c.kubectl(['create', 'namespace', ns])).code, 0);
    assert.equal((await c.kubectl(['create', 'deployment', 'web', '-n', ns, '--image=nginx'])).code, 0);
  }
});
after(async () => {
  await releases.stop();
  await c.stop();
});

const mesh = (args: string[], extra: Record<string, string> = {}) =>
  c.meshdeck(['mesh', ...args], { env: { ...env, ...extra }, timeoutMs: 180_000 });

describe('mesh: every built-in mesh through the same lifecycle', () => {
  it('unknown meshes and versions exit 2 naming the supported ones', async () => {
    const m = await mesh(['deploy', 'istoi']);
    assert.equal(m.code, 2);
    assert.match(m.stderr, /unknown mesh "istoi"/);
    assert.match(m.stderr, /supported meshes: istio, linkerd, kuma, consul, cilium/);
    const v = await mesh(['deploy', 'linkerd', '--version', 'stable-2.14.0']);
    assert.equal(v.code, 2);
    assert.match(v.stderr, /supported: edge-26\.8\.3, edge-26\.6\.3/);
    const s = await mesh(['status', 'nope']);
    assert.equal(s.code, 2);
  });

  it('a corrupted download is refused and deleted (exit 1), nothing applied', async () => {
    releases.corrupt('istioctl-1.28.10');
    const r = await mesh(['deploy', 'istio', '--version', '1.28.10']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /does not match its published SHA-256: refused and deleted/);
    const dir = join(c.home.env.XDG_CACHE_HOME, 'meshdeck', 'installers', 'istioctl');
    assert.ok(!existsSync(join(dir, '1.28.10', 'istioctl')));
    if (existsSync(join(dir, '1.28.10'))) assert.deepEqual(readdirSync(join(dir, '1.28.10')), []);
    assert.equal(await c.get(['namespace', 'istio-system']), undefined);
  });

  it('an --installer of another version is refused (exit 2); one of the right version is used', async () => {
    const wrong = MeshReleases.installer(join(c.home.root, 'bin-old'), 'kumactl', '2.13.10');
    const r = await mesh(['deploy', 'kuma', '--installer', wrong, '--dry-run=server']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is kumactl 2\.13\.10, which renders Kuma 2\.13\.10, not 2\.14\.3/);
  });

  it('Linkerd: CRDs then the control plane, annotation injection, a status with its proxies', async () => {
    const d = await mesh(['deploy', 'linkerd', '--version', 'edge-26.6.3', '--wait', '--timeout', '60s']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(
      d.stdout,
      /customresourcedefinition\.apiextensions\.k8s\.io\/servers\.policy\.linkerd\.io created/,
    );
    assert.match(d.stdout, /deployment\.apps\/linkerd-destination -n linkerd created/);
    assert.ok(
      releases.requests.some((p) =>
        p.startsWith('/api.github.com/repos/linkerd/linkerd2/releases/tags/edge-26.6.3'),
      ),
    );
    const i = await mesh(['inject', 'shop', '--mesh', 'linkerd', '--restart']);
    assert.equal(i.code, 0, i.stderr);
    assert.equal((await c.get(['namespace', 'shop'])).metadata.annotations['linkerd.io/inject'], 'enabled');
    const s = JSON.parse((await mesh(['status', 'linkerd', '-o', 'json'])).stdout);
    assert.equal(s.meshes[0].revisions[0].version, 'edge-26.6.3');
    assert.equal(s.meshes[0].revisions[0].ready, true);
    assert.deepEqual(
      s.namespaces.map((n: { namespace: string }) => n.namespace),
      ['shop'],
    );
  });

  it('two meshes whose injectors would take the same pods: the second deploy is refused (exit 3)', async () => {
    const r = await mesh(['deploy', 'consul']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Consul's sidecar injector would overlap another mesh's/);
    assert.match(r.stderr, /namespace shop: consul's injector .* and linkerd's .* both select its pods/);
    assert.equal(await c.get(['namespace', 'consul']), undefined, 'nothing applied');
  });

  it('Linkerd has no revisions: a canary upgrades in place and moves namespaces step by step', async () => {
    const r = await mesh([
      'upgrade',
      'linkerd',
      '--version',
      'edge-26.8.3',
      '--canary',
      '--steps',
      '1',
      '--timeout',
      '30s',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(
      report.steps.map((s: { action: string }) => s.action),
      ['upgrade', 'move'],
    );
    assert.equal(report.outcome, 'upgraded');
    const dest = await c.get(['deployment', 'linkerd-destination', '-n', 'linkerd']);
    assert.equal(dest.spec.template.spec.containers[0].image, 'cr.l5d.io/linkerd/controller:edge-26.8.3');
    const rev = await mesh(['deploy', 'linkerd', '--revision', 'x']);
    assert.equal(rev.code, 2);
    assert.match(rev.stderr, /Linkerd has no revisioned control planes/);
  });

  it('Linkerd: removal refused while injected, then --force removes it with its CRDs purged', async () => {
    const refused = await mesh(['remove', 'linkerd']);
    assert.equal(refused.code, 3);
    const r = await mesh(['remove', 'linkerd', '--force', '--purge-crds']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await c.get(['namespace', 'linkerd']), undefined);
    assert.equal(await c.get(['crd', 'servers.policy.linkerd.io']), undefined);
    const enable = await mesh(['inject', 'pay', '--mesh', 'linkerd']);
    assert.equal(enable.code, 1, 'not installed any more');
    assert.match(enable.stderr, /Linkerd is not installed in this cluster/);
    // Taking a namespace out still works: it cleans up what removal leaves (as linkerd uninstall does).
    assert.equal((await mesh(['inject', 'shop', '--mesh', 'linkerd', '--disable'])).code, 0);
    assert.equal((await c.get(['namespace', 'shop'])).metadata.annotations?.['linkerd.io/inject'], undefined);
  });

  it('Consul: helm template of the chart, injection on each pod template', async () => {
    const d = await mesh(['deploy', 'consul', '--wait', '--timeout', '60s']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /statefulset\.apps\/consul-server -n consul created/);
    assert.ok(releases.requests.some((p) => p.startsWith('/get.helm.sh/helm-v3.18.6-')));
    const i = await mesh(['inject', 'pay', '--mesh', 'consul']);
    assert.equal(i.code, 0, i.stderr);
    const web = await c.get(['deployment', 'web', '-n', 'pay']);
    assert.equal(web.spec.template.metadata.annotations['consul.hashicorp.com/connect-inject'], 'true');
    const s = JSON.parse((await mesh(['status', 'consul', '-o', 'json'])).stdout);
    assert.equal(s.namespaces.find((n: { namespace: string }) => n.namespace === 'pay')?.injected, true);
    assert.equal((await mesh(['inject', 'pay', '--mesh', 'consul', '--disable'])).code, 0);
    const r = await mesh(['remove', 'consul']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await c.get(['namespace', 'consul']), undefined);
  });

  it('Kuma and Cilium deploy and remove; Cilium never deletes kube-system', async () => {
    const k = await mesh(['deploy', 'kuma', '--wait', '--timeout', '60s']);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(
      (await c.get(['deployment', 'kuma-control-plane', '-n', 'kuma-system'])).status.readyReplicas,
      1,
    );
    const ci = await mesh(['deploy', 'cilium', '--wait', '--timeout', '60s']);
    assert.equal(ci.code, 0, ci.stderr);
    assert.ok(await c.get(['daemonset', 'cilium', '-n', 'kube-system']));
    const table = await mesh(['status']);
    assert.match(table.stdout, /kuma\s+default\s+2\.14\.3 \(simulated\)\s+1\/1/);
    assert.match(table.stdout, /cilium\s+default\s+1\.19\.5 \(simulated\)\s+3\/3/);
    assert.equal((await mesh(['remove', 'kuma', '--purge-crds'])).code, 0);
    assert.equal(await c.get(['namespace', 'kuma-system']), undefined);
    assert.equal((await mesh(['remove', 'cilium'])).code, 0);
    assert.equal(await c.get(['daemonset', 'cilium', '-n', 'kube-system']), undefined);
    assert.ok(await c.get(['namespace', 'kube-system']));
  });
});
