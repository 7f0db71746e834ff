// A run, fully resolved: what `perf run` flags, a stored profile or an SMP file come down to. Every
// generator takes this, and every result records it.

export const GENERATORS = ['native', 'autocannon', 'wrk2', 'wrk', 'fortio'] as const;
export type GeneratorName = (typeof GENERATORS)[number];

export interface RunSpec {
  url: string;
  method: string;
  headers: Array<[string, string]>;
  body: Buffer | null;
  connections: number;
  /** Requests per second; null = closed loop at maximum throughput. */
  rate: number | null;
  /** Exactly one of durationMs and requests is set. */
  durationMs: number | null;
  requests: number | null;
  warmupMs: number;
  timeoutMs: number;
  pipeline: number;
  /** Worker threads; resolved before a run (see defaultWorkers). */
  workers: number;
  insecure: boolean;
  /** PEM text of extra CA certificates, and where it came from. */
  ca: string | null;
  caFile: string | null;
  loadGenerator: GeneratorName;
}

export const RUN_DEFAULTS = {
  connections: 10,
  durationMs: 10_000,
  timeoutMs: 5_000,
  warmupMs: 0,
  pipeline: 1,
  method: 'GET',
  loadGenerator: 'native' as GeneratorName,
};
