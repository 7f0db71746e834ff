// Structural schemas (a CRD's openAPIV3Schema, and the sandbox's outline of built-in kinds): validation
// of types, required fields and enums (422 Invalid), defaulting, and pruning of unknown fields, with the
// field paths and wording of the apiextensions apiserver.
import type { FieldError } from './status.js';
import type { PatchMeta } from './patch-meta.js';

export interface Schema {
  type?: string;
  description?: string;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  [key: string]: unknown;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(schema: Schema, v: unknown): boolean {
  if (schema['x-kubernetes-int-or-string']) return typeof v === 'string' || Number.isInteger(v);
  const t = jsonType(v);
  switch (schema.type) {
    case undefined:
      return true;
    case 'number':
      return t === 'number' || t === 'integer';
    default:
      return schema.type === t;
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Type, required, enum and bound checks. Paths are dotted from the object root: "spec.size". */
export function validateSchema(value: unknown, schema: Schema, path = ''): FieldError[] {
  const errors: FieldError[] = [];
  walk(value, schema, path, errors);
  return errors;
}

function walk(v: unknown, s: Schema, path: string, errors: FieldError[]): void {
  if (v === null) {
    if (!s.nullable && s.type && !s['x-kubernetes-preserve-unknown-fields']) {
      errors.push({
        type: 'FieldValueTypeInvalid',
        field: path,
        value: 'null',
        detail: `${path} in body must be of type ${s.type}: "null"`,
      });
    }
    return;
  }
  if (!typeMatches(s, v)) {
    const expected = s['x-kubernetes-int-or-string'] ? 'integer,string' : s.type;
    errors.push({
      type: 'FieldValueTypeInvalid',
      field: path,
      value: jsonType(v),
      detail: `${path} in body must be of type ${expected}: "${jsonType(v)}"`,
    });
    return;
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: path,
      value: v,
      allowed: s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
    });
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum)
      errors.push({
        type: 'FieldValueInvalid',
        field: path,
        value: v,
        detail: `${path} in body should be greater than or equal to ${s.minimum}`,
      });
    if (s.maximum !== undefined && v > s.maximum)
      errors.push({
        type: 'FieldValueInvalid',
        field: path,
        value: v,
        detail: `${path} in body should be less than or equal to ${s.maximum}`,
      });
  }
  if (typeof v === 'string') {
    if (s.maxLength !== undefined && v.length > s.maxLength)
      errors.push({
        type: 'FieldValueTooLong',
        field: path,
        value: v,
        detail: `may not be more than ${s.maxLength} bytes`,
      });
    if (s.minLength !== undefined && v.length < s.minLength)
      errors.push({
        type: 'FieldValueInvalid',
        field: path,
        value: v,
        detail: `${path} in body should be at least ${s.minLength} chars long`,
      });
    if (s.pattern !== undefined && !safeRegex(s.pattern)?.test(v))
      errors.push({
        type: 'FieldValueInvalid',
        field: path,
        value: v,
        detail: `${path} in body should match '${s.pattern}'`,
      });
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems)
      errors.push({
        type: 'FieldValueTooLong',
        field: path,
        value: v,
        detail: `must have at most ${s.maxItems} items`,
      });
    if (s.minItems !== undefined && v.length < s.minItems)
      errors.push({
        type: 'FieldValueInvalid',
        field: path,
        value: v,
        detail: `${path} in body should have at least ${s.minItems} items`,
      });
    if (s.items) v.forEach((item, i) => walk(item, s.items!, `${path}[${i}]`, errors));
    return;
  }
  if (typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    for (const req of s.required ?? []) {
      if (!(req in obj)) errors.push({ type: 'FieldValueRequired', field: join(path, req) });
    }
    for (const [key, child] of Object.entries(obj)) {
      const cs =
        s.properties?.[key] ??
        (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (cs) walk(child, cs, join(path, key), errors);
    }
  }
}

const regexCache = new Map<string, RegExp | undefined>();
function safeRegex(pattern: string): RegExp | undefined {
  if (!regexCache.has(pattern)) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = undefined;
    }
    regexCache.set(pattern, re);
  }
  return regexCache.get(pattern);
}

/**
 * Removes fields the schema does not know, in place, and returns their paths. The root's apiVersion,
 * kind and metadata are always kept, as are those of embedded resources.
 */
export function prune(value: unknown, schema: Schema, path = '', root = true): string[] {
  const removed: string[] = [];
  pruneWalk(value, schema, path, root, removed);
  return removed;
}

function pruneWalk(v: unknown, s: Schema, path: string, isResource: boolean, removed: string[]): void {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    if (s.items)
      for (const [i, item] of v.entries()) pruneWalk(item, s.items, `${path}[${i}]`, false, removed);
    return;
  }
  const obj = v as Record<string, unknown>;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = isResource || s['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(obj)) {
    if (embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
    const cs =
      s.properties?.[key] ??
      (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (cs) {
      pruneWalk(obj[key], cs, join(path, key), false, removed);
    } else if (!preserve && s.additionalProperties !== true) {
      removed.push(join(path, key));
      delete obj[key];
    }
  }
}

/** Fills `default` values of absent fields, in place (structural defaulting). */
export function applyDefaults(v: unknown, s: Schema): void {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    if (s.items) for (const item of v) applyDefaults(item, s.items);
    return;
  }
  const obj = v as Record<string, unknown>;
  for (const [key, cs] of Object.entries(s.properties ?? {})) {
    if (!(key in obj) && cs.default !== undefined) obj[key] = structuredClone(cs.default);
    if (key in obj) applyDefaults(obj[key], cs);
  }
  if (typeof s.additionalProperties === 'object') {
    for (const [key, child] of Object.entries(obj))
      if (!s.properties?.[key]) applyDefaults(child, s.additionalProperties);
  }
}

/** The list merge rules a schema declares (x-kubernetes-list-type), for server-side apply. */
export function patchMetaFromSchema(s: Schema | undefined): PatchMeta {
  if (!s) return {};
  const meta: PatchMeta = {};
  if (s.type === 'array') {
    const lt = s['x-kubernetes-list-type'];
    if (lt === 'map') {
      meta.listType = 'map';
      meta.keys = s['x-kubernetes-list-map-keys'] ?? [];
    } else if (lt === 'set') meta.listType = 'set';
    if (s.items) meta.items = patchMetaFromSchema(s.items);
    return meta;
  }
  if (s.properties) {
    meta.fields = {};
    for (const [k, cs] of Object.entries(s.properties)) meta.fields[k] = patchMetaFromSchema(cs);
  } else if (typeof s.additionalProperties === 'object') {
    meta.items = patchMetaFromSchema(s.additionalProperties);
  }
  return meta;
}
