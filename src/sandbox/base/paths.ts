// Small helpers over plain JSON objects, shared by defaulting, printers, selectors and patching.
import { isObject } from '../../kube/json.js';

/** The value at a dotted path ("spec.template.spec"), or undefined. */
export function getPath(obj: unknown, path: string | string[]): unknown {
  let cur: unknown = obj;
  for (const key of typeof path === 'string' ? path.split('.') : path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Sets a value at a dotted path, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string | string[], value: unknown): void {
  const keys = typeof path === 'string' ? path.split('.') : path;
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(cur[key])) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

/** An object at a path, created empty if missing. */
export function objAt(obj: Record<string, unknown>, path: string): Record<string, unknown> {
  let v = getPath(obj, path);
  if (!isObject(v)) {
    v = {};
    setPath(obj, path, v);
  }
  return v as Record<string, unknown>;
}

/** Sets a field only when absent. */
export function def(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/** Deep copy of JSON data (faster than structuredClone for plain JSON). */
export function clone<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = clone(x);
  return out as T;
}

/** kubectl's "age" style: 5s, 3m20s, 2d4h (apimachinery's HumanDuration). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** RFC 3339 with seconds precision, as the apiserver writes timestamps. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A JSON value as text: strings as they are, absent as '', anything else as JSON. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
