// What the server knows about one served resource (a group, version and plural). Built-in kinds and
// custom resources are described the same way, so every handler is generic.
import type { FieldError } from './status.js';
import type { PatchMeta } from './patch-meta.js';
import type { Schema } from './schema.js';

import type { ObjectLike } from '../../kube/object.js';

export type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from '../../kube/object.js';

/** An object as the server stores it (apiVersion and kind come from its resource). */
export type K8sObject = ObjectLike;

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface TableColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface Printer {
  columns: TableColumn[];
  /** Cells for the columns, name first. */
  cells(obj: K8sObject, now: number): unknown[];
}

/** Context given to defaulting and validation. */
export interface WriteContext {
  now: Date;
  /** Looks up another object, for checks such as "does this ServiceAccount exist". */
  operation: 'create' | 'update';
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Storage is shared by all versions of a resource: "<group>/<plural>". */
  storageKey: string;
  status: boolean;
  scale?: ScaleSubresource;
  /** Pods, services ...: DELETE answers with the deleted object rather than a Status. */
  returnDeletedObject: boolean;
  /** Field selectors beyond metadata.name and metadata.namespace. */
  fieldSelectors: Record<string, (obj: K8sObject) => string | undefined>;
  /** Fills defaults in place before an object is stored. */
  defaults?: (obj: K8sObject, ctx: WriteContext) => void;
  /** Problems that make a write 422 Invalid. */
  /** Kind-specific validation; `old` on update, with the subresource written through (status, binding, scale). */
  validate?: (obj: K8sObject, old: K8sObject | undefined, subresource?: string) => FieldError[];
  printer?: Printer;
  /** Merge keys and strategies for strategic merge patch and server-side apply. */
  patchMeta: PatchMeta;
  /** Strategic merge patch is accepted (built-in kinds only). */
  strategicMerge: boolean;
  /** Structural schema of a custom resource (validation and pruning) or of a built-in (explain). */
  schema?: Schema;
  /** Set for custom resources: the CRD that serves them. */
  crd?: string;
  storageVersionHash: string;
  /** Create-only review kinds: computed, never stored. */
  virtual?: boolean;
  /** Spec changes bump metadata.generation (kinds with a spec). */
  tracksGeneration: boolean;
  /** Kinds whose top level is not spec/status (ConfigMap data): any non-metadata change bumps generation. */
  description: string;
  /** A version other than the storage version (autoscaling/v1 HPA, events.k8s.io Event): converts. */
  convert?: VersionConversion;
}

export interface VersionConversion {
  /** The stored object (storage version) as this version spells it. */
  fromStorage(obj: K8sObject): K8sObject;
  /** An object of this version as the storage version spells it (apiVersion and kind included). */
  toStorage(obj: K8sObject): K8sObject;
}

/** An object as the requested version serves it: its typemeta, converted when that version is not stored. */
export function served(rt: ResourceType, obj: K8sObject): K8sObject {
  const apiVersion = groupVersion(rt);
  if (obj.apiVersion === apiVersion && obj.kind === rt.kind) return obj;
  const converted = rt.convert ? rt.convert.fromStorage(obj) : obj;
  return { ...converted, apiVersion, kind: rt.kind };
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function groupVersion(rt: { group: string; version: string }): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}
