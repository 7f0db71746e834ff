// Every resource the server serves right now: the built-ins plus those of established CRDs. Discovery,
// OpenAPI and routing read it; a change (a CRD established or removed) bumps its generation so cached
// documents are rebuilt.
import { builtinTypes } from './builtin.js';
import type { ResourceType } from '../base/types.js';

/** Group order in discovery: the core groups first, as a real server lists them. */
const GROUP_ORDER = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
];

export interface GroupInfo {
  name: string;
  /** Served versions, preferred first. */
  versions: string[];
}

export class Registry {
  private byPath = new Map<string, ResourceType>();
  private custom = new Map<string, ResourceType[]>();
  /** Bumped on every change; caches compare it. */
  generation = 0;
  private listeners: Array<() => void> = [];

  constructor() {
    for (const rt of builtinTypes()) this.byPath.set(key(rt.group, rt.version, rt.plural), rt);
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  get(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(key(group, version, plural));
  }

  all(): ResourceType[] {
    return [...this.byPath.values()];
  }

  /** True if the group/version is served at all (for 404 vs resource-not-found). */
  servesGroupVersion(group: string, version: string): boolean {
    return this.groups().some((g) => g.name === group && g.versions.includes(version));
  }

  /** The type storing a kind in a group (any version): for owner lookups and the garbage collector. */
  byKind(group: string, kind: string): ResourceType | undefined {
    for (const rt of this.byPath.values()) if (rt.group === group && rt.kind === kind) return rt;
    return undefined;
  }

  byStorageKey(storageKey: string): ResourceType | undefined {
    for (const rt of this.byPath.values()) if (rt.storageKey === storageKey) return rt;
    return undefined;
  }

  /** Adds or replaces the types a CRD serves. */
  setCustom(crdName: string, types: ResourceType[]): void {
    this.removeCustom(crdName, false);
    this.custom.set(crdName, types);
    for (const rt of types) this.byPath.set(key(rt.group, rt.version, rt.plural), rt);
    this.changed();
  }

  removeCustom(crdName: string, notify = true): void {
    for (const rt of this.custom.get(crdName) ?? []) this.byPath.delete(key(rt.group, rt.version, rt.plural));
    this.custom.delete(crdName);
    if (notify) this.changed();
  }

  customTypes(crdName: string): ResourceType[] {
    return this.custom.get(crdName) ?? [];
  }

  private changed(): void {
    this.generation++;
    for (const l of this.listeners) l();
  }

  /** Groups with their versions, in discovery order. */
  groups(): GroupInfo[] {
    const versions = new Map<string, string[]>();
    for (const rt of this.byPath.values()) {
      const list = versions.get(rt.group) ?? [];
      if (!list.includes(rt.version)) list.push(rt.version);
      versions.set(rt.group, list);
    }
    const names = [...versions.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    return names.map((name) => ({ name, versions: [...versions.get(name)!].sort(compareVersions) }));
  }

  /** Resources of one group/version, sorted by name. */
  resources(group: string, version: string): ResourceType[] {
    return [...this.byPath.values()]
      .filter((rt) => rt.group === group && rt.version === version)
      .sort((a, b) => (a.plural < b.plural ? -1 : 1));
  }
}

function rank(group: string): number {
  const i = GROUP_ORDER.indexOf(group);
  return i === -1 ? GROUP_ORDER.length : i;
}

function key(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first; a CRD's storage version wins ties. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0, v] as const;
    const level = m[2] === 'alpha' ? 1 : m[2] === 'beta' ? 2 : 3;
    return [1, level, Number(m[1]), Number(m[3] ?? 0)] as const;
  };
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 4; i++) {
    if (pa[i] !== pb[i]) return pa[i] > pb[i] ? -1 : 1;
  }
  return 0;
}
