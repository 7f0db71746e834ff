// The Cluster view over a snapshot built by the snapshot model from cluster objects: workloads with
// ready counts, sidecars and injection, and the `/` filter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import type { LiveObject } from '../../src/k8s/client.js';
import {
  meshTotals,
  summarizeNamespace,
  summarizePod,
  summarizeWorkload,
  type Snapshot,
} from '../../src/k8s/snapshot/model.js';
import { ClusterView } from '../../src/tui/views/cluster.js';
import { KEY, show } from './helpers.js';

const obj = (o: Record<string, unknown>) => o as unknown as LiveObject;

function snapshot(): Snapshot {
  const namespaces = [
    obj({
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } },
      status: { phase: 'Active' },
    }),
    obj({ kind: 'Namespace', metadata: { name: 'billing' }, status: { phase: 'Active' } }),
  ].map(summarizeNamespace);
  const workloads = [
    obj({
      kind: 'Deployment',
      metadata: { name: 'checkout', namespace: 'shop' },
      spec: { replicas: 2, template: { metadata: {} } },
      status: { readyReplicas: 2 },
    }),
    obj({
      kind: 'Deployment',
      metadata: { name: 'invoices', namespace: 'billing' },
      spec: { replicas: 1, template: { metadata: {} } },
      status: { readyReplicas: 0 },
    }),
  ].map(summarizeWorkload);
  // Halfway through a canary: one pod's proxy at the old version, one at the new.
  const pods = [
    ['checkout-5d9f-a', '1.29.6'],
    ['checkout-5d9f-b', '1.30.3'],
  ].map(([name, version]) =>
    summarizePod(
      obj({
        kind: 'Pod',
        metadata: {
          name,
          namespace: 'shop',
          ownerReferences: [{ kind: 'ReplicaSet', name: 'checkout-5d9f', controller: true }],
        },
        spec: {
          containers: [
            { name: 'app', image: 'shop/checkout:2.1' },
            { name: 'istio-proxy', image: `docker.io/istio/proxyv2:${version}` },
          ],
        },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      }),
    ),
  );
  const s: Snapshot = {
    apiVersion: 'meshdeck/v1',
    kind: 'ClusterSnapshot',
    cluster: { server: 'https://127.0.0.1:1', context: 'test' },
    takenAt: new Date().toISOString(),
    meshes: [],
    namespaces,
    workloads: workloads.filter((w) => w !== undefined),
    pods,
    services: [],
    crds: [],
    resources: [],
  };
  s.meshes = meshTotals(s);
  return s;
}

const props = { height: 20, width: 80, active: true };

describe('Cluster view', () => {
  it('lists workloads with ready counts, pods with sidecars, their proxy versions and namespace injection', async () => {
    const v = show(<ClusterView {...props} snapshot={snapshot()} filter="" onFilter={() => undefined} />);
    const f = await v.until(/checkout/);
    assert.match(f, /2 namespaces \(1 injected\) \| 2 workloads \| 2 pods \(2 sidecars\) \| meshes: istio/);
    assert.match(f, /shop\s+checkout\s+Deployment\s+2\/2\s+2\/2\s+1\.29\.6\+1\s+-\s+istio/);
    assert.match(f, /billing\s+invoices\s+Deployment\s+0\/1\s+0\/0\s+-\s+-/);
    assert.ok(
      stripVTControlCharacters(f)
        .split('\n')
        .every((l) => l.length <= 80),
      'fits 80 columns',
    );
    v.unmount();
  });

  it('says it is listing until the first snapshot arrives', async () => {
    const v = show(<ClusterView {...props} filter="" onFilter={() => undefined} />);
    await v.until(/listing the cluster/);
    v.unmount();
  });

  it('filters with /: typed text holds the keyboard until Enter, then only matches are listed', async () => {
    let filter = '';
    const render = () => (
      <ClusterView {...props} snapshot={snapshot()} filter={filter} onFilter={(f) => (filter = f)} />
    );
    const v = show(render());
    await v.until(/checkout/);
    await v.press('/');
    await v.until(/^filter:/m);
    assert.equal(v.ui.typingNow(), true, 'global keys are off while typing');
    await v.press('b', 'i', 'l', 'l', KEY.enter);
    assert.equal(filter, 'bill');
    assert.equal(v.ui.typingNow(), false);
    v.unmount();
    const filtered = show(render());
    const f = await filtered.until(/filter: bill \(1 of 2\)/);
    assert.match(f, /invoices/);
    assert.doesNotMatch(f, /checkout/);
    await filtered.press(KEY.escape);
    assert.equal(filter, '', 'Escape clears the filter');
    filtered.unmount();
  });

  it('shows a lost watch', async () => {
    const v = show(
      <ClusterView
        {...props}
        snapshot={snapshot()}
        trouble="lost the watch (reset); reconnecting"
        filter=""
        onFilter={() => undefined}
      />,
    );
    await v.until(/lost the watch \(reset\); reconnecting/);
    v.unmount();
  });
});
