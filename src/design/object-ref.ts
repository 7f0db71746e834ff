// Naming Kubernetes objects the way kubectl does, and telling two declarations of the same object apart.
import type { KubeObject } from './model.js';

export interface ObjectRef {
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** "apps/v1" → {group: "apps", version: "v1"}; "v1" → the core group "". */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function refOf(object: KubeObject): ObjectRef {
  const { group, version } = splitApiVersion(object.apiVersion);
  return {
    group,
    version,
    kind: object.kind,
    namespace: object.metadata.namespace || undefined,
    name: object.metadata.name ?? '',
  };
}

/** "deployment.apps" or "namespace": kubectl's kind.group form. */
export function kindGroup(kind: string, group: string): string {
  const lower = kind.toLowerCase();
  return group ? `${lower}.${group}` : lower;
}

/** "deployment.apps/web -n shop": a name the user can paste after `kubectl get`. */
export function describeRef(ref: ObjectRef): string {
  const base = `${kindGroup(ref.kind, ref.group)}/${ref.name}`;
  return ref.namespace ? `${base} -n ${ref.namespace}` : base;
}

/** Identity of an object in a cluster: the version does not matter, the group does. */
export function refKey(ref: ObjectRef): string {
  return `${ref.group}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
}
