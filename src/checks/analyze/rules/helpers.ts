// What several rules need: which mesh injects a namespace or pod, and the Istio mTLS mode in force.
import { hasSidecar, MESH_PROFILES, profileOf, wantsInjection, type MeshProfile } from '../../meshes.js';
import { rec, type ObjectIndex, type PodShape } from '../base/object-index.js';
import type { Entry } from '../base/model.js';

export const ISTIO = profileOf('istio')!;
export const LINKERD = profileOf('linkerd')!;
/** meshConfig.rootNamespace's default: mesh-wide policy lives here. */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

export const spec = (e: Entry) => rec(e.object.spec);
export const labelsOf = (e: Entry): Record<string, string> => e.object.metadata.labels ?? {};
export const annotationsOf = (e: Entry): Record<string, string> => e.object.metadata.annotations ?? {};

/** The pod as the mesh tables see it (labels and annotations of the pod or template). */
export function asPodLike(p: PodShape) {
  return { metadata: { labels: p.labels, annotations: p.annotations }, spec: p.spec };
}

/** Whether the mesh injects (or has injected) this pod. */
export function meshedBy(index: ObjectIndex, profile: MeshProfile, p: PodShape): boolean {
  const pod = asPodLike(p);
  if (hasSidecar(profile, pod)) return true;
  if (p.live) return false;
  const ns = p.entry.namespace ? index.namespaces.get(p.entry.namespace)?.object : undefined;
  return wantsInjection(profile, ns, pod);
}

/** Namespaces where the mesh has workloads: labelled for injection, or holding its sidecars. */
export function meshedNamespaces(index: ObjectIndex, profile: MeshProfile): Set<string> {
  const out = new Set<string>();
  for (const ns of index.namespaces.values())
    if (profile.namespaceInjection(ns.object) === 'enabled') out.add(ns.name);
  for (const name of index.namespaceNames()) {
    if (out.has(name)) continue;
    if (index.pods(name).some((p) => meshedBy(index, profile, p))) out.add(name);
  }
  return out;
}

export function sidecarMeshes(): readonly MeshProfile[] {
  return MESH_PROFILES.filter((p) => p.sidecars.length > 0);
}

type Mode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';

export interface PolicyInForce {
  mode: Mode;
  /** The PeerAuthentication that set it; undefined for Istio's default (PERMISSIVE). */
  from?: Entry;
}

function modeOf(e: Entry): Mode {
  const m = rec(spec(e).mtls).mode;
  return m === 'STRICT' || m === 'PERMISSIVE' || m === 'DISABLE' ? m : 'UNSET';
}

function oldestFirst(a: Entry, b: Entry): number {
  const at = a.object.metadata.creationTimestamp;
  const bt = b.object.metadata.creationTimestamp;
  return (at ?? '').localeCompare(bt ?? '');
}

/** PeerAuthentications indexed once per analysis: by scope. */
export class PeerAuthentications {
  readonly meshWide?: Entry;
  private readonly namespaceWide = new Map<string, Entry>();
  private readonly workload = new Map<string, Entry[]>();

  constructor(index: ObjectIndex) {
    const all = [...index.kind('security.istio.io/PeerAuthentication')].sort(oldestFirst);
    for (const pa of all) {
      const selector = rec(rec(spec(pa).selector).matchLabels);
      const ns = pa.namespace ?? '';
      if (Object.keys(selector).length > 0) {
        if (ns === ISTIO_ROOT_NAMESPACE) continue; // ignored (meshes.md 2.8)
        this.workload.set(ns, [...(this.workload.get(ns) ?? []), pa]);
      } else if (ns === ISTIO_ROOT_NAMESPACE) {
        this.meshWide ??= pa;
      } else if (!this.namespaceWide.has(ns)) {
        this.namespaceWide.set(ns, pa);
      }
    }
  }

  /** The namespace's mode: its own policy, else the mesh's, else Istio's default PERMISSIVE. */
  forNamespace(ns: string): PolicyInForce {
    for (const pa of [this.namespaceWide.get(ns), this.meshWide]) {
      if (pa && modeOf(pa) !== 'UNSET') return { mode: modeOf(pa), from: pa };
    }
    return { mode: 'PERMISSIVE', from: this.namespaceWide.get(ns) ?? this.meshWide };
  }

  /** For workloads with these labels: a matching workload policy first, then the namespace's. */
  forWorkload(ns: string, labels: Record<string, string>): PolicyInForce {
    for (const pa of this.workload.get(ns) ?? []) {
      const selector = rec(rec(spec(pa).selector).matchLabels) as Record<string, string>;
      if (Object.keys(selector).every((k) => labels[k] === selector[k]) && modeOf(pa) !== 'UNSET') {
        return { mode: modeOf(pa), from: pa };
      }
    }
    return this.forNamespace(ns);
  }
}

export function describe(e: Entry | undefined): string {
  if (!e) return "Istio's default";
  return `PeerAuthentication ${e.namespace}/${e.name}`;
}
