// RBAC: Roles, ClusterRoles (with aggregation) and their bindings, read from the store on every request
// (indexed once per change of any RBAC object), and the denial wording of the apiserver.
import { selectorMatches } from '../resources/validation.js';
import { text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject } from '../base/types.js';
import type { Store } from '../store/store.js';
import type { UserInfo } from './authn.js';

export interface Attributes {
  user: UserInfo;
  verb: string;
  isResource: boolean;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
}

/** Attributes of a request for a path that is not a resource (/version, /apis ...). */
export function pathAttributes(user: UserInfo, verb: string, path: string): Attributes {
  return {
    user,
    verb,
    isResource: false,
    group: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    path,
  };
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

const KEYS = {
  roles: 'rbac.authorization.k8s.io/roles',
  clusterRoles: 'rbac.authorization.k8s.io/clusterroles',
  roleBindings: 'rbac.authorization.k8s.io/rolebindings',
  clusterRoleBindings: 'rbac.authorization.k8s.io/clusterrolebindings',
};

function rulesOf(obj: K8sObject | undefined): PolicyRule[] {
  const rules = obj?.rules;
  return Array.isArray(rules) ? (rules.filter(isObject) as unknown as PolicyRule[]) : [];
}

function subjectMatches(subject: Record<string, unknown>, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(String(subject.name));
    case 'ServiceAccount':
      return (
        user.name ===
        `system:serviceaccount:${text(subject.namespace) || bindingNamespace}:${text(subject.name)}`
      );
    default:
      return false;
  }
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const full = subresource ? `${resource}/${subresource}` : resource;
  const list = rule.resources ?? [];
  if (list.includes('*') || list.includes(full)) return true;
  if (subresource && list.includes(`*/${subresource}`)) return true;
  return false;
}

export function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.isResource) {
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))),
    );
  }
  if (!has(rule.apiGroups, a.group)) return false;
  if (!resourceMatches(rule, a.resource, a.subresource)) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0)
    return a.name !== '' && rule.resourceNames.includes(a.name);
  return true;
}

export class Authorizer {
  private indexedAt = -1;
  private clusterRules = new Map<string, PolicyRule[]>();

  constructor(private readonly store: Store) {
    store.onEvent((e) => {
      if (Object.values(KEYS).includes(e.storageKey)) this.indexedAt = -1;
    });
  }

  /** ClusterRole rules with aggregation resolved (an aggregated role may itself aggregate others). */
  private clusterRoleRules(name: string, visiting = new Set<string>()): PolicyRule[] {
    if (this.indexedAt === -1) {
      this.clusterRules.clear();
      this.indexedAt = 0;
    }
    let rules = this.clusterRules.get(name);
    if (rules) return rules;
    visiting.add(name);
    const role = this.store.get(KEYS.clusterRoles, '', name);
    rules = rulesOf(role);
    const agg = role?.aggregationRule;
    if (isObject(agg) && Array.isArray(agg.clusterRoleSelectors)) {
      for (const e of this.store.list(KEYS.clusterRoles)) {
        const other = e.object;
        const otherName = other.metadata.name!;
        if (visiting.has(otherName)) continue;
        if (agg.clusterRoleSelectors.some((sel) => selectorMatches(sel, other.metadata.labels ?? {})))
          rules = [...rules, ...this.clusterRoleRules(otherName, visiting)];
      }
    }
    visiting.delete(name);
    this.clusterRules.set(name, rules);
    return rules;
  }

  /** Every rule that applies to a user in a namespace ('' for cluster-wide only). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const out: PolicyRule[] = [];
    for (const e of this.store.list(KEYS.clusterRoleBindings)) {
      const b = e.object;
      if (!this.bound(b, user, '')) continue;
      out.push(...this.clusterRoleRules(String((b.roleRef as Record<string, unknown>)?.name)));
    }
    if (namespace) {
      for (const e of this.store.list(KEYS.roleBindings, namespace)) {
        const b = e.object;
        if (!this.bound(b, user, namespace)) continue;
        const ref = b.roleRef as Record<string, unknown> | undefined;
        if (ref?.kind === 'ClusterRole') out.push(...this.clusterRoleRules(String(ref.name)));
        else out.push(...rulesOf(this.store.get(KEYS.roles, namespace, String(ref?.name))));
      }
    }
    return out;
  }

  private bound(binding: K8sObject, user: UserInfo, namespace: string): boolean {
    const subjects = Array.isArray(binding.subjects) ? binding.subjects.filter(isObject) : [];
    return subjects.some((s) => subjectMatches(s, user, namespace));
  }

  authorize(a: Attributes): Decision {
    if (a.user.groups.includes('system:masters')) return { allowed: true, reason: '' };
    const rules = this.rulesFor(a.user, a.isResource ? a.namespace : '');
    if (rules.some((r) => ruleAllows(r, a))) return { allowed: true, reason: '' };
    return { allowed: false, reason: denial(a) };
  }
}

/** `User "alice" cannot list resource "pods" in API group "" in the namespace "default"` */
export function denial(a: Attributes): string {
  if (!a.isResource) return `User "${a.user.name}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `User "${a.user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${scope}`;
}
