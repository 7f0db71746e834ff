// Which permissions an operation needs, as (verb, group, resource, namespace), each asked once.

export interface Permission {
  verb: string;
  group: string;
  resource: string;
  /** Absent for cluster-scoped resources. */
  namespace?: string;
}

export interface ResourceUse {
  group: string;
  plural: string;
  namespaced: boolean;
  namespace?: string;
}

/** Server-side apply creates what is missing and patches what exists: both verbs are needed. */
export const APPLY_VERBS = ['create', 'patch'] as const;
export const DELETE_VERBS = ['delete'] as const;

export function permissionsFor(
  uses: ReadonlyArray<{ resource: ResourceUse; verbs: readonly string[] }>,
): Permission[] {
  const seen = new Map<string, Permission>();
  for (const { resource, verbs } of uses) {
    for (const verb of verbs) {
      const p: Permission = {
        verb,
        group: resource.group,
        resource: resource.plural,
        namespace: resource.namespaced ? resource.namespace : undefined,
      };
      seen.set(`${p.verb}|${p.group}|${p.resource}|${p.namespace ?? ''}`, p);
    }
  }
  return [...seen.values()].sort(
    (a, b) =>
      (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
      a.group.localeCompare(b.group) ||
      a.resource.localeCompare(b.resource) ||
      a.verb.localeCompare(b.verb),
  );
}

/** "create deployments.apps in namespace shop" / "delete namespaces (cluster-wide)". */
export function describePermission(p: Permission): string {
  const resource = p.group ? `${p.resource}.${p.group}` : p.resource;
  return `${p.verb} ${resource}${p.namespace ? ` in namespace ${p.namespace}` : ' (cluster-wide)'}`;
}
