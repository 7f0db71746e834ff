// Kubernetes objects as plain JSON, the one model shared by the client side (src/k8s, src/design) and the
// sandbox's server. Only what every side interprets is typed; other fields pass through untouched.

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object whose fields are not typed (yet): a spec, a status, a container. */
export type JsonObject = Record<string, unknown>;

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/**
 * Any object with metadata, as a server holds it: apiVersion and kind may be absent (the server knows them
 * from the resource it is stored under, and sets them on the way out).
 */
export interface ObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A Kubernetes object as written by a user or read from a server: apiVersion and kind are set. */
export interface KubeObject extends ObjectLike {
  apiVersion: string;
  kind: string;
}
