import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResourceIndex, fromAggregated, resourcesOf, type DiscoveryData } from './resources.js';

const apps = resourcesOf('apps', 'v1', {
  kind: 'APIResourceList',
  groupVersion: 'apps/v1',
  resources: [
    {
      name: 'deployments',
      namespaced: true,
      kind: 'Deployment',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'],
    },
    {
      name: 'deployments/scale',
      namespaced: true,
      kind: 'Scale',
      group: 'autoscaling',
      version: 'v1',
      verbs: ['get', 'patch'],
    },
    { name: 'daemonsets', namespaced: true, kind: 'DaemonSet', verbs: ['get', 'list', 'delete'] },
  ],
});
const core = resourcesOf('', 'v1', {
  resources: [
    { name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list'] },
    { name: 'bindings', namespaced: true, kind: 'Binding', verbs: ['create'] },
  ],
});
const data: DiscoveryData = {
  groups: [
    { name: '', versions: ['v1'] },
    { name: 'apps', versions: ['v1'] },
    { name: 'autoscaling', versions: ['v2', 'v1'] },
  ],
  resources: [
    ...core,
    ...apps,
    {
      group: 'autoscaling',
      version: 'v2',
      kind: 'HorizontalPodAutoscaler',
      plural: 'horizontalpodautoscalers',
      namespaced: true,
      verbs: ['list'],
    },
    {
      group: 'autoscaling',
      version: 'v1',
      kind: 'HorizontalPodAutoscaler',
      plural: 'horizontalpodautoscalers',
      namespaced: true,
      verbs: ['list'],
    },
  ],
};

describe('resource index', () => {
  it('maps kinds to resources, leaving subresources out', () => {
    const index = new ResourceIndex(data);
    assert.equal(index.find('apps/v1', 'Deployment')?.plural, 'deployments');
    assert.equal(index.find('v1', 'Namespace')?.namespaced, false);
    assert.equal(index.find('apps/v1', 'Scale'), undefined);
    assert.equal(apps.length, 2);
  });

  it('lists each listable kind once, at the preferred version', () => {
    const listable = new ResourceIndex(data).listable().map((r) => `${r.group}/${r.version}/${r.plural}`);
    assert.deepEqual(listable, [
      '/v1/namespaces',
      'apps/v1/deployments',
      'apps/v1/daemonsets',
      'autoscaling/v2/horizontalpodautoscalers',
    ]);
  });

  it('explains a missing kind: no such group, no such version, no such kind (with a suggestion)', () => {
    const index = new ResourceIndex(data);
    assert.equal(
      index.explain('example.com/v1', 'Gadget').message,
      'unknown kind Gadget (example.com/v1): the cluster serves no API group "example.com"',
    );
    assert.match(
      index.explain('example.com/v1', 'Gadget').hint,
      /CustomResourceDefinition that defines gadget\.example\.com/,
    );
    assert.deepEqual(index.explain('apps/v2', 'Deployment'), {
      message: 'unknown kind Deployment (apps/v2): API group "apps" has no version v2',
      hint: 'versions served: v1',
    });
    assert.equal(
      index.explain('apps/v1', 'Deploymnet').message,
      'unknown kind Deploymnet (apps/v1): apps/v1 has no kind "Deploymnet" (did you mean "Deployment"?)',
    );
    assert.equal(index.explain('v1', 'Podd').message, 'unknown kind Podd (v1): v1 has no kind "Podd"');
  });

  it('reads aggregated discovery (apidiscovery.k8s.io/v2)', () => {
    const into: DiscoveryData = { groups: [], resources: [] };
    fromAggregated(
      {
        kind: 'APIGroupDiscoveryList',
        items: [
          {
            metadata: { name: 'apps' },
            versions: [
              {
                version: 'v1',
                resources: [
                  {
                    resource: 'deployments',
                    responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
                    scope: 'Namespaced',
                    verbs: ['list'],
                  },
                ],
              },
            ],
          },
        ],
      },
      into,
    );
    assert.deepEqual(into.groups, [{ name: 'apps', versions: ['v1'] }]);
    assert.deepEqual(into.resources, [
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        plural: 'deployments',
        namespaced: true,
        verbs: ['list'],
      },
    ]);
  });
});
