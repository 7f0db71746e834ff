// Two meshes' injectors on the same pods: each would add its sidecar (or refuse the other's), so meshdeck
// refuses to deploy a mesh whose injector webhooks select namespaces another mesh's injector selects, and
// `mesh status` reports such overlaps. A namespace counts as selected when a webhook's namespaceSelector
// matches its labels and its objectSelector matches a plain pod (one with no labels of its own).
import type { KubeObject } from '../../design/model.js';
import type { ClusterClient, LiveObject } from '../../k8s/client.js';
import { labelsOf, listAll, selects, type LabelSelector } from './cluster.js';
import type { MeshLifecycle } from './types.js';

export interface InjectorWebhook {
  mesh: string;
  configuration: string;
  name: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

export interface Conflict {
  namespace: string;
  a: InjectorWebhook;
  b: InjectorWebhook;
}

const NEVER = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export function injectorWebhooks(mesh: MeshLifecycle, objects: readonly KubeObject[]): InjectorWebhook[] {
  return objects
    .filter((o) => o.kind === 'MutatingWebhookConfiguration')
    .flatMap((o) =>
      ((o.webhooks as InjectorWebhook[] | undefined) ?? [])
        .filter((w) => mesh.isInjectorWebhook(w.name))
        .map((w) => ({
          mesh: mesh.name,
          configuration: o.metadata.name ?? '',
          name: w.name,
          namespaceSelector: w.namespaceSelector,
          objectSelector: w.objectSelector,
        })),
    );
}

/** The injector webhooks in the cluster, by the mesh that owns them. */
export async function liveInjectors(
  client: ClusterClient,
  meshes: readonly MeshLifecycle[],
): Promise<InjectorWebhook[]> {
  const mwcs = await listAll(client, 'admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration');
  return meshes.flatMap((m) => injectorWebhooks(m, mwcs));
}

function selectsPlainPods(w: InjectorWebhook, ns: LiveObject): boolean {
  const labels = { 'kubernetes.io/metadata.name': ns.metadata.name ?? '', ...labelsOf(ns) };
  return selects(w.namespaceSelector, labels) && selects(w.objectSelector, {});
}

/** Namespaces where an injector of one mesh and one of another both take plain pods. */
export function findConflicts(
  namespaces: readonly LiveObject[],
  webhooks: readonly InjectorWebhook[],
  ownNamespaces: ReadonlySet<string>,
): Conflict[] {
  const out: Conflict[] = [];
  for (const ns of namespaces) {
    const name = ns.metadata.name ?? '';
    if (NEVER.has(name) || ownNamespaces.has(name)) continue;
    const hits = webhooks.filter((w) => selectsPlainPods(w, ns));
    const first = new Map<string, InjectorWebhook>();
    for (const w of hits) if (!first.has(w.mesh)) first.set(w.mesh, w);
    const meshes = [...first.values()];
    for (let i = 0; i < meshes.length; i++)
      for (let j = i + 1; j < meshes.length; j++) out.push({ namespace: name, a: meshes[i], b: meshes[j] });
  }
  return out;
}

export function describeConflict(c: Conflict): string {
  return `namespace ${c.namespace}: ${c.a.mesh}'s injector (${c.a.configuration}: ${c.a.name}) and ${c.b.mesh}'s (${c.b.configuration}: ${c.b.name}) both select its pods`;
}
