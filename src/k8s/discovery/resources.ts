// What the cluster serves, from its discovery documents: kind → resource (plural, scope, verbs), and
// precise explanations when a kind is not served (no such group, no such version, no such kind).
import { kindGroup, splitApiVersion } from '../../design/object-ref.js';
import { didYouMean } from '../../core/suggest.js';

export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  /** The plural resource name used in URLs ("deployments"). */
  plural: string;
  namespaced: boolean;
  verbs: string[];
}

export interface ApiGroupInfo {
  name: string;
  /** Served versions, preferred first. */
  versions: string[];
}

export interface DiscoveryData {
  groups: ApiGroupInfo[];
  resources: ApiResource[];
}

export interface KindProblem {
  message: string;
  hint: string;
}

export class ResourceIndex {
  private readonly byGvk = new Map<string, ApiResource>();
  private readonly groups = new Map<string, ApiGroupInfo>();

  constructor(readonly data: DiscoveryData) {
    for (const g of data.groups) this.groups.set(g.name, g);
    for (const r of data.resources) this.byGvk.set(gvk(r.group, r.version, r.kind), r);
  }

  find(apiVersion: string, kind: string): ApiResource | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.byGvk.get(gvk(group, version, kind));
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  /** Each listable resource once, at its group's preferred version (what prune and snapshots scan). */
  listable(): ApiResource[] {
    const out: ApiResource[] = [];
    const seen = new Set<string>();
    for (const g of this.data.groups) {
      for (const version of g.versions) {
        for (const r of this.data.resources) {
          if (r.group !== g.name || r.version !== version || !r.verbs.includes('list')) continue;
          const key = `${r.group}|${r.kind}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(r);
        }
      }
    }
    return out;
  }

  /** Why apiVersion/kind is not served, in the words of someone who knows the cluster. */
  explain(apiVersion: string, kind: string): KindProblem {
    const { group, version } = splitApiVersion(apiVersion);
    const groupName = group === '' ? 'the core API group' : `API group "${group}"`;
    const info = this.groups.get(group);
    if (!info) {
      return {
        message: `unknown kind ${kind} (${apiVersion}): the cluster serves no ${groupName}`,
        hint: `install the CustomResourceDefinition that defines ${kindGroup(kind, group)} (or the operator or mesh that brings it), or add it to the design`,
      };
    }
    if (!info.versions.includes(version)) {
      return {
        message: `unknown kind ${kind} (${apiVersion}): ${groupName} has no version ${version}`,
        hint: `versions served: ${info.versions.join(', ')}`,
      };
    }
    const kinds = this.data.resources
      .filter((r) => r.group === group && r.version === version)
      .map((r) => r.kind);
    return {
      message: `unknown kind ${kind} (${apiVersion}): ${group || 'v1'}${group ? `/${version}` : ''} has no kind "${kind}"${didYouMean(kind, kinds)}`,
      hint: 'kinds are case-sensitive; "kubectl api-resources" lists what the cluster serves',
    };
  }
}

function gvk(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** The legacy discovery documents (APIResourceList) of one group version, as ApiResources. */
export function resourcesOf(group: string, version: string, list: unknown): ApiResource[] {
  const resources = (list as { resources?: unknown[] } | undefined)?.resources;
  if (!Array.isArray(resources)) return [];
  const out: ApiResource[] = [];
  for (const raw of resources) {
    const r = raw as { name?: string; kind?: string; namespaced?: boolean; verbs?: string[] };
    if (typeof r.name !== 'string' || r.name.includes('/') || typeof r.kind !== 'string') continue;
    out.push({
      group,
      version,
      kind: r.kind,
      plural: r.name,
      namespaced: Boolean(r.namespaced),
      verbs: Array.isArray(r.verbs) ? r.verbs : [],
    });
  }
  return out;
}

/** Aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) into groups and resources. */
export function fromAggregated(list: unknown, into: DiscoveryData): void {
  const items = (list as { items?: unknown[] } | undefined)?.items;
  if (!Array.isArray(items)) return;
  for (const raw of items) {
    const item = raw as {
      metadata?: { name?: string };
      versions?: Array<{ version?: string; resources?: Array<Record<string, unknown>> }>;
    };
    const group = item.metadata?.name ?? '';
    const versions: string[] = [];
    for (const v of item.versions ?? []) {
      if (typeof v.version !== 'string') continue;
      versions.push(v.version);
      for (const r of v.resources ?? []) {
        const kind = (r.responseKind as { kind?: string } | undefined)?.kind;
        if (typeof r.resource !== 'string' || typeof kind !== 'string') continue;
        into.resources.push({
          group,
          version: v.version,
          kind,
          plural: r.resource,
          namespaced: r.scope === 'Namespaced',
          verbs: Array.isArray(r.verbs) ? (r.verbs as string[]) : [],
        });
      }
    }
    into.groups.push({ name: group, versions });
  }
}
