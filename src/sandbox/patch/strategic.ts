// Strategic merge patch (built-in kinds): lists with a merge key merge element by element, scalar
// lists with the merge strategy merge as sets, and the directives kubectl sends are honoured:
// $patch (replace | delete | merge), $retainKeys, $setElementOrder/<list> and
// $deleteFromPrimitiveList/<list>.
import { Errors } from '../base/status.js';
import { deepEqual, isObject } from '../../kube/json.js';
import { child, type PatchMeta } from '../base/patch-meta.js';

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/** A patch value with every directive removed, for content that has no original to merge into. */
function strip(v: unknown, meta: PatchMeta | undefined): unknown {
  if (Array.isArray(v)) {
    return v.filter((x) => !(isObject(x) && x.$patch === 'delete')).map((x) => strip(x, meta?.items));
  }
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (x === null) continue;
    out[k] = strip(x, child(meta, k));
  }
  return out;
}

export function strategicMerge(original: unknown, patch: unknown, meta: PatchMeta | undefined): unknown {
  if (!isObject(patch)) throw Errors.badRequest('the patch must be a JSON object');
  return mergeMap(isObject(original) ? original : {}, patch, meta);
}

function mergeMap(
  original: Record<string, unknown>,
  patch: Record<string, unknown>,
  meta: PatchMeta | undefined,
): unknown {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return strip(patch, meta);
  const out: Record<string, unknown> = { ...original };
  const orders: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith(SET_ORDER)) {
      if (Array.isArray(v)) orders[k.slice(SET_ORDER.length)] = v;
      continue;
    }
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const key = k.slice(DELETE_PRIMITIVE.length);
      if (Array.isArray(out[key]) && Array.isArray(v)) {
        out[key] = (out[key] as unknown[]).filter((x) => !v.some((d) => deepEqual(d, x)));
      }
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const m = child(meta, k);
    const cur = out[k];
    if (isObject(v)) {
      const merged = isObject(cur) ? mergeMap(cur, v, m) : mergeMap({}, v, m);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = mergeList(Array.isArray(cur) ? cur : [], v, m);
    } else {
      out[k] = v;
    }
  }
  for (const [k, order] of Object.entries(orders)) {
    if (Array.isArray(out[k])) out[k] = applyOrder(out[k] as unknown[], order, child(meta, k));
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String));
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function keyOf(item: unknown, key: string): unknown {
  return isObject(item) ? item[key] : undefined;
}

function mergeList(original: unknown[], patch: unknown[], meta: PatchMeta | undefined): unknown[] {
  if (patch.some((x) => isObject(x) && x.$patch === 'replace')) {
    return strip(
      patch.filter((x) => !(isObject(x) && x.$patch === 'replace')),
      meta,
    ) as unknown[];
  }
  if (meta?.listType === 'set') {
    const out = [...original];
    for (const v of patch) if (!out.some((x) => deepEqual(x, v))) out.push(v);
    return out;
  }
  const mergeKey = meta?.listType === 'map' ? meta.keys?.[0] : undefined;
  if (!mergeKey) return strip(patch, meta) as unknown[];
  const out = [...original];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const key = item[mergeKey];
    const i = out.findIndex((x) => deepEqual(keyOf(x, mergeKey), key));
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) {
      const merged = mergeMap(out[i] as Record<string, unknown>, item, meta?.items);
      if (merged === undefined) out.splice(i, 1);
      else out[i] = merged;
    } else {
      out.push(strip(item, meta?.items));
    }
  }
  return out;
}

/** $setElementOrder: the listed elements in that order, then the others as they were. */
function applyOrder(list: unknown[], order: unknown[], meta: PatchMeta | undefined): unknown[] {
  const mergeKey = meta?.listType === 'map' ? meta.keys?.[0] : undefined;
  const id = (x: unknown) => (mergeKey ? keyOf(x, mergeKey) : x);
  const wanted = order.map((o) => (mergeKey && isObject(o) ? o[mergeKey] : o));
  const ordered: unknown[] = [];
  for (const w of wanted) {
    const found = list.find((x) => deepEqual(id(x), w));
    if (found !== undefined && !ordered.includes(found)) ordered.push(found);
  }
  const rest = list.filter((x) => !ordered.includes(x));
  return [...ordered, ...rest];
}
