// Objects a fresh Kubernetes 1.32 cluster has beyond namespaces and RBAC: the built-in priority classes,
// an APIService per served built-in group version (kube-apiserver's autoregistration), the mandatory
// API Priority and Fairness configuration, component statuses, and the Endpoints and EndpointSlice of
// the default/kubernetes Service (the apiserver's own address).
import type { ObjectService } from '../api/objects.js';
import { groupVersion, type K8sObject } from '../base/types.js';

const MANAGER = { fieldManager: 'kube-apiserver' };

/** groupPriorityMinimum of kube-apiserver's built-in groups (pkg/controlplane/apiserver/aggregator.go). */
const GROUP_PRIORITY: Record<string, number> = {
  '': 18000,
  apps: 17800,
  'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600,
  autoscaling: 17500,
  batch: 17400,
  'certificates.k8s.io': 17300,
  'networking.k8s.io': 17200,
  policy: 17100,
  'rbac.authorization.k8s.io': 17000,
  'storage.k8s.io': 16800,
  'apiextensions.k8s.io': 16700,
  'admissionregistration.k8s.io': 16700,
  'scheduling.k8s.io': 16600,
  'coordination.k8s.io': 16500,
  'node.k8s.io': 16300,
  'discovery.k8s.io': 16200,
  'flowcontrol.apiserver.k8s.io': 16100,
  'events.k8s.io': 17750,
  'apiregistration.k8s.io': 18000,
};

function create(
  objects: ObjectService,
  group: string,
  version: string,
  plural: string,
  namespace: string,
  obj: object,
) {
  const rt = objects.registry.get(group, version, plural);
  if (!rt) return;
  objects.create(rt, namespace, { apiVersion: groupVersion(rt), kind: rt.kind, ...obj }, MANAGER);
}

export function bootstrapBuiltinObjects(
  objects: ObjectService,
  apiserverAddress: string,
  apiserverPort: number,
): void {
  const system = (name: string, value: number, description: string) =>
    create(objects, 'scheduling.k8s.io', 'v1', 'priorityclasses', '', {
      metadata: { name },
      value,
      globalDefault: false,
      description,
      preemptionPolicy: 'PreemptLowerPriority',
    });
  system(
    'system-node-critical',
    2000001000,
    'Used for system critical pods that must not be moved from their current node.',
  );
  system(
    'system-cluster-critical',
    2000000000,
    'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  );

  for (const g of objects.registry.groups()) {
    g.versions.forEach((version, i) => {
      create(objects, 'apiregistration.k8s.io', 'v1', 'apiservices', '', {
        metadata: {
          name: `${version}.${g.name}`,
          labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' },
        },
        spec: {
          ...(g.name ? { group: g.name } : {}),
          version,
          groupPriorityMinimum: GROUP_PRIORITY[g.name] ?? 1000,
          versionPriority: 15 - i,
        },
      });
    });
  }

  const level = (name: string, spec: object) =>
    create(objects, 'flowcontrol.apiserver.k8s.io', 'v1', 'prioritylevelconfigurations', '', {
      metadata: { name, annotations: { 'apf.kubernetes.io/autoupdate-spec': 'true' } },
      spec,
    });
  level('exempt', { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } });
  level('catch-all', {
    type: 'Limited',
    limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: 'Reject' } },
  });
  const flow = (name: string, precedence: number, level: string, subjects: object[], rules: object) =>
    create(objects, 'flowcontrol.apiserver.k8s.io', 'v1', 'flowschemas', '', {
      metadata: { name, annotations: { 'apf.kubernetes.io/autoupdate-spec': 'true' } },
      spec: {
        matchingPrecedence: precedence,
        priorityLevelConfiguration: { name: level },
        ...(level === 'catch-all' ? { distinguisherMethod: { type: 'ByUser' } } : {}),
        rules: [{ subjects, ...rules }],
      },
    });
  const all = {
    resourceRules: [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] },
    ],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
  };
  flow('exempt', 1, 'exempt', [{ kind: 'Group', group: { name: 'system:masters' } }], all);
  flow(
    'catch-all',
    10000,
    'catch-all',
    [
      { kind: 'Group', group: { name: 'system:unauthenticated' } },
      { kind: 'Group', group: { name: 'system:authenticated' } },
    ],
    all,
  );

  for (const name of ['scheduler', 'controller-manager', 'etcd-0'])
    create(objects, '', 'v1', 'componentstatuses', '', {
      metadata: { name },
      conditions: [{ type: 'Healthy', status: 'True', message: name === 'etcd-0' ? 'ok' : 'ok' }],
    });

  const ports = [{ name: 'https', port: apiserverPort, protocol: 'TCP' }];
  const endpoints: K8sObject = {
    metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: apiserverAddress }], ports }],
  };
  create(objects, '', 'v1', 'endpoints', 'default', endpoints);
  create(objects, 'discovery.k8s.io', 'v1', 'endpointslices', 'default', {
    metadata: {
      name: 'kubernetes',
      labels: {
        'kubernetes.io/service-name': 'kubernetes',
        'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
      },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [apiserverAddress], conditions: { ready: true } }],
    ports,
  });
}
