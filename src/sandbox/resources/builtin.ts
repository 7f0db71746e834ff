// The built-in kinds the sandbox serves, with the names, short names, categories, verbs and
// subresources a real cluster shows in discovery.
import { createHash } from 'node:crypto';
import { PATCH_META, objectMeta } from '../base/patch-meta.js';
import { DEFAULTS } from './defaults.js';
import { getPath, text } from '../base/paths.js';
import { printerFor } from './printers.js';
import { outlineSchema } from './outline.js';
import {
  ALL_VERBS,
  type K8sObject,
  type ResourceType,
  type ScaleSubresource,
  type VersionConversion,
} from '../base/types.js';
import { VALIDATORS } from './validation.js';
import { EVENTS_V1, EXTRA_DEFAULTS, EXTRA_VALIDATORS, HPA_V1 } from './extra-kinds.js';

interface BuiltinSpec {
  group?: string;
  version?: string;
  kind: string;
  plural?: string;
  namespaced?: boolean;
  short?: string[];
  all?: boolean;
  verbs?: string[];
  status?: boolean;
  scale?: boolean;
  returnDeleted?: boolean;
  fields?: string[];
  virtual?: boolean;
  /** Top-level fields other than spec and status (ConfigMap data, Role rules ...). */
  noSpec?: boolean;
  description: string;
  /** Another version's storage ("<group>/<plural>") that this version converts to and from. */
  storageKey?: string;
  convert?: VersionConversion;
}

const CREATE_ONLY = ['create'];
const NO_COLLECTION = ALL_VERBS.filter((v) => v !== 'deletecollection');
const REPLICAS_SCALE: ScaleSubresource = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.status.selector',
};

const SPECS: BuiltinSpec[] = [
  // core/v1
  {
    kind: 'ConfigMap',
    short: ['cm'],
    noSpec: true,
    description: 'ConfigMap holds configuration data for pods to consume.',
  },
  {
    kind: 'Endpoints',
    plural: 'endpoints',
    short: ['ep'],
    noSpec: true,
    description: 'Endpoints is a collection of endpoints that implement the actual service.',
  },
  {
    kind: 'Event',
    short: ['ev'],
    noSpec: true,
    fields: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
    description: 'Event is a report of an event somewhere in the cluster.',
  },
  {
    kind: 'LimitRange',
    short: ['limits'],
    description: 'LimitRange sets resource usage limits for each kind of resource in a Namespace.',
  },
  {
    kind: 'Namespace',
    namespaced: false,
    short: ['ns'],
    verbs: NO_COLLECTION,
    status: true,
    fields: ['status.phase'],
    description: 'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
  },
  {
    kind: 'Node',
    namespaced: false,
    short: ['no'],
    status: true,
    fields: ['spec.unschedulable'],
    description: 'Node is a worker node in Kubernetes.',
  },
  {
    kind: 'PersistentVolume',
    namespaced: false,
    short: ['pv'],
    status: true,
    returnDeleted: true,
    description: 'PersistentVolume (PV) is a storage resource provisioned by an administrator.',
  },
  {
    kind: 'PersistentVolumeClaim',
    short: ['pvc'],
    status: true,
    returnDeleted: true,
    description: "PersistentVolumeClaim is a user's request for and claim to a persistent volume",
  },
  {
    kind: 'Pod',
    short: ['po'],
    all: true,
    status: true,
    returnDeleted: true,
    fields: [
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.podIPs',
      'status.nominatedNodeName',
    ],
    description:
      'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.',
  },
  {
    kind: 'PodTemplate',
    noSpec: true,
    description: 'PodTemplate describes a template for creating copies of a predefined pod.',
  },
  {
    kind: 'ReplicationController',
    short: ['rc'],
    fields: ['status.replicas'],
    all: true,
    status: true,
    scale: true,
    description: 'ReplicationController represents the configuration of a replication controller.',
  },
  {
    kind: 'ResourceQuota',
    short: ['quota'],
    status: true,
    description: 'ResourceQuota sets aggregate quota restrictions enforced per namespace',
  },
  {
    kind: 'Secret',
    fields: ['type'],
    noSpec: true,
    description: 'Secret holds secret data of a certain type.',
  },
  {
    kind: 'ServiceAccount',
    short: ['sa'],
    returnDeleted: true,
    noSpec: true,
    description:
      'ServiceAccount binds together a name, a principal that can be authenticated, and a set of secrets.',
  },
  {
    kind: 'Service',
    short: ['svc'],
    all: true,
    fields: ['spec.clusterIP', 'spec.type'],
    status: true,
    returnDeleted: true,
    description:
      'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
  },
  // apps/v1
  {
    group: 'apps',
    kind: 'ControllerRevision',
    noSpec: true,
    description: 'ControllerRevision implements an immutable snapshot of state data.',
  },
  {
    group: 'apps',
    kind: 'DaemonSet',
    short: ['ds'],
    all: true,
    status: true,
    description: 'DaemonSet represents the configuration of a daemon set.',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    short: ['deploy'],
    all: true,
    status: true,
    scale: true,
    description: 'Deployment enables declarative updates for Pods and ReplicaSets.',
  },
  {
    group: 'apps',
    kind: 'ReplicaSet',
    short: ['rs'],
    all: true,
    status: true,
    scale: true,
    fields: ['status.replicas'],
    description: 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
  },
  {
    group: 'apps',
    kind: 'StatefulSet',
    short: ['sts'],
    all: true,
    status: true,
    scale: true,
    description: 'StatefulSet represents a set of pods with consistent identities.',
  },
  // batch/v1
  {
    group: 'batch',
    kind: 'CronJob',
    short: ['cj'],
    all: true,
    status: true,
    description: 'CronJob represents the configuration of a single cron job.',
  },
  {
    group: 'batch',
    kind: 'Job',
    all: true,
    status: true,
    fields: ['status.successful'],
    description: 'Job represents the configuration of a single job.',
  },
  // autoscaling/v2
  {
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    short: ['hpa'],
    all: true,
    status: true,
    description: 'HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler.',
  },
  // policy/v1
  {
    group: 'policy',
    kind: 'PodDisruptionBudget',
    short: ['pdb'],
    status: true,
    description:
      'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods',
  },
  // networking.k8s.io/v1
  {
    group: 'networking.k8s.io',
    kind: 'Ingress',
    short: ['ing'],
    status: true,
    description:
      'Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.',
  },
  {
    group: 'networking.k8s.io',
    kind: 'IngressClass',
    namespaced: false,
    description: 'IngressClass represents the class of the Ingress, referenced by the Ingress Spec.',
  },
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    short: ['netpol'],
    description: 'NetworkPolicy describes what network traffic is allowed for a set of Pods',
  },
  // discovery.k8s.io/v1
  {
    group: 'discovery.k8s.io',
    kind: 'EndpointSlice',
    noSpec: true,
    description: 'EndpointSlice represents a subset of the endpoints that implement a service.',
  },
  // coordination.k8s.io/v1
  { group: 'coordination.k8s.io', kind: 'Lease', description: 'Lease defines a lease concept.' },
  // rbac.authorization.k8s.io/v1
  {
    group: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    namespaced: false,
    noSpec: true,
    description:
      'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.',
  },
  {
    group: 'rbac.authorization.k8s.io',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    noSpec: true,
    description: 'ClusterRoleBinding references a ClusterRole, but not contain it.',
  },
  {
    group: 'rbac.authorization.k8s.io',
    kind: 'Role',
    noSpec: true,
    description:
      'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.',
  },
  {
    group: 'rbac.authorization.k8s.io',
    kind: 'RoleBinding',
    noSpec: true,
    description: 'RoleBinding references a role, but does not contain it.',
  },
  // storage.k8s.io/v1
  {
    group: 'storage.k8s.io',
    kind: 'StorageClass',
    namespaced: false,
    short: ['sc'],
    noSpec: true,
    description:
      'StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.',
  },
  // scheduling.k8s.io/v1
  {
    group: 'scheduling.k8s.io',
    kind: 'PriorityClass',
    namespaced: false,
    short: ['pc'],
    noSpec: true,
    description: 'PriorityClass defines mapping from a priority class name to the priority integer value.',
  },
  // admissionregistration.k8s.io/v1
  {
    group: 'admissionregistration.k8s.io',
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
    noSpec: true,
    description:
      'MutatingWebhookConfiguration describes the configuration of and admission webhook that accept or reject and may change the object.',
  },
  {
    group: 'admissionregistration.k8s.io',
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
    noSpec: true,
    description:
      'ValidatingWebhookConfiguration describes the configuration of and admission webhook that accept or reject and object without changing it.',
  },
  // apiextensions.k8s.io/v1
  {
    group: 'apiextensions.k8s.io',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    short: ['crd', 'crds'],
    status: true,
    description:
      'CustomResourceDefinition represents a resource that should be exposed on the API server.  Its name MUST be in the format <.spec.name>.<.spec.group>.',
  },
  // Reviews: computed on create, never stored.
  {
    group: 'authorization.k8s.io',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: CREATE_ONLY,
    virtual: true,
    description: 'SelfSubjectAccessReview checks whether or the current user can perform an action.',
  },
  {
    group: 'authorization.k8s.io',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    verbs: CREATE_ONLY,
    virtual: true,
    description:
      'SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.',
  },
  {
    group: 'authorization.k8s.io',
    kind: 'SubjectAccessReview',
    namespaced: false,
    verbs: CREATE_ONLY,
    virtual: true,
    description: 'SubjectAccessReview checks whether or not a user or group can perform an action.',
  },
  {
    group: 'authorization.k8s.io',
    kind: 'LocalSubjectAccessReview',
    verbs: CREATE_ONLY,
    virtual: true,
    description:
      'LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace.',
  },
  {
    group: 'authentication.k8s.io',
    kind: 'SelfSubjectReview',
    namespaced: false,
    verbs: CREATE_ONLY,
    virtual: true,
    description:
      'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.',
  },
  {
    group: 'authentication.k8s.io',
    kind: 'TokenReview',
    namespaced: false,
    verbs: CREATE_ONLY,
    virtual: true,
    description: 'TokenReview attempts to authenticate a token to a known user.',
  },
  // Kubernetes 1.32 API coverage (issue 17 class 5): the rest of what `kubectl api-resources` lists.
  { kind: 'Binding', verbs: CREATE_ONLY, virtual: true, description: 'Binding ties one object to another.' },
  {
    kind: 'ComponentStatus',
    namespaced: false,
    short: ['cs'],
    verbs: ['get', 'list'],
    noSpec: true,
    description: 'ComponentStatus (and ComponentStatusList) holds the cluster validation info.',
  },
  {
    group: 'admissionregistration.k8s.io',
    kind: 'ValidatingAdmissionPolicy',
    namespaced: false,
    status: true,
    description:
      'ValidatingAdmissionPolicy describes the definition of an admission validation policy that accepts or rejects an object without changing it.',
  },
  {
    group: 'admissionregistration.k8s.io',
    kind: 'ValidatingAdmissionPolicyBinding',
    namespaced: false,
    description:
      'ValidatingAdmissionPolicyBinding binds the ValidatingAdmissionPolicy with paramerized resources.',
  },
  {
    group: 'apiregistration.k8s.io',
    kind: 'APIService',
    namespaced: false,
    status: true,
    description:
      'APIService represents a server for a particular GroupVersion. Name must be "version.group".',
  },
  {
    group: 'autoscaling',
    version: 'v1',
    kind: 'HorizontalPodAutoscaler',
    short: ['hpa'],
    all: true,
    status: true,
    storageKey: 'autoscaling/horizontalpodautoscalers',
    convert: HPA_V1,
    description: 'configuration of a horizontal pod autoscaler.',
  },
  {
    group: 'certificates.k8s.io',
    kind: 'CertificateSigningRequest',
    namespaced: false,
    short: ['csr'],
    status: true,
    fields: ['spec.signerName'],
    description:
      'CertificateSigningRequest objects provide a mechanism to obtain x509 certificates by submitting a certificate signing request, and having it asynchronously approved and issued.',
  },
  {
    group: 'events.k8s.io',
    kind: 'Event',
    short: ['ev'],
    noSpec: true,
    storageKey: '/events',
    convert: EVENTS_V1,
    description:
      'Event is a report of an event somewhere in the cluster. It generally denotes some state change in the system.',
  },
  {
    group: 'flowcontrol.apiserver.k8s.io',
    kind: 'FlowSchema',
    namespaced: false,
    status: true,
    description:
      'FlowSchema defines the schema of a group of flows. Note that a flow is made up of a set of inbound API requests with similar attributes and is identified by a pair of strings: the name of the FlowSchema and a "flow distinguisher".',
  },
  {
    group: 'flowcontrol.apiserver.k8s.io',
    kind: 'PriorityLevelConfiguration',
    namespaced: false,
    status: true,
    description: 'PriorityLevelConfiguration represents the configuration of a priority level.',
  },
  {
    group: 'node.k8s.io',
    kind: 'RuntimeClass',
    namespaced: false,
    noSpec: true,
    description:
      'RuntimeClass defines a class of container runtime supported in the cluster. The RuntimeClass is used to determine which container runtime is used to run all containers in a pod.',
  },
  {
    group: 'storage.k8s.io',
    kind: 'CSIDriver',
    namespaced: false,
    description:
      'CSIDriver captures information about a Container Storage Interface (CSI) volume driver deployed on the cluster.',
  },
  {
    group: 'storage.k8s.io',
    kind: 'CSINode',
    namespaced: false,
    description: 'CSINode holds information about all CSI drivers installed on a node.',
  },
  {
    group: 'storage.k8s.io',
    kind: 'CSIStorageCapacity',
    noSpec: true,
    description: 'CSIStorageCapacity stores the result of one CSI GetCapacity call.',
  },
  {
    group: 'storage.k8s.io',
    kind: 'VolumeAttachment',
    namespaced: false,
    status: true,
    description:
      'VolumeAttachment captures the intent to attach or detach the specified volume to/from the specified node.',
  },
  // metrics.k8s.io, computed from the process pods' real usage (src/sandbox/metrics).
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    kind: 'PodMetrics',
    plural: 'pods',
    verbs: ['get', 'list'],
    virtual: true,
    description: 'PodMetrics sets resource usage metrics of a pod.',
  },
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    kind: 'NodeMetrics',
    plural: 'nodes',
    namespaced: false,
    verbs: ['get', 'list'],
    virtual: true,
    description: 'NodeMetrics sets resource usage metrics of a node.',
  },
];

function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y') && !/[aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest('base64').slice(0, 11);
}

function fieldSelectors(paths: string[] = []): Record<string, (o: K8sObject) => string | undefined> {
  const out: Record<string, (o: K8sObject) => string | undefined> = {};
  for (const path of paths) {
    out[path] = (o) => {
      if (path === 'status.successful') return text(getPath(o, 'status.succeeded') ?? 0);
      if (path === 'source') return (getPath(o, 'source.component') as string | undefined) ?? '';
      if (path === 'status.podIPs') {
        const ips = getPath(o, 'status.podIPs');
        return Array.isArray(ips) ? ips.map((x: { ip?: string }) => x.ip).join(',') : '';
      }
      const v = getPath(o, path);
      if (v === undefined || v === null)
        return path === 'spec.hostNetwork' || path === 'spec.unschedulable' ? 'false' : '';
      return text(v);
    };
  }
  return out;
}

function both<A extends unknown[]>(a?: (...args: A) => void, b?: (...args: A) => void) {
  return a && b ? (...args: A) => (a(...args), b(...args)) : (a ?? b);
}
function bothErrors<A extends unknown[], E>(a?: (...args: A) => E[], b?: (...args: A) => E[]) {
  return a && b ? (...args: A) => [...a(...args), ...b(...args)] : (a ?? b);
}

function build(spec: BuiltinSpec): ResourceType {
  const group = spec.group ?? '';
  const version = spec.version ?? 'v1';
  const plural = spec.plural ?? pluralOf(spec.kind);
  const namespaced = spec.namespaced ?? true;
  return {
    group,
    version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural,
    singular: spec.kind.toLowerCase(),
    namespaced,
    shortNames: spec.short ?? [],
    categories: spec.all ? ['all'] : [],
    verbs: spec.verbs ?? ALL_VERBS,
    storageKey: spec.storageKey ?? `${group}/${plural}`,
    status: spec.status ?? false,
    scale: spec.scale ? REPLICAS_SCALE : undefined,
    returnDeletedObject: spec.returnDeleted ?? false,
    fieldSelectors: fieldSelectors(spec.fields),
    defaults: both(DEFAULTS[spec.kind], EXTRA_DEFAULTS[spec.kind]),
    validate: bothErrors(VALIDATORS[spec.kind], EXTRA_VALIDATORS[spec.kind]),
    convert: spec.convert,
    printer: printerFor(spec.kind),
    patchMeta: PATCH_META[spec.kind] ?? objectMeta(),
    strategicMerge: true,
    schema: outlineSchema(spec.kind, spec.description, !spec.noSpec, spec.status ?? false),
    storageVersionHash: storageVersionHash(group, version, spec.kind),
    virtual: spec.virtual,
    tracksGeneration: !spec.noSpec,
    description: spec.description,
  };
}

export function builtinTypes(): ResourceType[] {
  return SPECS.map(build);
}
