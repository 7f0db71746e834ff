// One run split across N generators that all get the same settings (a Job's pods share one template):
// the rate is divided exactly; connections and a request count are divided rounding up, so the run as a
// whole never asks for less than was given (the result records what was really sent).
import { UsageError } from '../../core/errors.js';
import type { RunSettings } from '../spec/options.js';
import type { RunSpec } from '../spec/run-spec.js';

export interface Share {
  settings: RunSettings;
  /** What the generators send together, where rounding up changed it. */
  notes: string[];
}

export function splitRun(spec: RunSpec, replicas: number): Share {
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new UsageError(`cannot split a run across ${replicas} generators`, {
      hint: 'give --replicas 1 or more',
    });
  if (spec.loadGenerator !== 'native')
    throw new UsageError(`in-cluster runs use meshdeck's own engine, not ${spec.loadGenerator}`, {
      hint: 'drop --load-generator (the generator pods run meshdeck, which has no other tool inside)',
    });
  const notes: string[] = [];
  const connections = Math.ceil(spec.connections / replicas);
  if (connections * replicas !== spec.connections)
    notes.push(`connections: ${connections} per generator, ${connections * replicas} in all`);
  let requests: number | null = null;
  if (spec.requests !== null) {
    requests = Math.ceil(spec.requests / replicas);
    if (requests * replicas !== spec.requests)
      notes.push(`requests: ${requests} per generator, ${requests * replicas} in all`);
  }
  const settings: RunSettings = {
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body ? spec.body.toString('utf8') : null,
    connections,
    rate: spec.rate === null ? null : spec.rate / replicas,
    duration_ms: spec.durationMs,
    requests,
    warmup_ms: spec.warmupMs,
    timeout_ms: spec.timeoutMs,
    pipeline: spec.pipeline,
    workers: null,
    insecure: spec.insecure,
    ca: spec.ca,
    load_generator: 'native',
  };
  return { settings, notes };
}
