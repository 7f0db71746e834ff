// Where the analyzed objects come from: files (a loaded design, with positions) and the live cluster (the
// kinds the rules read, each listed once). Objects from files replace the cluster's copies.
import type { LoadedDesign } from '../../design/model.js';
import type { ClusterClient, LiveObject } from '../../k8s/client.js';
import { mapLimit } from '../../k8s/util/concurrency.js';
import { entryOf } from './base/object-index.js';
import type { Entry } from './base/model.js';

/** Kinds the rules read: [group, kind]. */
export const ANALYZED_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['', 'Namespace'],
  ['', 'Pod'],
  ['', 'Service'],
  ['apps', 'Deployment'],
  ['apps', 'StatefulSet'],
  ['apps', 'DaemonSet'],
  ['networking.istio.io', 'VirtualService'],
  ['networking.istio.io', 'DestinationRule'],
  ['networking.istio.io', 'Gateway'],
  ['networking.istio.io', 'ServiceEntry'],
  ['security.istio.io', 'PeerAuthentication'],
  ['security.istio.io', 'AuthorizationPolicy'],
  ['policy.linkerd.io', 'Server'],
  ['policy.linkerd.io', 'AuthorizationPolicy'],
  ['policy.linkerd.io', 'ServerAuthorization'],
  ['kuma.io', 'Mesh'],
  ['kuma.io', 'MeshTrafficPermission'],
];

const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'storage.k8s.io/StorageClass',
  'kuma.io/Mesh',
]);

/** A design's objects; namespaced objects that name no namespace are in defaultNamespace. */
export function entriesFromDesign(design: LoadedDesign, defaultNamespace: string): Entry[] {
  return design.objects.map((o) => {
    const e = entryOf(o.object, { origin: o.origin, locate: (path) => o.locate(path) });
    if (!e.namespace && !CLUSTER_SCOPED.has(e.gk)) e.namespace = design.meta.namespace ?? defaultNamespace;
    return e;
  });
}

export interface ClusterRead {
  entries: Entry[];
  /** Kinds the cluster does not serve (their mesh is not installed). */
  notServed: string[];
}

/** Lists every analyzed kind the cluster serves, in all namespaces or one. */
export async function entriesFromCluster(client: ClusterClient, namespace?: string): Promise<ClusterRead> {
  const index = await client.discovery.index();
  const notServed: string[] = [];
  const lists = await mapLimit(ANALYZED_KINDS, 6, async ([group, kind]): Promise<LiveObject[]> => {
    const preferred = index.data.groups.find((g) => g.name === group)?.versions ?? [];
    const resource =
      preferred
        .map((v) => index.data.resources.find((r) => r.group === group && r.version === v && r.kind === kind))
        .find(Boolean) ?? index.data.resources.find((r) => r.group === group && r.kind === kind);
    if (!resource) {
      notServed.push(group ? `${kind}.${group}` : kind);
      return [];
    }
    return (await client.list(resource, { namespace: resource.namespaced ? namespace : undefined })).items;
  });
  const entries: Entry[] = [];
  for (const list of lists) for (const o of list) entries.push(entryOf(o));
  return { entries, notServed };
}

/** Cluster objects with the files' versions in their place. */
export function mergeEntries(cluster: readonly Entry[], files: readonly Entry[]): Entry[] {
  const key = (e: Entry) => `${e.gk}|${e.namespace ?? ''}|${e.name}`;
  const fromFiles = new Set(files.map(key));
  return [...cluster.filter((e) => !fromFiles.has(key(e))), ...files];
}
