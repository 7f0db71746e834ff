// Istio end to end on the sandbox: the installer downloaded from a local release mirror (checksum
// verified), rendered, applied by meshdeck's server-side apply, recorded; status; inject with restart;
// remove refused while workloads are injected, then with --force. The installer is a test double
// (test/helpers/mesh-installers) because istioctl cannot run here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterHome } from '../helpers/cluster.js';
import { MeshReleases } from '../helpers/mesh-releases.js';

let c: ClusterHome;
let releases: MeshReleases;
let env: Record<string, string>;

const WEB = (ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;

before(async () => {
  c = await ClusterHome.start();
  releases = await MeshReleases.start();
  env = { MESHDECK_RELEASE_MIRROR: releases.url };
  for (const ns of ['shop']) assert.equal((await c.kubectl(['create', 'namespace', ns])).code, 0);
  assert.equal((await c.kubectl(['apply', '-f', c.file('web.yaml', WEB('shop'))])).code, 0);
});
after(async () => {
  await releases.stop();
  await c.stop();
});

const mesh = (args: string[]) => c.meshdeck(['mesh', ...args], { env, timeoutMs: 120_000 });

describe('mesh: Istio end to end', () => {
  it('lists the built-in meshes and their versions', async () => {
    const r = await mesh(['list', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const items = JSON.parse(r.stdout).items as Array<{
      name: string;
      versions: string[];
      installer: string;
    }>;
    assert.deepEqual(
      items.map((i) => i.name),
      ['istio', 'linkerd', 'kuma', 'consul', 'cilium'],
    );
    assert.equal(items[0].installer, 'istioctl');
    assert.ok(items[0].versions.includes('1.30.3'));
  });

  it('a server dry run checks everything and changes nothing', async () => {
    const r = await mesh(['deploy', 'istio', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment\.apps\/istiod -n istio-system created \(server dry run\)/);
    assert.equal(await c.get(['deployment', 'istiod', '-n', 'istio-system']), undefined);
    assert.equal(await c.get(['namespace', 'istio-system']), undefined);
  });

  it('deploys with the downloaded, checksum-verified istioctl and waits until istiod is ready', async () => {
    const r = await mesh(['deploy', 'istio', '--wait', '--timeout', '60s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /customresourcedefinition\.apiextensions\.k8s\.io\/virtualservices\.networking\.istio\.io created/,
    );
    assert.match(
      r.stdout,
      /mutatingwebhookconfiguration\.admissionregistration\.k8s\.io\/istio-sidecar-injector created/,
    );
    assert.match(r.stderr, /Istio 1\.30\.3 deployed/);
    const istiod = await c.get(['deployment', 'istiod', '-n', 'istio-system']);
    assert.equal(istiod.status.readyReplicas, 1);
    assert.equal(istiod.spec.template.spec.containers[0].image, 'docker.io/istio/pilot:1.30.3');
    // The official asset path and its .sha256 were fetched (from the mirror).
    assert.ok(
      releases.requests.some(
        (p) =>
          p === '/github.com/istio/istio/releases/download/1.30.3/istioctl-1.30.3-linux-amd64.tar.gz' ||
          p.endsWith('/istioctl-1.30.3-linux-arm64.tar.gz'),
      ),
    );
    assert.ok(releases.requests.some((p) => p.endsWith('.tar.gz.sha256')));
  });

  it('records the install in a labelled ConfigMap (the contract meshdeck check reads)', async () => {
    const cm = await c.get(['configmap', 'meshdeck-mesh-istio', '-n', 'istio-system']);
    assert.deepEqual(
      {
        managedBy: cm.metadata.labels['app.kubernetes.io/managed-by'],
        mesh: cm.metadata.labels['meshdeck.io/mesh'],
        rev: cm.metadata.labels['meshdeck.io/revision'],
      },
      { managedBy: 'meshdeck', mesh: 'istio', rev: 'default' },
    );
    assert.deepEqual(Object.keys(cm.data).sort(), [
      'installedAt',
      'installedBy',
      'manifestDigest',
      'mesh',
      'revision',
      'simulated',
      'version',
    ]);
    assert.equal(cm.data.version, '1.30.3');
    assert.equal(cm.data.simulated, 'true');
    assert.match(cm.data.manifestDigest, /^[0-9a-f]{64}$/);
    assert.ok(!Number.isNaN(Date.parse(cm.data.installedAt)));
  });

  it('deploying the same version again changes nothing; another version is an upgrade (exit 2)', async () => {
    const again = await mesh(['deploy', 'istio', '-o', 'json']);
    assert.equal(again.code, 0, again.stderr);
    const actions = new Set(
      (JSON.parse(again.stdout).objects as Array<{ action: string }>).map((o) => o.action),
    );
    assert.deepEqual([...actions], ['unchanged']);
    const other = await mesh(['deploy', 'istio', '--version', '1.29.6']);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /meshdeck mesh upgrade istio --version 1\.29\.6/);
  });

  it('injects a namespace and restarts its workloads', async () => {
    const r = await mesh(['inject', 'shop', '--mesh', 'istio', '--restart']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace\/shop istio injection enabled/);
    assert.match(r.stdout, /deployment\.apps\/web -n shop restarted/);
    const ns = await c.get(['namespace', 'shop']);
    assert.equal(ns.metadata.labels['istio-injection'], 'enabled');
    const web = await c.get(['deployment', 'web', '-n', 'shop']);
    assert.ok(web.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    // The new pods went through the simulated istiod's /inject webhook (failurePolicy Fail).
    const pods = (
      (await c.get(['pods', '-n', 'shop', '-l', 'app=web'])).items as Array<{
        metadata: {
          labels: Record<string, string>;
          annotations: Record<string, string>;
          deletionTimestamp?: string;
        };
        spec: {
          containers: Array<{ name: string; image: string }>;
          initContainers?: Array<{ name: string }>;
        };
      }>
    ).filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.deepEqual(
        pod.spec.containers.map((x) => [x.name, x.image]),
        [
          ['web', 'nginx'],
          ['istio-proxy', 'docker.io/istio/proxyv2:1.30.3'],
        ],
      );
      assert.deepEqual(
        pod.spec.initContainers?.map((x) => x.name),
        ['istio-init'],
      );
      assert.equal(JSON.parse(pod.metadata.annotations['sidecar.istio.io/status']).revision, 'default');
      assert.equal(pod.metadata.annotations['kubectl.kubernetes.io/default-container'], 'web');
      assert.equal(pod.metadata.labels['security.istio.io/tlsMode'], 'istio');
      assert.equal(pod.metadata.labels['service.istio.io/canonical-name'], 'web');
    }
    const hook = await c.get(['mutatingwebhookconfiguration', 'istio-sidecar-injector']);
    for (const w of hook.webhooks) {
      assert.equal(w.failurePolicy, 'Fail');
      assert.ok(w.clientConfig.caBundle, `${w.name} has the simulated istiod's CA`);
    }
  });

  it('status shows the control plane, the injected namespace and that the cluster is simulated', async () => {
    const r = await mesh(['status', 'istio', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.simulated, true);
    const rev = s.meshes[0].revisions[0];
    assert.equal(rev.version, '1.30.3');
    assert.equal(rev.ready, true);
    assert.ok(rev.webhooks.some((w: string) => w.includes('rev.namespace.sidecar-injector.istio.io')));
    const shop = s.namespaces.find((n: { namespace: string }) => n.namespace === 'shop');
    assert.equal(shop.injected, true);
    assert.equal(shop.pods, 2);
    assert.deepEqual(shop.proxies, { '1.30.3': 2 });
    const table = await mesh(['status']);
    assert.match(table.stdout, /istio\s+default\s+1\.30\.3 \(simulated\)\s+1\/1\s+istiod/);
    assert.match(table.stdout, /shop\s+istio\s+enabled\s+default\s+2/);
  });

  it('refuses to remove Istio while a namespace is injected (exit 3)', async () => {
    const r = await mesh(['remove', 'istio']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Istio still has workloads in 1 namespace/);
    assert.match(r.stderr, /shop: injection on/);
    assert.ok(await c.get(['deployment', 'istiod', '-n', 'istio-system']));
  });

  it('disables injection, then removes exactly what it installed, keeping the CRDs', async () => {
    const off = await mesh(['inject', 'shop', '--mesh', 'istio', '--disable', '--restart']);
    assert.equal(off.code, 0, off.stderr);
    const pods = (
      (await c.get(['pods', '-n', 'shop', '-l', 'app=web'])).items as Array<{
        metadata: { deletionTimestamp?: string };
        spec: { containers: Array<{ name: string }> };
      }>
    ).filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => p.spec.containers.every((x) => x.name !== 'istio-proxy')));
    assert.equal((await c.get(['namespace', 'shop'])).metadata.labels['istio-injection'], undefined);
    const r = await mesh(['remove', 'istio']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment\.apps\/istiod -n istio-system deleted/);
    assert.match(r.stderr, /CustomResourceDefinitions kept/);
    assert.equal(await c.get(['deployment', 'istiod', '-n', 'istio-system']), undefined);
    assert.equal(await c.get(['mutatingwebhookconfiguration', 'istio-sidecar-injector']), undefined);
    assert.ok(await c.get(['crd', 'virtualservices.networking.istio.io']));
    const purge = await mesh(['remove', 'istio', '--purge-crds']);
    assert.equal(purge.code, 0, purge.stderr);
    assert.equal(await c.get(['crd', 'virtualservices.networking.istio.io']), undefined);
    assert.ok(await c.get(['deployment', 'web', '-n', 'shop']), 'workloads are not the mesh’s to delete');
  });
});
