// From checked run settings (a stored profile, an SMP file, the command's flags) to a RunSpec: later
// layers win; defaults fill the rest. Turning flags into settings is the command layer's job
// (src/commands/shared/flags/perf-load.ts).
import { UsageError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { GENERATORS, RUN_DEFAULTS, type GeneratorName, type RunSpec } from './run-spec.js';
import { parseTargetUrl } from './url.js';
import { defaultWorkers } from './workers.js';

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
