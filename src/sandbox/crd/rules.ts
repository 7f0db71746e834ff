// The value validations of a CRD's structural schema beyond types (src/sandbox/base/schema.ts): the
// combinators oneOf/anyOf/allOf/not, and x-kubernetes-validations, CEL rules evaluated with `self` (the
// value at the rule's node) and, on update, `oldSelf` (the stored value at the same place, when there is
// one; transition rules are skipped otherwise, so on create), as the apiextensions apiserver does.
import type { FieldError } from '../base/status.js';
import { applyDefaults, validateSchema, type Schema } from '../base/schema.js';
import { isObject } from '../../kube/json.js';
import { celEngine } from '../cel/load.js';
import type { CelEngine } from '../cel/engine.js';

interface Rule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
}

const ABSENT = Symbol('absent');
/** The stored value at a rule's place, or ABSENT when there is none to correlate with. */
type Old = unknown;

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Combinator and CEL errors of a custom resource (obj after defaulting, old on update). */
export function validateValueRules(schema: Schema, obj: unknown, old: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const root = rootView(obj);
  walk(root, old === undefined ? ABSENT : rootView(old), schema, '', errors);
  return errors;
}

/** At the root, rules see metadata.name and metadata.generateName only. */
function rootView(obj: unknown): unknown {
  if (!isObject(obj) || !isObject(obj.metadata)) return obj;
  const { name, generateName } = obj.metadata;
  const metadata: Record<string, unknown> = {};
  if (name !== undefined) metadata.name = name;
  if (generateName !== undefined) metadata.generateName = generateName;
  return { ...obj, metadata };
}

function walk(v: unknown, old: Old, s: Schema, path: string, errors: FieldError[]): void {
  if (v === undefined) return;
  combinators(v, s, path, errors);
  if (Array.isArray(s['x-kubernetes-validations']) && v !== null)
    for (const rule of s['x-kubernetes-validations'] as Rule[]) {
      const e = evaluateRule(rule, v, old, s, path);
      if (e) errors.push(e);
    }
  if (Array.isArray(v) && s.items) {
    v.forEach((item, i) => walk(item, correlatedItem(item, old, s), s.items!, `${path}[${i}]`, errors));
  } else if (isObject(v)) {
    const oldObj = isObject(old) ? old : undefined;
    for (const [key, child] of Object.entries(v)) {
      const cs =
        s.properties?.[key] ??
        (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (cs) walk(child, oldObj && key in oldObj ? oldObj[key] : ABSENT, cs, join(path, key), errors);
    }
  }
}

/** Old list items correlate only in map lists (by their keys) and sets (by value), as in the apiserver. */
function correlatedItem(item: unknown, old: Old, s: Schema): Old {
  if (!Array.isArray(old)) return ABSENT;
  const type = s['x-kubernetes-list-type'];
  if (type === 'set') return old.some((o) => JSON.stringify(o) === JSON.stringify(item)) ? item : ABSENT;
  if (type !== 'map' || !isObject(item)) return ABSENT;
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const found: unknown = (old as unknown[]).find((o) => isObject(o) && keys.every((k) => o[k] === item[k]));
  return found === undefined ? ABSENT : found;
}

function combinators(v: unknown, s: Schema, path: string, errors: FieldError[]): void {
  const valid = (sub: Schema) => matches(v, sub);
  const shown = path || '<nil>';
  const invalid = (detail: string) =>
    errors.push({ type: 'FieldValueInvalid', field: shown, value: v, detail: `${shown} in body ${detail}` });
  if (Array.isArray(s.oneOf)) {
    const n = (s.oneOf as Schema[]).filter(valid).length;
    if (n !== 1) invalid(`must validate one and only one schema (oneOf). Found ${n} valid alternatives`);
  }
  if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some(valid))
    invalid('must validate at least one schema (anyOf)');
  if (Array.isArray(s.allOf) && !(s.allOf as Schema[]).every(valid))
    invalid('must validate all the schemas (allOf)');
  if (isObject(s.not) && valid(s.not)) invalid('must not validate the schema (not)');
}

function matches(v: unknown, s: Schema): boolean {
  if (validateSchema(v, s).length > 0) return false;
  const nested: FieldError[] = [];
  combinators(v, s, '', nested);
  if (nested.length > 0) return false;
  if (isObject(v))
    for (const [k, cs] of Object.entries(s.properties ?? {})) if (k in v && !matches(v[k], cs)) return false;
  if (Array.isArray(v) && s.items) return v.every((x) => matches(x, s.items!));
  return true;
}

function evaluateRule(rule: Rule, v: unknown, old: Old, s: Schema, path: string): FieldError | undefined {
  if (typeof rule.rule !== 'string') return undefined;
  const transition = /\boldSelf\b/.test(rule.rule);
  if (transition && old === ABSENT) return undefined;
  const engine = celEngine();
  const field = rulePath(path, rule.fieldPath);
  const type = typeName(s, v);
  if (!engine)
    return {
      type: 'FieldValueInvalid',
      field,
      value: type,
      detail: 'CEL engine not loaded (internal error)',
    };
  const bindings: Record<string, unknown> = { self: toCel(v, s) };
  if (transition) bindings.oldSelf = toCel(old, s);
  const out = engine.evaluate(rule.rule, bindings);
  if (out.error !== undefined)
    return {
      type: 'FieldValueInvalid',
      field,
      value: type,
      detail: `${out.error} evaluating rule: ${rule.rule.trim()}`,
    };
  if (out.value === true) return undefined;
  return fieldError(rule, field, type, message(engine, rule, bindings));
}

function message(engine: CelEngine, rule: Rule, bindings: Record<string, unknown>): string {
  if (rule.messageExpression) {
    const m = engine.evaluate(rule.messageExpression, bindings);
    // An empty, failing or non-string messageExpression falls back to message, as the apiserver does.
    if (typeof m.value === 'string' && m.value.trim() !== '' && !m.value.includes('\n')) return m.value;
  }
  return rule.message?.trim() ? rule.message : `failed rule: ${rule.rule.trim()}`;
}

function fieldError(rule: Rule, field: string, type: string, detail: string): FieldError {
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return { type: 'FieldValueForbidden', field, detail };
    case 'FieldValueRequired':
      return { type: 'FieldValueRequired', field, detail };
    case 'FieldValueDuplicate':
      return { type: 'FieldValueDuplicate', field, value: type };
    default:
      return { type: 'FieldValueInvalid', field, value: type, detail };
  }
}

/** The rule's node path with its fieldPath (".spec.x", "['a.b']") appended. */
function rulePath(path: string, fieldPath: string | undefined): string {
  const base = path || '<nil>';
  if (!fieldPath) return base;
  const rel = fieldPath.replace(/^\./, '').replace(/\['([^']*)'\]/g, '[$1]');
  return path ? `${path}.${rel}`.replace(/\.\[/g, '[') : rel;
}

function typeName(s: Schema, v: unknown): string {
  if (s.type) return s.type;
  if (Array.isArray(v)) return 'array';
  return v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v;
}

/** JSON to CEL values: integers as int (bigint), numbers as double, objects as maps. */
export function toCel(v: unknown, s: Schema | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (s?.type === 'number') return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (Array.isArray(v)) return v.map((x) => toCel(x, s?.items));
  if (typeof v === 'object') {
    const m = new Map<string, unknown>();
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      const cs =
        s?.properties?.[k] ??
        (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
      m.set(k, toCel(child, cs));
    }
    return m;
  }
  return v;
}

/** Compile errors of the rules in a CRD version's schema, with the CRD field paths. */
export function ruleCompileErrors(schema: unknown, path: string): FieldError[] {
  const engine = celEngine();
  const errors: FieldError[] = [];
  const visit = (s: unknown, p: string) => {
    if (!isObject(s)) return;
    const rules = s['x-kubernetes-validations'];
    if (Array.isArray(rules))
      rules.forEach((r, i) => {
        const at = `${p}.x-kubernetes-validations[${i}]`;
        if (!isObject(r) || typeof r.rule !== 'string' || !r.rule.trim())
          return errors.push({ type: 'FieldValueRequired', field: `${at}.rule` });
        for (const key of ['rule', 'messageExpression'] as const) {
          const expr = r[key];
          const err = typeof expr === 'string' && engine ? engine.compileError(expr) : undefined;
          if (err)
            errors.push({
              type: 'FieldValueInvalid',
              field: `${at}.${key}`,
              value: expr,
              detail: `compilation failed: ${err}`,
            });
        }
      });
    if (isObject(s.properties))
      for (const [k, c] of Object.entries(s.properties)) visit(c, `${p}.properties[${k}]`);
    if (isObject(s.items)) visit(s.items, `${p}.items`);
    if (isObject(s.additionalProperties)) visit(s.additionalProperties, `${p}.additionalProperties`);
  };
  visit(schema, path);
  return errors;
}

/**
 * A stored custom resource as read: the schema's defaults filled (the apiserver defaults on read from
 * storage too, so a default added to a CRD later shows on existing objects). The stored object is kept.
 */
export function defaultedOnRead<T extends object>(schema: Schema, obj: T): T {
  if (!hasDefaults(schema)) return obj;
  const copy = structuredClone(obj);
  applyDefaults(copy, schema);
  return copy;
}

const defaultsCache = new WeakMap<Schema, boolean>();
function hasDefaults(s: Schema): boolean {
  let found = defaultsCache.get(s);
  if (found === undefined) {
    found = JSON.stringify(s).includes('"default"');
    defaultsCache.set(s, found);
  }
  return found;
}
