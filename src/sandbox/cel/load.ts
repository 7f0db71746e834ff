// The CEL engine is heavy (a parser, RE2, protobuf runtime), so it loads only when something needs it:
// a CRD with x-kubernetes-validations, a custom resource of such a CRD, or a ValidatingAdmissionPolicy.
// The write path is synchronous, so the asynchronous callers (admitted writes) await `loadCel()` first
// and the synchronous code then finds the engine with `celEngine()`.
import type { CelEngine } from './engine.js';

let engine: CelEngine | undefined;
let loading: Promise<CelEngine> | undefined;

export function loadCel(): Promise<CelEngine> {
  loading ??= import('./engine.js').then((m) => (engine = m.createEngine()));
  return loading;
}

/** The engine if it has been loaded, else undefined (callers load it before a write that needs it). */
export function celEngine(): CelEngine | undefined {
  return engine;
}

const rulesCache = new WeakMap<object, boolean>();

/** Whether a schema (or any value, such as a CRD body) has CEL rules anywhere inside. */
export function hasCelRules(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const cached = rulesCache.get(value);
  if (cached !== undefined) return cached;
  const found = Array.isArray(value)
    ? value.some(hasCelRules)
    : Object.entries(value).some(([k, v]) => k === 'x-kubernetes-validations' || hasCelRules(v));
  rulesCache.set(value, found);
  return found;
}
