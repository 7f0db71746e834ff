// Injected API faults for tests of clients' resilience: added latency, 429 with Retry-After, 5xx and cut
// connections, for every request or those matching a verb, path, resource or namespace, for the next N
// of them or a fraction. The control API (programmatic and HTTP) adds and removes them.
import { StatusError, Errors } from '../base/status.js';

export interface FaultMatch {
  /** RBAC verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  verb?: string | string[];
  /** HTTP methods: GET, POST, PUT, PATCH, DELETE. */
  method?: string | string[];
  /** The request path (no query), `*` matching any run of characters: "/apis/apps/v1/*". */
  path?: string;
  /** A resource's plural, optionally with its group: "deployments" or "deployments.apps". */
  resource?: string;
  namespace?: string;
}

export interface FaultSpec {
  /** Which requests; all of them (control API requests excepted) when omitted. */
  match?: FaultMatch;
  /** Milliseconds to wait before the request is handled (or failed). */
  latencyMs?: number;
  /** Answer with this status and a Status body instead: 429, 500, 503, 504 ... */
  status?: number;
  /** Retry-After seconds (429 and 503; default 1 for 429). */
  retryAfterSeconds?: number;
  /** The Status message (a default per status otherwise). */
  message?: string;
  /** Cut the connection without an answer, as a crashing server or a reset does. */
  reset?: boolean;
  /** Only the next `count` matching requests; the fault is spent after that. */
  count?: number;
  /** Only this fraction (0 to 1) of matching requests, chosen at random. */
  fraction?: number;
}

export interface FaultInfo extends FaultSpec {
  id: string;
  /** Requests this fault has hit so far. */
  hits: number;
}

/** What the faults make of one request. */
export interface FaultEffect {
  latencyMs: number;
  error?: StatusError;
  reset?: boolean;
}

export interface RequestFacts {
  method: string;
  path: string;
  verb: string;
  resource?: string;
  group?: string;
  namespace?: string;
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** Checks a spec from an untrusted source (the HTTP control API); returns the problems found. */
export function checkFaultSpec(spec: unknown): string[] {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return ['a fault must be an object'];
  const s = spec as Record<string, unknown>;
  const problems: string[] = [];
  const known = [
    'match',
    'latencyMs',
    'status',
    'retryAfterSeconds',
    'message',
    'reset',
    'count',
    'fraction',
  ];
  for (const k of Object.keys(s)) if (!known.includes(k)) problems.push(`unknown field "${k}"`);
  const nonNegative = (k: string) => {
    if (s[k] !== undefined && (typeof s[k] !== 'number' || !Number.isFinite(s[k]) || s[k] < 0))
      problems.push(`${k} must be a number of at least 0`);
  };
  nonNegative('latencyMs');
  nonNegative('retryAfterSeconds');
  if (s.count !== undefined && (!Number.isInteger(s.count) || (s.count as number) < 1))
    problems.push('count must be a whole number of at least 1');
  if (s.fraction !== undefined && (typeof s.fraction !== 'number' || !(s.fraction > 0) || s.fraction > 1))
    problems.push('fraction must be a number above 0 and at most 1');
  if (
    s.status !== undefined &&
    (!Number.isInteger(s.status) || (s.status as number) < 400 || (s.status as number) > 599)
  )
    problems.push('status must be an HTTP error status from 400 to 599');
  if (s.reset !== undefined && typeof s.reset !== 'boolean') problems.push('reset must be true or false');
  if (s.message !== undefined && typeof s.message !== 'string') problems.push('message must be a string');
  if (s.status === undefined && !s.reset && !s.latencyMs)
    problems.push('a fault needs at least one of latencyMs, status or reset');
  if (s.match !== undefined) {
    if (s.match === null || typeof s.match !== 'object' || Array.isArray(s.match))
      problems.push('match must be an object');
    else {
      const m = s.match as Record<string, unknown>;
      for (const k of Object.keys(m))
        if (!['verb', 'method', 'path', 'resource', 'namespace'].includes(k))
          problems.push(`unknown field "match.${k}"`);
      for (const k of ['verb', 'method']) {
        const v = m[k];
        if (
          v !== undefined &&
          typeof v !== 'string' &&
          !(Array.isArray(v) && v.every((x) => typeof x === 'string'))
        )
          problems.push(`match.${k} must be a string or a list of strings`);
      }
      const verbs = typeof m.verb === 'string' ? [m.verb] : Array.isArray(m.verb) ? (m.verb as string[]) : [];
      for (const v of verbs)
        if (!VERBS.includes(v)) problems.push(`match.verb "${v}" is not one of ${VERBS.join(', ')}`);
      for (const k of ['path', 'resource', 'namespace'])
        if (m[k] !== undefined && typeof m[k] !== 'string') problems.push(`match.${k} must be a string`);
    }
  }
  return problems;
}

function oneOf(want: string | string[] | undefined, value: string, fold = (x: string) => x): boolean {
  if (want === undefined) return true;
  return (Array.isArray(want) ? want : [want]).some((w) => fold(w) === fold(value));
}

function globRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

class Fault {
  hits = 0;
  private readonly path?: RegExp;

  constructor(
    readonly id: string,
    readonly spec: FaultSpec,
  ) {
    this.path = spec.match?.path !== undefined ? globRegExp(spec.match.path) : undefined;
  }

  get spent(): boolean {
    return this.spec.count !== undefined && this.hits >= this.spec.count;
  }

  matches(r: RequestFacts): boolean {
    const m = this.spec.match;
    if (!m) return true;
    if (!oneOf(m.verb, r.verb)) return false;
    if (!oneOf(m.method, r.method, (x) => x.toUpperCase())) return false;
    if (this.path && !this.path.test(r.path)) return false;
    if (m.namespace !== undefined && m.namespace !== (r.namespace ?? '')) return false;
    if (m.resource !== undefined) {
      const [plural, ...group] = m.resource.split('.');
      if (plural !== r.resource) return false;
      if (group.length && group.join('.') !== (r.group ?? '')) return false;
    }
    return true;
  }

  info(): FaultInfo {
    return { id: this.id, ...this.spec, hits: this.hits };
  }
}

function errorFor(spec: FaultSpec): StatusError {
  const status = spec.status!;
  const message = spec.message;
  if (status === 429) {
    const err = Errors.tooManyRequests(spec.retryAfterSeconds ?? 1);
    if (message) err.message = message;
    return err;
  }
  const headers: Record<string, string> =
    spec.retryAfterSeconds !== undefined ? { 'Retry-After': String(spec.retryAfterSeconds) } : {};
  const details = spec.retryAfterSeconds !== undefined ? { retryAfterSeconds: spec.retryAfterSeconds } : {};
  if (status === 500)
    return new StatusError(
      500,
      'InternalError',
      `Internal error occurred: ${message ?? 'injected fault'}`,
      {
        causes: [{ message: message ?? 'injected fault' }],
        ...details,
      },
      headers,
    );
  if (status === 503)
    return new StatusError(
      503,
      'ServiceUnavailable',
      message ?? 'the server is currently unable to handle the request',
      details,
      headers,
    );
  if (status === 504)
    return new StatusError(
      504,
      'Timeout',
      message ??
        'the server was unable to return a response in the time allotted, but may still be processing the request',
      details,
      headers,
    );
  return new StatusError(
    status,
    status >= 500 ? 'InternalError' : 'BadRequest',
    message ?? `injected fault (${status})`,
    details,
    headers,
  );
}

export class FaultSet {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): FaultInfo {
    const problems = checkFaultSpec(spec);
    if (problems.length) throw new Error(`invalid fault: ${problems.join('; ')}`);
    const fault = new Fault(`fault-${this.nextId++}`, { ...spec });
    this.faults.push(fault);
    return fault.info();
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  get(id: string): FaultInfo | undefined {
    return this.faults.find((f) => f.id === id)?.info();
  }

  list(): FaultInfo[] {
    return this.faults.map((f) => f.info());
  }

  /** Decides a request's fate; every fault that fires counts a hit (spent faults stay listed). */
  decide(r: RequestFacts): FaultEffect | undefined {
    if (this.faults.length === 0) return undefined;
    let effect: FaultEffect | undefined;
    for (const f of this.faults) {
      if (f.spent || !f.matches(r)) continue;
      if (f.spec.fraction !== undefined && Math.random() >= f.spec.fraction) continue;
      // Once a request is failed, later faults do not fire (their counts stay for later requests).
      if (effect?.error || effect?.reset) break;
      f.hits++;
      effect ??= { latencyMs: 0 };
      effect.latencyMs += f.spec.latencyMs ?? 0;
      if (f.spec.reset) effect.reset = true;
      else if (f.spec.status !== undefined) effect.error = errorFor(f.spec);
    }
    return effect;
  }
}
