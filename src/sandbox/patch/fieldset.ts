// Field sets in the FieldsV1 format of managedFields: {"f:spec":{"f:replicas":{}}}. Keys are f:<field>,
// k:<json key of a list-map element>, v:<json of a set element>, and "." (the element itself). A node
// without children is a field owned as a whole.
import { deepEqual, isObject } from '../../kube/json.js';
import { child, type PatchMeta } from '../base/patch-meta.js';

export type FieldSet = { [key: string]: FieldSet };

export function elementKey(item: Record<string, unknown>, keys: string[]): string {
  const k: Record<string, unknown> = {};
  for (const name of [...keys].sort()) if (item[name] !== undefined) k[name] = item[name];
  return `k:${JSON.stringify(k)}`;
}

/** The fields a value sets. `withSelf` adds "." to maps (Update ownership marks map presence). */
export function fieldsOf(value: unknown, meta: PatchMeta | undefined): FieldSet {
  const out: FieldSet = {};
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    out[`f:${k}`] = childFields(v, child(meta, k));
  }
  return out;
}

function childFields(v: unknown, meta: PatchMeta | undefined): FieldSet {
  if (isObject(v)) return fieldsOf(v, meta);
  if (Array.isArray(v)) {
    if (meta?.listType === 'map' && meta.keys?.length) {
      const out: FieldSet = {};
      for (const item of v) {
        if (!isObject(item)) continue;
        out[elementKey(item, meta.keys)] = { '.': {}, ...fieldsOf(item, meta.items) };
      }
      return out;
    }
    if (meta?.listType === 'set') {
      const out: FieldSet = {};
      for (const item of v) out[`v:${JSON.stringify(item)}`] = {};
      return out;
    }
  }
  return {};
}

export function isEmpty(s: FieldSet): boolean {
  for (const _ in s) return false;
  return true;
}

export function union(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? union(out[k], v) : v;
  return out;
}

/** Leaves of `a` that are not leaves of `b`; intermediate nodes emptied by that go too. */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = {};
  for (const [k, v] of Object.entries(a)) {
    if (!(k in b)) {
      out[k] = v;
      continue;
    }
    if (isEmpty(v)) {
      if (!isEmpty(b[k])) out[k] = v; // a owns the whole field; b only parts of it
      continue;
    }
    const d = difference(v, b[k]);
    if (!isEmpty(d)) out[k] = d;
  }
  return out;
}

/** Every leaf path of a set. */
export function leaves(s: FieldSet, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(s)) {
    const p = [...prefix, k];
    if (isEmpty(v)) out.push(p);
    else out.push(...leaves(v, p));
  }
  return out;
}

export function contains(s: FieldSet, path: string[]): boolean {
  let cur: FieldSet | undefined = s;
  for (const k of path) {
    cur = cur?.[k];
    if (!cur) return false;
  }
  return true;
}

/** The value a path points at in an object (undefined if absent). */
export function valueAt(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (k === '.') continue;
    if (k.startsWith('f:')) {
      cur = isObject(cur) ? cur[k.slice(2)] : undefined;
    } else if (k.startsWith('k:')) {
      const want = JSON.parse(k.slice(2)) as Record<string, unknown>;
      cur = Array.isArray(cur)
        ? cur.find((x) => isObject(x) && Object.entries(want).every(([wk, wv]) => deepEqual(x[wk], wv)))
        : undefined;
    } else if (k.startsWith('v:')) {
      const want: unknown = JSON.parse(k.slice(2));
      cur = Array.isArray(cur) ? cur.find((x) => deepEqual(x, want)) : undefined;
    } else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** A path as the apiserver prints it in conflicts: .spec.replicas, .spec.containers[name="c"].image */
export function pathText(path: string[]): string {
  let out = '';
  for (const k of path) {
    if (k === '.') continue;
    if (k.startsWith('f:')) out += `.${k.slice(2)}`;
    else if (k.startsWith('k:')) {
      const want = JSON.parse(k.slice(2)) as Record<string, unknown>;
      out += `[${Object.entries(want)
        .map(([wk, wv]) => `${wk}=${JSON.stringify(wv)}`)
        .join(',')}]`;
    } else if (k.startsWith('v:')) out += `[=${k.slice(2)}]`;
  }
  return out;
}

/** Leaves whose value differs between two objects (set in `after` and changed, or removed). */
export function changedFields(before: unknown, after: unknown, meta: PatchMeta | undefined): FieldSet {
  const a = fieldsOf(after, meta);
  const b = fieldsOf(before, meta);
  let changed: FieldSet = {};
  for (const path of leaves(a)) {
    if (!contains(b, path) || !deepEqual(valueAt(before, path), valueAt(after, path)))
      changed = union(changed, build(path));
  }
  return changed;
}

export function build(path: string[]): FieldSet {
  const root: FieldSet = {};
  let cur = root;
  for (const k of path) {
    cur[k] = {};
    cur = cur[k];
  }
  return root;
}
