import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LiveObject } from '../client.js';
import { meshTotals, summarizeCrd, summarizeNamespace, summarizePod, summarizeWorkload } from './model.js';

const obj = (kind: string, metadata: object, spec: object = {}, status: object = {}): LiveObject =>
  ({ apiVersion: 'v1', kind, metadata, spec, status }) as LiveObject;

describe('snapshot summaries', () => {
  it('reads sidecar injection from namespace labels and annotations', () => {
    assert.deepEqual(
      summarizeNamespace(
        obj('Namespace', { name: 'a', labels: { 'istio-injection': 'enabled' } }, {}, { phase: 'Active' }),
      ).injection,
      ['istio'],
    );
    assert.deepEqual(
      summarizeNamespace(obj('Namespace', { name: 'b', labels: { 'istio.io/rev': 'canary' } })),
      {
        name: 'b',
        phase: 'Active',
        injection: ['istio'],
        revision: 'canary',
      },
    );
    assert.deepEqual(
      summarizeNamespace(
        obj('Namespace', { name: 'c', labels: { 'istio-injection': 'disabled', 'istio.io/rev': 'x' } }),
      ).injection,
      [],
    );
    assert.deepEqual(
      summarizeNamespace(
        obj('Namespace', {
          name: 'd',
          annotations: { 'linkerd.io/inject': 'enabled' },
          labels: { 'kuma.io/sidecar-injection': 'enabled' },
        }),
      ).injection,
      ['linkerd', 'kuma'],
    );
  });

  it('finds sidecars among containers and native sidecar init containers', () => {
    const pod = summarizePod(
      obj(
        'Pod',
        {
          name: 'web-1',
          namespace: 'shop',
          ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d9', uid: 'u', controller: true }],
        },
        {
          nodeName: 'node-1',
          containers: [{ name: 'web' }, { name: 'istio-proxy' }],
          initContainers: [{ name: 'linkerd-proxy', restartPolicy: 'Always' }, { name: 'kuma-sidecar' }],
        },
        { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      ),
    );
    assert.deepEqual(pod, {
      namespace: 'shop',
      name: 'web-1',
      phase: 'Running',
      ready: true,
      sidecars: ['istio-proxy', 'linkerd-proxy'],
      node: 'node-1',
      owner: 'ReplicaSet/web-5d9',
    });
  });

  it('records the sidecars proxy versions: image tags, or the version Linkerd annotates', () => {
    const pod = (annotations: Record<string, string>, containers: Array<{ name: string; image: string }>) =>
      summarizePod({
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'n', annotations },
        spec: { containers },
        status: {},
      } as unknown as LiveObject);
    assert.deepEqual(
      pod({}, [
        { name: 'app', image: 'shop/app:7' },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3@sha256:abc' },
      ]).proxyVersions,
      ['1.30.3'],
    );
    assert.deepEqual(
      pod({ 'linkerd.io/proxy-version': 'edge-25.4.4' }, [
        { name: 'linkerd-proxy', image: 'cr.l5d.io/linkerd/proxy:edge-25.4.4' },
      ]).proxyVersions,
      ['edge-25.4.4'],
    );
    assert.equal(pod({}, [{ name: 'app', image: 'shop/app:7' }]).proxyVersions, undefined);
    assert.equal(
      pod({}, [{ name: 'istio-proxy', image: 'localhost:5000/proxyv2' }]).proxyVersions,
      undefined,
    );
  });

  it('summarises workloads with the injection their pod template asks for', () => {
    const w = summarizeWorkload(
      obj(
        'Deployment',
        { name: 'web', namespace: 'shop' },
        { replicas: 3, template: { metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } } } },
        { readyReplicas: 2 },
      ),
    );
    assert.deepEqual(w, {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      desired: 3,
      ready: 2,
      injection: ['istio=false'],
    });
    const ds = summarizeWorkload(
      obj(
        'DaemonSet',
        { name: 'agent', namespace: 'kube-system' },
        {},
        { desiredNumberScheduled: 4, numberReady: 4 },
      ),
    );
    assert.equal(`${ds.ready}/${ds.desired}`, '4/4');
  });

  it('keeps only CRDs of mesh API groups, at their storage version, and totals per mesh', () => {
    const crd = (group: string, kind: string) =>
      obj(
        'CustomResourceDefinition',
        { name: `${kind.toLowerCase()}s.${group}` },
        {
          group,
          names: { kind, plural: `${kind.toLowerCase()}s` },
          scope: 'Namespaced',
          versions: [
            { name: 'v1alpha3', served: true, storage: false },
            { name: 'v1', served: true, storage: true },
          ],
        },
      );
    const vs = summarizeCrd(crd('networking.istio.io', 'VirtualService'));
    assert.equal(vs?.mesh, 'istio');
    assert.equal(vs?.version, 'v1');
    assert.equal(summarizeCrd(crd('example.com', 'Gadget')), undefined);
    assert.equal(summarizeCrd(crd('policy.linkerd.io', 'Server'))?.mesh, 'linkerd');
    const totals = meshTotals({
      namespaces: [{ name: 'shop', phase: 'Active', injection: ['istio'] }],
      pods: [{ namespace: 'shop', name: 'p', phase: 'Running', ready: true, sidecars: ['istio-proxy'] }],
      crds: [vs],
      resources: [
        { mesh: 'istio', group: 'networking.istio.io', kind: 'VirtualService', namespace: 'shop', name: 'r' },
      ],
    });
    assert.deepEqual(totals, [
      { mesh: 'istio', crds: 1, resources: 1, injectedNamespaces: 1, podsWithSidecars: 1 },
    ]);
  });
});
