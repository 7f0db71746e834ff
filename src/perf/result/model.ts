// The result of a run. It is a superset of the SMP PerformanceTestResult (smp_version, id, labels,
// start_time, end_time, latencies_ms{min, average, p50, p90, p99, max}, actual_qps, details_uri, test_id,
// mesh_config_id, env_id), so SMP field names are kept as they are and ours follow the same snake_case.
import type { HistogramData } from '../histogram/histogram.js';
import type { ResultSeries } from '../engine/series.js';
import type { ErrorClass } from '../engine/tally.js';
import type { ClusterRun, ResourceOverhead } from './cluster-model.js';

export const SMP_VERSION = 'v0.0.1';
export const PERCENTILES = [50, 75, 90, 99, 99.9, 99.99] as const;

/** Latency statistics in milliseconds (µs precision). */
export interface LatencyStats {
  count: number;
  min: number;
  mean: number;
  stddev: number;
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  p99_9: number;
  p99_99: number;
  max: number;
}

export interface SmpLatencies {
  min: number;
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface PerfResult {
  apiVersion: 'meshdeck/v1';
  kind: 'PerfResult';
  // SMP PerformanceTestResult
  smp_version: string;
  id: string;
  labels: Record<string, string>;
  start_time: string;
  end_time: string;
  latencies_ms: SmpLatencies;
  actual_qps: number;
  details_uri: string;
  test_id: string;
  mesh_config_id: string;
  env_id: string;
  // meshdeck
  name: string;
  profile: { id: string; name: string } | null;
  load_generator: { name: string; version: string };
  test: {
    url: string;
    method: string;
    mode: 'open' | 'closed';
    connections: number;
    rate: number | null;
    duration_ms: number | null;
    requests: number | null;
    warmup_ms: number;
    timeout_ms: number;
    pipeline: number;
    workers: number;
  };
  /** Length of the measured window. */
  duration_ms: number;
  rate: {
    /** Requests per second asked for; null for maximum throughput. */
    requested: number | null;
    /** Responses per second (same as actual_qps). */
    achieved: number;
    /** Requests sent per second. */
    sent: number;
  };
  requests: { sent: number; completed: number; ok: number; unsent: number };
  /**
   * corrected: from each request's intended send time (open loop only); uncorrected: from the actual
   * send (service time). `primary` says which one latencies_ms, gates and comparisons use.
   */
  latency: {
    primary: 'corrected' | 'uncorrected';
    corrected: LatencyStats | null;
    uncorrected: LatencyStats | null;
  };
  histograms: { corrected: HistogramData | null; uncorrected: HistogramData | null };
  errors: {
    total: number;
    /** total / (responses + transport failures), 0..1 */
    rate: number;
    connect: number;
    timeout: number;
    reset: number;
    protocol: number;
    /** Responses with status >= 400, by status. */
    status: Record<string, number>;
    samples: Partial<Record<ErrorClass, string>>;
  };
  status_codes: Record<string, number>;
  bytes: { read: number; written: number };
  environment: {
    hostname: string;
    platform: string;
    release: string;
    arch: string;
    cpus: number;
    cpu_model: string;
    memory_mb: number;
    node: string;
    meshdeck: string;
  };
  /** Stopped before its end (Ctrl-C): the numbers cover what ran. */
  interrupted: boolean;
  /** Verdicts of the gates checked after the run (--assert), if any. */
  gates?: GateVerdict[];
  /** Rate, errors and latency percentiles per second (native engine), for reports. */
  series?: ResultSeries;
  /** In-cluster runs: the generator pods (node, pod, each one's counts) and the target's mesh. */
  cluster?: ClusterRun;
  /** CPU and memory of the target's containers and the mesh control plane while the run lasted. */
  resources?: ResourceOverhead;
}

export interface GateVerdict {
  gate: string;
  /** The measured value with its unit ("-" when the result has no such number). */
  actual: string;
  passed: boolean;
  /** Why it failed, in words (empty when passed). */
  reason: string;
}

/** The latency statistics gates and comparisons read: corrected in open loop, else service time. */
export function primaryLatency(r: PerfResult): LatencyStats | null {
  return r.latency.primary === 'corrected' ? r.latency.corrected : r.latency.uncorrected;
}
