// What matters to meshes in a cluster, reduced from the raw objects: namespaces and their sidecar
// injection, workloads, pods and their sidecars, services, mesh CRDs and their custom resources. Each
// raw object is summarised as soon as it is read, so even 10,000 pods take little memory.
import { imageTag } from '../../kube/image.js';
import type { LiveObject } from '../client.js';

export type MeshId = 'istio' | 'linkerd' | 'kuma' | 'consul' | 'cilium' | 'smi' | 'gateway-api';

const SIDECARS: Record<string, MeshId> = {
  'istio-proxy': 'istio',
  'linkerd-proxy': 'linkerd',
  'kuma-sidecar': 'kuma',
  'envoy-sidecar': 'consul',
  'consul-dataplane': 'consul',
};

const MESH_GROUPS: Array<[RegExp, MeshId]> = [
  [/(^|\.)istio\.io$/, 'istio'],
  [/(^|\.)linkerd\.io$/, 'linkerd'],
  [/(^|\.)kuma\.io$/, 'kuma'],
  [/(^|\.)consul\.hashicorp\.com$/, 'consul'],
  [/(^|\.)cilium\.io$/, 'cilium'],
  [/(^|\.)smi-spec\.io$/, 'smi'],
  [/^gateway\.networking\.k8s\.io$/, 'gateway-api'],
];

export function meshOfGroup(group: string): MeshId | undefined {
  return MESH_GROUPS.find(([pattern]) => pattern.test(group))?.[1];
}

export interface NamespaceSummary {
  name: string;
  phase: string;
  /** Meshes that inject sidecars here, e.g. ["istio"] (from labels or annotations). */
  injection: MeshId[];
  /** The istio.io/rev label, for revision-based injection. */
  revision?: string;
}

export interface WorkloadSummary {
  kind: string;
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  /** Injection asked for (or refused) on the pod template: "istio=enabled" ... */
  injection: string[];
}

export interface PodSummary {
  namespace: string;
  name: string;
  phase: string;
  ready: boolean;
  sidecars: string[];
  /** The sidecars' proxy versions (their image tags, or Linkerd's proxy-version annotation), distinct. */
  proxyVersions?: string[];
  node?: string;
  owner?: string;
}

export interface ServiceSummary {
  namespace: string;
  name: string;
  type: string;
  clusterIP?: string;
  ports: string;
}

export interface CrdSummary {
  name: string;
  group: string;
  kind: string;
  plural: string;
  mesh: MeshId;
  version: string;
  namespaced: boolean;
}

export interface CustomResourceSummary {
  mesh: MeshId;
  group: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface MeshSummary {
  mesh: MeshId;
  crds: number;
  resources: number;
  injectedNamespaces: number;
  podsWithSidecars: number;
}

export interface Snapshot {
  apiVersion: 'meshdeck/v1';
  kind: 'ClusterSnapshot';
  cluster: { server: string; context: string };
  takenAt: string;
  /** Set when only one namespace was looked at. */
  namespace?: string;
  meshes: MeshSummary[];
  namespaces: NamespaceSummary[];
  workloads: WorkloadSummary[];
  pods: PodSummary[];
  services: ServiceSummary[];
  crds: CrdSummary[];
  resources: CustomResourceSummary[];
}

const labels = (o: LiveObject) => o.metadata.labels ?? {};
const annotations = (o: LiveObject) => o.metadata.annotations ?? {};
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export function summarizeNamespace(o: LiveObject): NamespaceSummary {
  const l = labels(o);
  const a = annotations(o);
  const injection: MeshId[] = [];
  if (l['istio-injection'] === 'enabled' || (l['istio.io/rev'] && l['istio-injection'] !== 'disabled'))
    injection.push('istio');
  if (a['linkerd.io/inject'] === 'enabled') injection.push('linkerd');
  if ((l['kuma.io/sidecar-injection'] ?? a['kuma.io/sidecar-injection']) === 'enabled')
    injection.push('kuma');
  if ((l['consul.hashicorp.com/connect-inject'] ?? a['consul.hashicorp.com/connect-inject']) === 'true')
    injection.push('consul');
  const summary: NamespaceSummary = {
    name: o.metadata.name ?? '',
    phase: String((o.status as { phase?: string } | undefined)?.phase ?? 'Active'),
    injection,
  };
  if (l['istio.io/rev']) summary.revision = l['istio.io/rev'];
  return summary;
}

const INJECTION_KEYS: Array<[string, string]> = [
  ['sidecar.istio.io/inject', 'istio'],
  ['linkerd.io/inject', 'linkerd'],
  ['kuma.io/sidecar-injection', 'kuma'],
  ['consul.hashicorp.com/connect-inject', 'consul'],
];

export function summarizeWorkload(o: LiveObject): WorkloadSummary {
  const spec = (o.spec ?? {}) as {
    replicas?: number;
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } };
  };
  const status = o.status ?? {};
  const template = {
    ...(spec.template?.metadata?.labels ?? {}),
    ...(spec.template?.metadata?.annotations ?? {}),
  };
  const injection = INJECTION_KEYS.filter(([key]) => key in template).map(
    ([key, mesh]) => `${mesh}=${template[key]}`,
  );
  const daemon = o.kind === 'DaemonSet';
  return {
    kind: o.kind,
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name ?? '',
    desired: daemon
      ? num(status.desiredNumberScheduled)
      : typeof spec.replicas === 'number'
        ? spec.replicas
        : 1,
    ready: daemon ? num(status.numberReady) : num(status.readyReplicas),
    injection,
  };
}

/** Linkerd's injector records its proxy's version on the pod; other meshes' show in the image tag. */
function proxyVersions(o: LiveObject, sidecars: Array<{ image?: string }>): string[] {
  if (sidecars.length === 0) return [];
  const linkerd = o.metadata.annotations?.['linkerd.io/proxy-version'];
  const tags = sidecars.map((c) => imageTag(c.image));
  return [...new Set(linkerd ? [linkerd] : tags.filter((t): t is string => t !== undefined))];
}

export function summarizePod(o: LiveObject): PodSummary {
  const spec = (o.spec ?? {}) as {
    containers?: Array<{ name?: string; image?: string }>;
    initContainers?: Array<{ name?: string; image?: string; restartPolicy?: string }>;
    nodeName?: string;
  };
  const status = (o.status ?? {}) as {
    phase?: string;
    conditions?: Array<{ type?: string; status?: string }>;
  };
  // Sidecars are regular containers, or (Kubernetes 1.28+) init containers that keep running.
  const sidecars = [
    ...(spec.containers ?? []),
    ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ].filter((c) => (c.name ?? '') in SIDECARS);
  const summary: PodSummary = {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name ?? '',
    phase: status.phase ?? 'Pending',
    ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    sidecars: sidecars.map((c) => c.name!),
  };
  const versions = proxyVersions(o, sidecars);
  if (versions.length > 0) summary.proxyVersions = versions;
  if (spec.nodeName) summary.node = spec.nodeName;
  const owner = o.metadata.ownerReferences?.find((r) => r.controller) ?? o.metadata.ownerReferences?.[0];
  if (owner) summary.owner = `${owner.kind}/${owner.name}`;
  return summary;
}

export function summarizeService(o: LiveObject): ServiceSummary {
  const spec = (o.spec ?? {}) as {
    type?: string;
    clusterIP?: string;
    ports?: Array<{ port?: number; protocol?: string }>;
  };
  return {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name ?? '',
    type: spec.type ?? 'ClusterIP',
    ...(spec.clusterIP ? { clusterIP: spec.clusterIP } : {}),
    ports: (spec.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(','),
  };
}

/** A CRD of a mesh's API groups (others are not part of the snapshot). */
export function summarizeCrd(o: LiveObject): CrdSummary | undefined {
  const spec = (o.spec ?? {}) as {
    group?: string;
    scope?: string;
    names?: { kind?: string; plural?: string };
    versions?: Array<{ name?: string; served?: boolean; storage?: boolean }>;
  };
  const mesh = spec.group ? meshOfGroup(spec.group) : undefined;
  if (!mesh || !spec.names?.kind || !spec.names.plural) return undefined;
  const served = (spec.versions ?? []).filter((v) => v.served !== false);
  const version = (served.find((v) => v.storage) ?? served[0])?.name;
  if (!version) return undefined;
  return {
    name: o.metadata.name ?? '',
    group: spec.group!,
    kind: spec.names.kind,
    plural: spec.names.plural,
    mesh,
    version,
    namespaced: spec.scope !== 'Cluster',
  };
}

export function summarizeCustomResource(crd: CrdSummary, o: LiveObject): CustomResourceSummary {
  return {
    mesh: crd.mesh,
    group: crd.group,
    kind: crd.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name ?? '',
  };
}

/** The per-mesh totals at the top of a snapshot. */
export function meshTotals(s: Pick<Snapshot, 'namespaces' | 'pods' | 'crds' | 'resources'>): MeshSummary[] {
  const meshes = new Map<MeshId, MeshSummary>();
  const of = (mesh: MeshId) => {
    let m = meshes.get(mesh);
    if (!m)
      meshes.set(mesh, (m = { mesh, crds: 0, resources: 0, injectedNamespaces: 0, podsWithSidecars: 0 }));
    return m;
  };
  for (const c of s.crds) of(c.mesh).crds++;
  for (const r of s.resources) of(r.mesh).resources++;
  for (const n of s.namespaces) for (const mesh of n.injection) of(mesh).injectedNamespaces++;
  for (const p of s.pods)
    for (const mesh of new Set(p.sidecars.map((c) => SIDECARS[c]))) of(mesh).podsWithSidecars++;
  return [...meshes.values()].sort((a, b) => a.mesh.localeCompare(b.mesh));
}
