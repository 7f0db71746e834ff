// RFC 6902 JSON Patch and RFC 7386 JSON Merge Patch.
import { Errors, StatusError } from '../base/status.js';
import { clone, text } from '../base/paths.js';
import { deepEqual, isObject } from '../../kube/json.js';

function decodePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchFailure(`JSON pointer must start with '/': "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A patch that is well-formed but cannot be applied to this object (422). */
export class PatchFailure extends Error {}

type Container = Record<string, unknown> | unknown[];

function parentOf(doc: unknown, tokens: string[], path: string): { parent: Container; key: string } {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length - 1, path)];
    else if (isObject(cur) && t in cur) cur = cur[t];
    else throw new PatchFailure(`doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(cur) && !isObject(cur))
    throw new PatchFailure(`doc is missing path: "${path}": missing value`);
  return { parent: cur, key: tokens[tokens.length - 1] };
}

function arrayIndex(token: string, max: number, path: string): number {
  if (!/^(0|[1-9]\d*)$/.test(token))
    throw new PatchFailure(`Unable to access invalid index: ${token}: invalid index referenced: ${path}`);
  const i = Number(token);
  if (i > max)
    throw new PatchFailure(`Unable to access invalid index: ${i}: invalid index referenced: ${path}`);
  return i;
}

function getAt(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of decodePointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length - 1, path)];
    else if (isObject(cur) && t in cur) cur = cur[t];
    else throw new PatchFailure(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = decodePointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : arrayIndex(key, parent.length, path);
    parent.splice(i, 0, value);
  } else parent[key] = value;
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = decodePointer(path);
  if (tokens.length === 0) throw new PatchFailure('cannot remove the whole document');
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length - 1, path), 1);
  else {
    if (!(key in parent)) throw new PatchFailure(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

/** Applies an RFC 6902 patch to a copy of doc. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw Errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = clone(doc);
  try {
    for (const op of patch) {
      if (!isObject(op) || typeof op.op !== 'string') throw Errors.badRequest('Unexpected kind: unknown');
      const path = text(op.path);
      switch (op.op) {
        case 'add':
          out = add(out, path, clone(op.value));
          break;
        case 'remove':
          out = remove(out, path);
          break;
        case 'replace':
          getAt(out, path);
          out = add(remove(out, path), path, clone(op.value));
          break;
        case 'move': {
          const value = getAt(out, String(op.from));
          out = add(remove(out, String(op.from)), path, value);
          break;
        }
        case 'copy':
          out = add(out, path, clone(getAt(out, String(op.from))));
          break;
        case 'test':
          if (!deepEqual(getAt(out, path), op.value))
            throw new PatchFailure(`testing value ${path} failed: test failed`);
          break;
        default:
          throw Errors.badRequest(`Unexpected kind: ${op.op}`);
      }
    }
  } catch (err) {
    if (err instanceof PatchFailure) throw new StatusError(422, 'Invalid', err.message, {});
    throw err;
  }
  return out;
}

/** RFC 7386: objects merge, null deletes, anything else replaces. */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isObject(doc) ? { ...doc } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
