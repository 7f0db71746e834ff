// Discovery documents, legacy (per group version) and aggregated (v2 and v2beta1), rebuilt only when
// the set of served resources changes.
import type { Registry } from '../resources/registry.js';
import { groupVersion, type ResourceType } from '../base/types.js';

const SUB_VERBS = ['get', 'patch', 'update'];

interface Subresource {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

export function subresources(rt: ResourceType): Subresource[] {
  const out: Subresource[] = [];
  if (rt.kind === 'Namespace' && rt.group === '')
    out.push({ name: 'finalize', kind: 'Namespace', verbs: ['update'] });
  if (rt.scale)
    out.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: SUB_VERBS });
  if (rt.status) out.push({ name: 'status', kind: rt.kind, verbs: SUB_VERBS });
  if (rt.group === '' && !rt.crd && rt.kind === 'Pod') {
    out.push({ name: 'binding', kind: 'Binding', verbs: ['create'] });
    out.push({ name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] });
    out.push({ name: 'log', kind: 'Pod', verbs: ['get'] });
  }
  if (rt.group === '' && !rt.crd && rt.kind === 'ServiceAccount')
    out.push({
      name: 'token',
      kind: 'TokenRequest',
      group: 'authentication.k8s.io',
      version: 'v1',
      verbs: ['create'],
    });
  if (rt.kind === 'CertificateSigningRequest' && !rt.crd)
    out.push({ name: 'approval', kind: 'CertificateSigningRequest', verbs: SUB_VERBS });
  out.sort((a, b) => (a.name < b.name ? -1 : 1));
  return out;
}

function legacyResources(rt: ResourceType): unknown[] {
  const main: Record<string, unknown> = {
    name: rt.plural,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: rt.verbs,
  };
  if (rt.shortNames.length) main.shortNames = rt.shortNames;
  if (rt.categories.length) main.categories = rt.categories;
  if (!rt.virtual) main.storageVersionHash = rt.storageVersionHash;
  const subs = subresources(rt).map((s) => ({
    name: `${rt.plural}/${s.name}`,
    singularName: '',
    namespaced: rt.namespaced,
    ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
    kind: s.kind,
    verbs: s.verbs,
  }));
  return [main, ...subs];
}

function aggregatedResource(rt: ResourceType): unknown {
  const r: Record<string, unknown> = {
    resource: rt.plural,
    responseKind: { group: rt.group, version: rt.version, kind: rt.kind },
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: rt.verbs,
  };
  if (rt.shortNames.length) r.shortNames = rt.shortNames;
  if (rt.categories.length) r.categories = rt.categories;
  const subs = subresources(rt);
  if (subs.length)
    r.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? rt.group, version: s.version ?? rt.version, kind: s.kind },
      verbs: s.verbs,
    }));
  return r;
}

export class Discovery {
  private cache = new Map<string, string>();
  private generation = -1;

  constructor(
    private readonly registry: Registry,
    private readonly serverAddress: () => string,
  ) {}

  private cached(key: string, build: () => unknown): string {
    if (this.generation !== this.registry.generation) {
      this.cache.clear();
      this.generation = this.registry.generation;
    }
    let text = this.cache.get(key);
    if (text === undefined) {
      text = JSON.stringify(build());
      this.cache.set(key, text);
    }
    return text;
  }

  apiVersions(): string {
    return this.cached('/api', () => ({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.serverAddress() }],
    }));
  }

  private groupEntry(name: string, versions: string[]) {
    const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: vs, preferredVersion: vs[0] };
  }

  groupList(): string {
    return this.cached('/apis', () => ({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.registry
        .groups()
        .filter((g) => g.name !== '')
        .map((g) => this.groupEntry(g.name, g.versions)),
    }));
  }

  group(name: string): string | undefined {
    const g = this.registry.groups().find((x) => x.name === name && name !== '');
    if (!g) return undefined;
    return this.cached(`/apis/${name}`, () => ({
      kind: 'APIGroup',
      apiVersion: 'v1',
      ...this.groupEntry(g.name, g.versions),
    }));
  }

  resourceList(group: string, version: string): string | undefined {
    if (!this.registry.servesGroupVersion(group, version)) return undefined;
    return this.cached(`rl:${group}/${version}`, () => ({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: groupVersion({ group, version }),
      resources: this.registry.resources(group, version).flatMap(legacyResources),
    }));
  }

  aggregated(core: boolean, version: 'v2' | 'v2beta1'): string {
    return this.cached(`agg:${core}:${version}`, () => ({
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${version}`,
      metadata: {},
      items: this.registry
        .groups()
        .filter((g) => (g.name === '') === core)
        .map((g) => ({
          metadata: { name: g.name, creationTimestamp: null },
          versions: g.versions.map((v) => ({
            version: v,
            resources: this.registry.resources(g.name, v).map(aggregatedResource),
            freshness: 'Current',
          })),
        })),
    }));
  }
}
