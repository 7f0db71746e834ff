// What the workload controllers share: template hashes, pods stamped from a template, status
// conditions with their transition times, replica arithmetic (maxSurge/maxUnavailable) and
// status-only writes.
import { createHash } from 'node:crypto';
import type { ObjectService } from '../api/objects.js';
import { isStatusError } from '../base/status.js';
import type { EventRecorder } from '../cluster/events.js';
import { isPodReady, isTerminal, readySince } from '../base/pod-status.js';
import { clone, getPath, timestamp } from '../base/paths.js';
import { canonicalJson, deepEqual, isObject } from '../../kube/json.js';
import type { JsonObject as Json } from '../../kube/object.js';
import type { K8sObject, OwnerReference, ResourceType } from '../base/types.js';
import { selectorMatches } from '../resources/validation.js';

export type { Json };

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** A short, label-safe hash of a value (pod-template-hash, controller-revision-hash). */
export function safeHash(value: unknown, collisions = 0, length = 10): string {
  const digest = createHash('sha256')
    .update(canonicalJson(withoutNulls(value)))
    .update(String(collisions))
    .digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE[digest[i] % SAFE.length];
  return out;
}

/** A template without one label (the hash label controllers add), for comparing templates. */
export function withoutLabel(template: unknown, label: string): Json {
  const t = clone(isObject(template) ? template : {});
  const meta = isObject(t.metadata) ? t.metadata : undefined;
  if (meta && isObject(meta.labels)) {
    delete meta.labels[label];
    if (Object.keys(meta.labels).length === 0) delete meta.labels;
  }
  return t;
}

/** The value without null fields: Go clients send `creationTimestamp: null` for what others omit. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
  return out;
}

/** Templates equal as the upstream controllers compare them (ignoring the hash label and nulls). */
export function templatesEqual(a: unknown, b: unknown, hashLabel: string): boolean {
  return deepEqual(withoutNulls(withoutLabel(a, hashLabel)), withoutNulls(withoutLabel(b, hashLabel)));
}

/** A pod as a controller stamps it from its template. */
export function podFromTemplate(
  template: unknown,
  owner: OwnerReference,
  naming: { name?: string; generateName?: string },
  extra: { labels?: Record<string, string>; annotations?: Record<string, string>; spec?: Json } = {},
): K8sObject {
  const t = clone(isObject(template) ? template : {});
  const meta = isObject(t.metadata) ? t.metadata : {};
  const labels = { ...((meta.labels as Record<string, string> | undefined) ?? {}), ...extra.labels };
  const annotations = {
    ...((meta.annotations as Record<string, string> | undefined) ?? {}),
    ...extra.annotations,
  };
  const pod: K8sObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...naming,
      labels,
      ownerReferences: [owner],
    },
    spec: { ...(isObject(t.spec) ? t.spec : {}), ...extra.spec },
  };
  if (Object.keys(annotations).length) pod.metadata.annotations = annotations;
  if (Object.keys(labels).length === 0) delete pod.metadata.labels;
  if (Array.isArray(meta.finalizers)) pod.metadata.finalizers = meta.finalizers as string[];
  return pod;
}

/** Pods that count for a controller: not finished and not being deleted. */
export function isActive(pod: K8sObject): boolean {
  return !isTerminal(pod) && !pod.metadata.deletionTimestamp;
}

/** Ready for at least minReadySeconds (scaled), as of now; `wait` gets the ms until the next one is. */
export function isAvailable(pod: K8sObject, minReadyMs: number, now: number, wait?: { ms: number }): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadyMs <= 0) return true;
  const since = readySince(pod) ?? now;
  const left = since + minReadyMs - now;
  if (left <= 0) return true;
  if (wait) wait.ms = Math.min(wait.ms, left);
  return false;
}

export function matchesSelector(selector: unknown, obj: K8sObject): boolean {
  return selectorMatches(selector, obj.metadata.labels ?? {});
}

/** An int-or-percent (maxSurge "25%") resolved against a total, rounding up or down. */
export function intOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const m = /^(\d+)%$/.exec(value.trim());
    if (m) {
      const exact = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(exact) : Math.floor(exact);
    }
    const n = Number(value);
    if (Number.isInteger(n)) return n;
  }
  return 0;
}

export interface Condition extends Json {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

export function conditionsOf(obj: K8sObject): Condition[] {
  const list = getPath(obj, 'status.conditions');
  return Array.isArray(list) ? (list.filter(isObject) as Condition[]) : [];
}

export function findCondition(obj: K8sObject, type: string): Condition | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}

/**
 * A condition list with `next` set: an unchanged condition (same status, reason and message) stays as
 * it was; a changed one keeps its lastTransitionTime while the status is the same.
 */
export function withCondition(
  list: Condition[],
  next: { type: string; status: string; reason?: string; message?: string },
  now: Date,
  options: { updateTime?: boolean; touch?: boolean } = {},
): Condition[] {
  const old = list.find((c) => c.type === next.type);
  if (
    old &&
    old.status === next.status &&
    old.reason === next.reason &&
    old.message === next.message &&
    !options.touch
  )
    return list;
  const at = timestamp(now);
  const cond: Condition = { type: next.type, status: next.status };
  if (options.updateTime) cond.lastUpdateTime = at;
  cond.lastTransitionTime = old && old.status === next.status ? old.lastTransitionTime : at;
  if (next.reason) cond.reason = next.reason;
  if (next.message) cond.message = next.message;
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) return [...list, cond];
  const out = [...list];
  out[i] = cond;
  return out;
}

export function withoutCondition(list: Condition[], type: string): Condition[] {
  return list.filter((c) => c.type !== type);
}

/** Drops zero counters, as the apiserver's JSON (omitempty) does. */
export function compactStatus(status: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(status)) {
    if (
      v === 0 &&
      k !== 'observedGeneration' &&
      k !== 'replicas' &&
      k !== 'currentNumberScheduled' &&
      k !== 'desiredNumberScheduled' &&
      k !== 'numberMisscheduled' &&
      k !== 'numberReady'
    )
      continue;
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** Writes an object's status through the status subresource (nothing is stored when it is unchanged). */
export function writeStatus(
  objects: ObjectService,
  rt: ResourceType,
  obj: K8sObject,
  status: Json,
  manager: string,
): K8sObject | undefined {
  return objects.mutate(
    rt,
    obj.metadata.namespace ?? '',
    obj.metadata.name!,
    (o) => (o.metadata.uid === obj.metadata.uid ? { ...o, status } : undefined),
    manager,
    'status',
  );
}

export function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** Deletes a pod its controller no longer wants (unless it changed identity meanwhile), with the event. */
export function deleteOwnedPod(
  objects: ObjectService,
  events: EventRecorder,
  owner: K8sObject,
  pod: K8sObject,
  component: string,
  message = `Deleted pod: ${pod.metadata.name}`,
): void {
  try {
    objects.delete(
      objects.registry.get('', 'v1', 'pods')!,
      pod.metadata.namespace ?? '',
      pod.metadata.name!,
      {
        preconditions: { uid: pod.metadata.uid },
      },
    );
    events.record(owner, { type: 'Normal', reason: 'SuccessfulDelete', message }, { component });
  } catch (err) {
    if (!isStatusError(err)) throw err;
  }
}
