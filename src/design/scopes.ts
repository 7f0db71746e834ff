// Which kinds are cluster-scoped, known without asking a cluster: the built-in ones, and those of the
// CustomResourceDefinitions in the same design. With a cluster at hand, discovery answers instead.
import type { KubeObject } from './model.js';
import { splitApiVersion } from './object-ref.js';
import { isRecord } from './names.js';

const BUILTIN_CLUSTER_SCOPED: Record<string, readonly string[]> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'],
  'scheduling.k8s.io': ['PriorityClass'],
  'admissionregistration.k8s.io': [
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
  ],
  'networking.k8s.io': ['IngressClass'],
  'node.k8s.io': ['RuntimeClass'],
  'certificates.k8s.io': ['CertificateSigningRequest'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
};

/** A CRD's kinds, as declared in its spec. */
export interface DeclaredKind {
  group: string;
  kind: string;
  versions: string[];
  namespaced: boolean;
  plural: string;
}

export function kindsDeclaredBy(object: KubeObject): DeclaredKind | undefined {
  if (object.kind !== 'CustomResourceDefinition' || !object.apiVersion.startsWith('apiextensions.k8s.io/')) {
    return undefined;
  }
  const spec = isRecord(object.spec) ? object.spec : undefined;
  const names = spec && isRecord(spec.names) ? spec.names : undefined;
  if (!spec || !names || typeof spec.group !== 'string' || typeof names.kind !== 'string') return undefined;
  const versions = Array.isArray(spec.versions)
    ? spec.versions
        .filter(isRecord)
        .flatMap((v) => (typeof v.name === 'string' && v.served !== false ? [v.name] : []))
    : typeof spec.version === 'string'
      ? [spec.version]
      : [];
  return {
    group: spec.group,
    kind: names.kind,
    versions,
    namespaced: spec.scope !== 'Cluster',
    plural: typeof names.plural === 'string' ? names.plural : `${names.kind.toLowerCase()}s`,
  };
}

/** true: namespaced; false: cluster-scoped; from built-ins and the given CRDs (unknown kinds: namespaced). */
export function offlineScope(
  declared: readonly DeclaredKind[],
): (apiVersion: string, kind: string) => boolean {
  return (apiVersion, kind) => {
    const { group } = splitApiVersion(apiVersion);
    if (BUILTIN_CLUSTER_SCOPED[group]?.includes(kind)) return false;
    const crd = declared.find((d) => d.group === group && d.kind === kind);
    return crd ? crd.namespaced : true;
  };
}
