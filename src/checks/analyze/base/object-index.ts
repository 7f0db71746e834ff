// Every object indexed once, by kind, namespace and name, with pods and pod templates side by side, so each
// rule is one pass over the kinds it reads and lookups are map hits (no rule scans all objects per object).
import type { KubeObject } from '../../../design/model.js';
import { splitApiVersion } from '../../../design/object-ref.js';
import type { ContainerLike } from '../../meshes.js';
import type { Entry } from './model.js';

export interface PodSpecLike {
  containers?: Array<
    ContainerLike & {
      readinessProbe?: unknown;
      resources?: { limits?: Record<string, unknown> };
      ports?: Array<{ name?: string; containerPort?: number }>;
    }
  >;
  initContainers?: Array<ContainerLike & { resources?: { limits?: Record<string, unknown> } }>;
}

/** A pod, or the pod template of a workload: what selectors match and injection acts on. */
export interface PodShape {
  entry: Entry;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: PodSpecLike;
  /** Where the pod spec is inside the object (for positions). */
  specPath: readonly (string | number)[];
  /** An actual Pod (not a template). */
  live: boolean;
  /** A Pod a controller made (its workload speaks for it when the workload is indexed too). */
  owned: boolean;
  running: boolean;
}

export const WORKLOAD_KINDS = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'batch/Job',
]);

export function gkOf(object: KubeObject): string {
  return `${splitApiVersion(object.apiVersion ?? '').group}/${object.kind}`;
}

export function entryOf(object: KubeObject, extra: Partial<Entry> = {}): Entry {
  return {
    object,
    gk: gkOf(object),
    namespace: object.metadata?.namespace,
    name: object.metadata?.name ?? '',
    ...extra,
  };
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});

function podShape(entry: Entry): PodShape | undefined {
  const o = entry.object as Rec & { metadata: Rec };
  if (entry.gk === '/Pod') {
    const status = rec(o.status);
    const phase = status.phase as string | undefined;
    return {
      entry,
      labels: (o.metadata.labels as Record<string, string>) ?? {},
      annotations: (o.metadata.annotations as Record<string, string>) ?? {},
      spec: rec(o.spec),
      specPath: ['spec'],
      live: true,
      owned: Array.isArray(o.metadata.ownerReferences) && o.metadata.ownerReferences.length > 0,
      running: phase !== 'Succeeded' && phase !== 'Failed' && !o.metadata.deletionTimestamp,
    };
  }
  if (!WORKLOAD_KINDS.has(entry.gk)) return undefined;
  const template = rec(rec(o.spec).template);
  const meta = rec(template.metadata);
  return {
    entry,
    labels: (meta.labels as Record<string, string>) ?? {},
    annotations: (meta.annotations as Record<string, string>) ?? {},
    spec: rec(template.spec),
    specPath: ['spec', 'template', 'spec'],
    live: false,
    owned: false,
    running: true,
  };
}

/** matchLabels semantics: every key equal. An empty selector selects everything. */
export function matches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

export const CLUSTER_DOMAIN = 'cluster.local';

export interface HostLookup {
  /** The Service the host names, when it names one in the index. */
  service?: Entry;
  /** A wildcard, a ServiceEntry host, or a Service. */
  known: boolean;
  /** The host looks like a cluster Service name (short, name.ns, or *.svc.cluster.local). */
  inCluster: boolean;
}

export class ObjectIndex {
  readonly entries: Entry[] = [];
  readonly namespaces = new Map<string, Entry>();
  private readonly byGk = new Map<string, Entry[]>();
  private readonly podsByNs = new Map<string, PodShape[]>();
  private readonly byKey = new Map<string, Entry>();
  private readonly serviceEntryHosts = new Set<string>();
  private readonly seenNamespaces = new Set<string>();
  private readonly templatesIn = new Set<string>();

  constructor(entries: Iterable<Entry>) {
    for (const e of entries) this.add(e);
  }

  private add(e: Entry): void {
    this.entries.push(e);
    let list = this.byGk.get(e.gk);
    if (!list) this.byGk.set(e.gk, (list = []));
    list.push(e);
    this.byKey.set(`${e.gk}|${e.namespace ?? ''}|${e.name}`, e);
    if (e.namespace) this.seenNamespaces.add(e.namespace);
    if (e.gk === '/Namespace') {
      this.namespaces.set(e.name, e);
      this.seenNamespaces.add(e.name);
    }
    const pod = podShape(e);
    if (pod && e.namespace) {
      let pods = this.podsByNs.get(e.namespace);
      if (!pods) this.podsByNs.set(e.namespace, (pods = []));
      pods.push(pod);
      if (!pod.live) this.templatesIn.add(e.namespace);
    }
    if (e.gk === 'networking.istio.io/ServiceEntry') {
      for (const h of (rec(e.object.spec).hosts as string[] | undefined) ?? []) this.serviceEntryHosts.add(h);
    }
  }

  /** Objects of a kind: "networking.istio.io/VirtualService", "/Service". */
  kind(gk: string): readonly Entry[] {
    return this.byGk.get(gk) ?? [];
  }

  get(gk: string, namespace: string | undefined, name: string): Entry | undefined {
    return this.byKey.get(`${gk}|${namespace ?? ''}|${name}`);
  }

  /** Every namespace named by a Namespace object or by any object's metadata. */
  namespaceNames(): Iterable<string> {
    return this.seenNamespaces;
  }

  /** Pods and pod templates in a namespace. */
  pods(namespace: string): readonly PodShape[] {
    return this.podsByNs.get(namespace) ?? [];
  }

  /** Pods and templates a matchLabels selector picks in a namespace (a template speaks for its pods). */
  select(namespace: string, selector: Record<string, string> | undefined): PodShape[] {
    const templates = this.templatesIn.has(namespace);
    return this.pods(namespace).filter(
      (p) => !(p.live && p.owned && templates) && matches(selector, p.labels),
    );
  }

  /** Istio host resolution: "reviews", "reviews.shop", "reviews.shop.svc.cluster.local", wildcards, ServiceEntry hosts. */
  lookupHost(host: string, fromNamespace: string | undefined): HostLookup {
    if (host.includes('*')) return { known: true, inCluster: false };
    if (this.serviceEntryHosts.has(host)) return { known: true, inCluster: false };
    const parts = host.split('.');
    let name: string | undefined;
    let ns: string | undefined;
    if (parts.length === 1) [name, ns] = [parts[0], fromNamespace];
    else if (parts.length === 2) [name, ns] = parts;
    else if (host.endsWith(`.svc.${CLUSTER_DOMAIN}`) || (parts.length === 3 && parts[2] === 'svc'))
      [name, ns] = parts;
    if (!name || !ns) return { known: false, inCluster: false };
    const service = this.get('/Service', ns, name);
    return { service, known: service !== undefined, inCluster: true };
  }
}

export { rec };

/** A scalar field as text ('' for anything else), for messages and lookups. */
export function str(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}
