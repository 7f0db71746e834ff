// From what the user gave (flags, a stored profile, an SMP file) to a checked RunSpec. Flags win over the
// profile; defaults fill the rest. Every bad value is a usage error (exit 2) naming the flag.
import { readFile } from 'node:fs/promises';
import { UsageError, errnoCode } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { parseDuration } from '../../core/duration.js';
import { parseCount, parseRate } from './quantity.js';
import { GENERATORS, RUN_DEFAULTS, type GeneratorName, type RunSpec } from './run-spec.js';
import { parseTargetUrl } from './url.js';
import { defaultWorkers } from './workers.js';

/** Flags of `perf run` and `perf apply`, as typed. */
export interface RunFlags {
  connections?: string;
  rate?: string;
  duration?: string;
  requests?: string;
  warmup?: string;
  timeout?: string;
  method?: string;
  header?: string[];
  body?: string;
  bodyFile?: string;
  insecure?: boolean;
  cacert?: string;
  pipeline?: string;
  workers?: string;
  loadGenerator?: string;
}

/** A run's settings as stored in a profile: checked values, no defaults applied. */
export interface RunSettings {
  url?: string;
  method?: string;
  headers?: Array<[string, string]>;
  body?: string | null;
  connections?: number;
  rate?: number | null;
  duration_ms?: number | null;
  requests?: number | null;
  warmup_ms?: number;
  timeout_ms?: number;
  pipeline?: number;
  workers?: number | null;
  insecure?: boolean;
  ca?: string | null;
  load_generator?: GeneratorName;
}

const METHOD = /^[A-Z][A-Z0-9_-]*$/;

/** Checks the flags and turns them into settings (only what was given). */
export async function settingsFromFlags(url: string | undefined, f: RunFlags): Promise<RunSettings> {
  const s: RunSettings = {};
  if (url !== undefined) s.url = parseTargetUrl(url).href;
  if (f.connections !== undefined) s.connections = parseCount(f.connections, '--connections');
  if (f.rate !== undefined) s.rate = parseRate(f.rate, '--rate');
  if (f.duration !== undefined && f.requests !== undefined) {
    throw new UsageError('--duration and --requests cannot be used together', {
      hint: 'run for a time (--duration 30s) or for a number of requests (--requests 10000)',
    });
  }
  if (f.duration !== undefined) {
    s.duration_ms = parseDuration(f.duration, '--duration');
    if (s.duration_ms <= 0)
      throw new UsageError('--duration must be longer than 0', { hint: 'e.g. --duration 30s' });
    s.requests = null;
  }
  if (f.requests !== undefined) {
    s.requests = parseCount(f.requests, '--requests');
    s.duration_ms = null;
  }
  if (f.warmup !== undefined) s.warmup_ms = parseDuration(f.warmup, '--warmup');
  if (f.timeout !== undefined) {
    s.timeout_ms = parseDuration(f.timeout, '--timeout');
    if (s.timeout_ms < 1)
      throw new UsageError('--timeout must be at least 1ms', { hint: 'e.g. --timeout 5s' });
  }
  if (f.method !== undefined) {
    const m = f.method.toUpperCase();
    if (!METHOD.test(m))
      throw new UsageError(`invalid --method "${f.method}"`, { hint: 'e.g. GET, POST, PUT' });
    s.method = m;
  }
  if (f.header !== undefined && f.header.length > 0) s.headers = f.header.map(parseHeader);
  if (f.body !== undefined && f.bodyFile !== undefined) {
    throw new UsageError('--body and --body-file cannot be used together', { hint: 'give the body one way' });
  }
  if (f.body !== undefined) s.body = f.body;
  if (f.bodyFile !== undefined) s.body = await readUserFile(f.bodyFile, '--body-file');
  if (f.insecure !== undefined) s.insecure = f.insecure;
  if (f.cacert !== undefined) s.ca = await readUserFile(f.cacert, '--cacert');
  if (f.pipeline !== undefined) s.pipeline = parseCount(f.pipeline, '--pipeline');
  if (f.workers !== undefined) s.workers = parseCount(f.workers, '--workers');
  if (f.loadGenerator !== undefined) s.load_generator = parseGenerator(f.loadGenerator);
  return s;
}

/** Later settings win; then defaults. A URL must come from somewhere. */
export function resolveSpec(...layers: RunSettings[]): RunSpec {
  const s: RunSettings = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) (s as Record<string, unknown>)[k] = v;
  }
  if (!s.url)
    throw new UsageError('no URL to test', { hint: 'give one: meshdeck perf run http://host:port/path' });
  const target = parseTargetUrl(s.url);
  const requests = s.requests ?? null;
  const durationMs = requests !== null ? null : (s.duration_ms ?? RUN_DEFAULTS.durationMs);
  const connections = s.connections ?? RUN_DEFAULTS.connections;
  const ca = s.ca ?? null;
  return {
    url: target.href,
    method: s.method ?? RUN_DEFAULTS.method,
    headers: s.headers ?? [],
    body: s.body === undefined || s.body === null ? null : Buffer.from(s.body, 'utf8'),
    connections,
    rate: s.rate === undefined ? null : s.rate,
    durationMs,
    requests,
    warmupMs: s.warmup_ms ?? RUN_DEFAULTS.warmupMs,
    timeoutMs: s.timeout_ms ?? RUN_DEFAULTS.timeoutMs,
    pipeline: s.pipeline ?? RUN_DEFAULTS.pipeline,
    workers: s.workers ?? defaultWorkers(target.hostname, connections),
    insecure: s.insecure ?? false,
    ca,
    caFile: null,
    loadGenerator: s.load_generator ?? RUN_DEFAULTS.loadGenerator,
  };
}

export function parseGenerator(text: string): GeneratorName {
  const name = text.trim().toLowerCase();
  if ((GENERATORS as readonly string[]).includes(name)) return name as GeneratorName;
  throw new UsageError(`unknown load generator "${text}"${didYouMean(name, GENERATORS)}`, {
    hint: `choose one of: ${GENERATORS.join(', ')}`,
  });
}

export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  if (colon === -1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`invalid --header "${text}": expected "Name: value"`, {
      hint: 'e.g. --header "Authorization: Bearer $TOKEN"',
    });
  }
  const value = text.slice(colon + 1).trim();
  if (/[\r\n]/.test(value))
    throw new UsageError(`invalid --header "${name}": the value contains a line break`);
  return [name, value];
}

async function readUserFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UsageError(`cannot read ${flag} ${path}: ${why}`, { hint: `check the path given to ${flag}` });
  }
}
