// The objects a new cluster starts with: system namespaces, their default ServiceAccount and
// kube-root-ca.crt ConfigMap, the `kubernetes` Service, and the bootstrap RBAC policy (cluster-admin for
// system:masters, discovery and self-review for every authenticated user, health and version for all).
import type { K8sObject } from '../base/types.js';

const RBAC = 'rbac.authorization.k8s.io/v1';
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

const WORKLOADS: Array<[string, string[]]> = [
  [
    '',
    [
      'pods',
      'pods/log',
      'pods/status',
      'services',
      'services/status',
      'endpoints',
      'configmaps',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'replicationcontrollers/status',
      'serviceaccounts',
      'events',
      'limitranges',
      'resourcequotas',
      'resourcequotas/status',
      'podtemplates',
      'bindings',
      'namespaces',
      'namespaces/status',
    ],
  ],
  [
    'apps',
    [
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
      'daemonsets',
      'daemonsets/status',
      'controllerrevisions',
    ],
  ],
  ['batch', ['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status']],
  ['autoscaling', ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']],
  ['policy', ['poddisruptionbudgets', 'poddisruptionbudgets/status']],
  ['networking.k8s.io', ['ingresses', 'ingresses/status', 'networkpolicies']],
  ['discovery.k8s.io', ['endpointslices']],
  ['coordination.k8s.io', ['leases']],
];

function rules(verbs: string[], extra: Array<[string, string[]]> = []): unknown[] {
  return [...WORKLOADS, ...extra].map(([group, resources]) => ({ apiGroups: [group], resources, verbs }));
}

function clusterRole(
  name: string,
  ruleList: unknown[],
  labels?: Record<string, string>,
  aggregate?: string,
): K8sObject {
  const obj: K8sObject = {
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...labels } },
    rules: ruleList,
  };
  if (aggregate)
    obj.aggregationRule = {
      clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/${aggregate}`]: 'true' } }],
    };
  return obj;
}

function binding(name: string, role: string, groups: string[]): K8sObject {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
  };
}

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Objects of one namespace that every namespace gets when it is created. */
export function namespaceContents(namespace: string, caPem: string): Array<[string, K8sObject]> {
  return [
    [
      '/serviceaccounts',
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } },
    ],
    [
      '/configmaps',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kube-root-ca.crt',
          namespace,
          annotations: {
            'kubernetes.io/description':
              'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
          },
        },
        data: { 'ca.crt': caPem },
      },
    ],
  ];
}

/** Cluster-scoped policy objects, as [storage key, object]. */
export function bootstrapPolicy(): Array<[string, K8sObject]> {
  const roles = [
    clusterRole('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    clusterRole('admin', [], undefined, 'aggregate-to-admin'),
    clusterRole('edit', [], { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' }, 'aggregate-to-edit'),
    clusterRole('view', [], { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' }, 'aggregate-to-view'),
    clusterRole(
      'system:aggregate-to-admin',
      [
        {
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['roles', 'rolebindings'],
          verbs: [...READ, ...WRITE],
        },
        { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
      ],
      { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' },
    ),
    clusterRole(
      'system:aggregate-to-edit',
      [...rules(WRITE), { apiGroups: [''], resources: ['secrets'], verbs: [...READ, ...WRITE] }],
      {
        'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
      },
    ),
    clusterRole('system:aggregate-to-view', rules(READ), {
      'rbac.authorization.k8s.io/aggregate-to-view': 'true',
    }),
    clusterRole('system:discovery', [
      {
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
        verbs: ['get'],
      },
    ]),
    clusterRole('system:basic-user', [
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        verbs: ['create'],
      },
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
    ]),
    clusterRole('system:public-info-viewer', [
      { nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] },
    ]),
  ];
  const bindings = [
    binding('cluster-admin', 'cluster-admin', ['system:masters']),
    binding('system:discovery', 'system:discovery', ['system:authenticated']),
    binding('system:basic-user', 'system:basic-user', ['system:authenticated']),
    binding('system:public-info-viewer', 'system:public-info-viewer', [
      'system:authenticated',
      'system:unauthenticated',
    ]),
  ];
  return [
    ...roles.map((r): [string, K8sObject] => ['rbac.authorization.k8s.io/clusterroles', r]),
    ...bindings.map((b): [string, K8sObject] => ['rbac.authorization.k8s.io/clusterrolebindings', b]),
  ];
}
