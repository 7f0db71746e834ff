// Field ownership (metadata.managedFields) and server-side apply: merging an applied configuration into
// the live object, conflicts with other managers (409, or taken over with force), and removal of fields
// a manager stopped applying when nobody else owns them.
import { Errors, StatusError } from '../base/status.js';
import { clone, timestamp } from '../base/paths.js';
import { deepEqual, isObject } from '../../kube/json.js';
import type { K8sObject, ManagedFieldsEntry } from '../base/types.js';
import { child, fillKeyDefaults, type PatchMeta } from '../base/patch-meta.js';
import {
  build,
  changedFields,
  contains,
  difference,
  elementKey,
  fieldsOf,
  isEmpty,
  leaves,
  pathText,
  union,
  valueAt,
  type FieldSet,
} from './fieldset.js';

const SERVER_METADATA = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

/** Which part of an object a request may own: the main resource (no status) or the status subresource. */
export type Part = 'main' | 'status' | 'all';

/** The object without the fields nobody owns (server metadata, typemeta, the other part). */
export function ownable(obj: K8sObject | undefined, part: Part): Record<string, unknown> {
  if (!obj) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'status' && part === 'main') continue;
    if (part === 'status' && k !== 'status' && k !== 'metadata') continue;
    if (k === 'metadata' && isObject(v)) {
      const meta: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(v)) if (!SERVER_METADATA.includes(mk)) meta[mk] = mv;
      if (Object.keys(meta).length > 0) out.metadata = meta;
      continue;
    }
    out[k] = v;
  }
  return out;
}

export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
}

const same = (e: ManagedFieldsEntry, m: Manager) =>
  e.manager === m.manager && e.operation === m.operation && (e.subresource ?? '') === (m.subresource ?? '');

function entriesWith(
  entries: ManagedFieldsEntry[],
  m: Manager,
  fields: FieldSet,
  apiVersion: string,
  now: Date,
): ManagedFieldsEntry[] {
  const out = entries.filter((e) => !same(e, m) && !isEmpty(e.fieldsV1 as FieldSet));
  if (isEmpty(fields)) return out;
  // A manager that owns what it owned before keeps its entry as it was: a no-op apply or update must
  // not change managedFields (its time included), so it stores nothing and keeps the resourceVersion.
  const previous = entries.find((e) => same(e, m));
  let entry: ManagedFieldsEntry;
  if (previous && previous.apiVersion === apiVersion && deepEqual(previous.fieldsV1, fields))
    entry = previous;
  else {
    entry = {
      manager: m.manager,
      operation: m.operation,
      apiVersion,
      time: timestamp(now),
      fieldsType: 'FieldsV1',
      fieldsV1: fields,
    };
    if (m.subresource) entry.subresource = m.subresource;
  }
  const at = entries.findIndex((e) => same(e, m));
  if (at >= 0 && at <= out.length) out.splice(at, 0, entry);
  else out.push(entry);
  return out;
}

/** Ownership after a create, update or non-apply patch: the manager takes what it changed. */
export function trackUpdate(
  before: K8sObject | undefined,
  after: K8sObject,
  manager: Manager,
  apiVersion: string,
  meta: PatchMeta,
  part: Part,
  now: Date,
  entries: ManagedFieldsEntry[] = before?.metadata.managedFields ?? [],
): ManagedFieldsEntry[] {
  const b = ownable(before, part);
  const a = ownable(after, part);
  const changed = changedFields(b, a, meta);
  const removed = difference(fieldsOf(b, meta), fieldsOf(a, meta));
  if (isEmpty(changed) && isEmpty(removed)) return entries;
  const updated = entries.map((e) =>
    same(e, manager)
      ? e
      : { ...e, fieldsV1: difference(difference(e.fieldsV1 as FieldSet, changed), removed) },
  );
  const mine = entries.find((e) => same(e, manager));
  const fields = difference(union((mine?.fieldsV1 as FieldSet) ?? {}, changed), removed);
  return entriesWith(updated, manager, fields, apiVersion, now);
}

/** Merges an applied configuration into a live object, following the list semantics in meta. */
export function applyMerge(live: unknown, applied: unknown, meta: PatchMeta | undefined): unknown {
  if (isObject(applied)) {
    const out: Record<string, unknown> = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = applyMerge(out[k], v, child(meta, k));
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    if (meta?.listType === 'map' && meta.keys?.length) {
      const keys = meta.keys;
      const out: unknown[] = [...(live as unknown[])];
      for (const item of applied) {
        if (!isObject(item)) continue;
        const id = elementKey(item, keys);
        const i = out.findIndex((x) => isObject(x) && elementKey(x, keys) === id);
        if (i >= 0) out[i] = applyMerge(out[i], item, meta.items);
        else out.push(clone(item));
      }
      return out;
    }
    if (meta?.listType === 'set') {
      const out: unknown[] = [...(live as unknown[])];
      for (const v of applied) if (!out.some((x) => deepEqual(x, v))) out.push(v);
      return out;
    }
  }
  return clone(applied);
}

/** Removes the fields of a set from an object (the leaves, and list elements whose "." is in the set). */
function removeFields(obj: unknown, set: FieldSet): unknown {
  if (isObject(obj)) {
    const out: Record<string, unknown> = { ...obj };
    for (const [k, sub] of Object.entries(set)) {
      if (!k.startsWith('f:')) continue;
      const name = k.slice(2);
      if (!(name in out)) continue;
      if (isEmpty(sub)) delete out[name];
      else out[name] = removeFields(out[name], sub);
    }
    return out;
  }
  if (Array.isArray(obj)) {
    let out: unknown[] = [...(obj as unknown[])];
    for (const [k, sub] of Object.entries(set)) {
      if (k.startsWith('v:')) {
        const v: unknown = JSON.parse(k.slice(2));
        out = out.filter((x) => !deepEqual(x, v));
      } else if (k.startsWith('k:')) {
        const want = JSON.parse(k.slice(2)) as Record<string, unknown>;
        const i = out.findIndex(
          (x) => isObject(x) && Object.entries(want).every(([wk, wv]) => deepEqual(x[wk], wv)),
        );
        if (i < 0) continue;
        if ('.' in sub) out.splice(i, 1);
        else out[i] = removeFields(out[i], sub);
      }
    }
    return out;
  }
  return obj;
}

export interface ApplyResult {
  object: K8sObject;
  managedFields: ManagedFieldsEntry[];
}

function managerLabel(e: ManagedFieldsEntry): string {
  const base = JSON.stringify(e.manager);
  const sub = e.subresource ? `${base} with subresource ${JSON.stringify(e.subresource)}` : base;
  // The apiserver names a manager by its identifier, which never holds the time (BuildManagerIdentifier).
  if (e.operation === 'Update') return `${sub} using ${e.apiVersion}`;
  return sub;
}

interface Conflict {
  entry: ManagedFieldsEntry;
  path: string[];
  /** Taken over without force: the client-side apply upgrade allows it. */
  allowed?: boolean;
}

/** kubectl's server-side apply manager, the one the apiserver upgrades client-side apply for. */
const KUBECTL_SERVER_SIDE = 'kubectl';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The apiserver's lastAppliedManager: kubectl's server-side apply onto an object managed by
 * client-side apply may take, without force, the fields its last-applied annotation holds and that
 * still have the values it recorded. Those conflicts are marked allowed (ownership moves as if
 * forced); any other conflict still fails the apply, and then only the others are reported.
 */
function conflictsAfterUpgrade(
  conflicts: Conflict[],
  live: K8sObject,
  apiVersion: string,
  meta: PatchMeta,
): Conflict[] {
  const text = live.metadata.annotations?.[LAST_APPLIED];
  if (!text) return conflicts;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return conflicts;
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return conflicts;
  const recorded = ownable(lastApplied as K8sObject, 'all');
  const current = ownable(live, 'all');
  const unchanged = (path: string[]) =>
    contains(fieldsOf(recorded, meta), path) && deepEqual(valueAt(recorded, path), valueAt(current, path));
  if (!conflicts.every((c) => unchanged(c.path))) return conflicts.filter((c) => !unchanged(c.path));
  return conflicts.map((c) => ({ ...c, allowed: true }));
}

/**
 * The apiserver's lastAppliedUpdater: after kubectl's server-side apply, an object that still has a
 * client-side last-applied annotation gets it rewritten to the configuration just applied (Go's JSON:
 * sorted keys, a final newline), so a later client-side apply computes its patch from it.
 */
export function syncLastApplied(object: K8sObject, applied: K8sObject, manager: string): void {
  if (manager !== KUBECTL_SERVER_SIDE || !object.metadata.annotations?.[LAST_APPLIED]) return;
  const config = clone(applied);
  if (isObject(config.metadata) && isObject(config.metadata.annotations)) {
    delete config.metadata.annotations[LAST_APPLIED];
    if (Object.keys(config.metadata.annotations).length === 0) delete config.metadata.annotations;
  }
  object.metadata.annotations = { ...object.metadata.annotations, [LAST_APPLIED]: `${sortedJson(config)}\n` };
}

function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

function conflictError(conflicts: Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${managerLabel(c.entry)}`,
    field: pathText(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${managerLabel(conflicts[0].entry)}: ${pathText(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const label = managerLabel(c.entry);
      byManager.set(label, [...(byManager.get(label) ?? []), pathText(c.path)]);
    }
    const lines: string[] = [];
    for (const label of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${label}:`);
      for (const p of byManager.get(label)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

/**
 * Server-side apply of `applied` onto `live` (undefined when creating). Throws 409 on conflicts unless
 * force is set, in which case the conflicting fields change owner.
 */
export function serverSideApply(
  live: K8sObject | undefined,
  applied: K8sObject,
  manager: string,
  force: boolean,
  apiVersion: string,
  meta: PatchMeta,
  part: Part,
  now: Date,
): ApplyResult {
  const me: Manager = { manager, operation: 'Apply', subresource: part === 'status' ? 'status' : undefined };
  const entries = live?.metadata.managedFields ?? [];
  const appliedPart = ownable(applied, part);
  fillKeyDefaults(appliedPart, meta);
  const newSet = fieldsOf(appliedPart, meta);
  const liveOwnable = ownable(live, part);
  const merged = applyMerge(liveOwnable, appliedPart, meta);

  // Every other manager identifier can conflict, an Update entry of the same name included.
  let conflicts: Conflict[] = [];
  const others = entries.filter((e) => !same(e, me));
  for (const path of leaves(newSet)) {
    if (path[path.length - 1] === '.') continue;
    for (const e of others) {
      if (!contains(e.fieldsV1 as FieldSet, path)) continue;
      if (!deepEqual(valueAt(liveOwnable, path), valueAt(appliedPart, path)))
        conflicts.push({ entry: e, path });
    }
  }
  if (conflicts.length > 0 && !force && manager === KUBECTL_SERVER_SIDE && live && part !== 'status')
    conflicts = conflictsAfterUpgrade(conflicts, live, apiVersion, meta);
  let updated = entries;
  if (conflicts.length > 0) {
    if (!force && !conflicts.every((c) => c.allowed))
      throw conflictError(conflicts.filter((c) => !c.allowed));
    updated = entries.map((e) => {
      const lost = conflicts
        .filter((c) => c.entry === e)
        .reduce((s, c) => union(s, build(c.path)), {} as FieldSet);
      return isEmpty(lost) ? e : { ...e, fieldsV1: difference(e.fieldsV1 as FieldSet, lost) };
    });
  }

  // Fields this manager applied before and no longer applies are removed, unless another manager owns them.
  const previous = entries.find((e) => same(e, me))?.fieldsV1 as FieldSet | undefined;
  let result = merged;
  if (previous) {
    let dropped = difference(previous, newSet);
    for (const e of updated) if (!same(e, me)) dropped = difference(dropped, e.fieldsV1 as FieldSet);
    if (!isEmpty(dropped)) result = removeFields(result, dropped);
  }
  const r = result as Record<string, unknown>;
  let object: K8sObject;
  if (part === 'status') {
    object = { ...(live ?? applied), status: r.status };
  } else {
    const serverMeta: Record<string, unknown> = {};
    for (const k of SERVER_METADATA) if (live?.metadata[k] !== undefined) serverMeta[k] = live.metadata[k];
    object = {
      ...r,
      apiVersion: applied.apiVersion ?? live?.apiVersion,
      kind: applied.kind ?? live?.kind,
      metadata: { ...serverMeta, ...(r.metadata as Record<string, unknown> | undefined) },
    };
    if (part === 'main' && live?.status !== undefined) object.status = live.status;
    if (!live) {
      object.metadata.name = applied.metadata.name;
      if (applied.metadata.namespace) object.metadata.namespace = applied.metadata.namespace;
    }
  }
  return { object, managedFields: entriesWith(updated, me, newSet, apiVersion, now) };
}

/** For errors about the request itself. */
export function requireFieldManager(manager: string | undefined): string {
  if (!manager) throw Errors.badRequest('PATCH operation requires fieldManager to be set for apply requests');
  return manager;
}

/** The acting manager's entry stamped with the time of a write that changed the object. */
export function touchManager(
  entries: ManagedFieldsEntry[] | undefined,
  manager: Manager,
  now: Date,
): ManagedFieldsEntry[] | undefined {
  if (!entries) return entries;
  const time = timestamp(now);
  return entries.map((e) => (same(e, manager) && e.time !== time ? { ...e, time } : e));
}

/**
 * The managedFields a write starts from, as the apiserver's decodeLiveOrNew picks them: the request's
 * own when it sends decodable ones, none when it sends the reset form `[{}]`, else the live object's.
 */
export function requestManagedFields(given: unknown, live: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  if (!Array.isArray(given) || given.length === 0) return live;
  if (given.length === 1 && isObject(given[0]) && Object.keys(given[0]).length === 0) return [];
  const decodable = given.every(
    (e) =>
      isObject(e) &&
      typeof e.manager === 'string' &&
      (e.operation === 'Apply' || e.operation === 'Update') &&
      (e.fieldsV1 === undefined || isObject(e.fieldsV1)),
  );
  if (!decodable) return live;
  const entries = given as ManagedFieldsEntry[];
  return entries.some((e) => e.fieldsV1 && !isEmpty(e.fieldsV1 as FieldSet)) ? entries : live;
}
