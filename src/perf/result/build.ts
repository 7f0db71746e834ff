// Turns what a generator measured into the result document.
import { randomUUID } from 'node:crypto';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { VERSION } from '../../core/version.js';
import type { Histogram } from '../histogram/histogram.js';
import type { EngineOutcome } from '../engine/native.js';
import type { ResultSeries } from '../engine/series.js';
import type { RunSpec } from '../spec/run-spec.js';
import { SMP_VERSION, type LatencyStats, type PerfResult } from './model.js';

/** What every load generator hands back, whatever it measured with. */
export interface MeasuredRun extends Omit<EngineOutcome, 'uncorrected' | 'series'> {
  /** Per-second numbers, when the generator reports them as it runs (native). */
  series?: ResultSeries;
  generator: { name: string; version: string };
  /** Full histograms when the generator has them (native; wrk2 and fortio are rebuilt from their output). */
  uncorrected: Histogram | null;
  /** A tool's own statistics, when it reports percentiles (wrk, autocannon; wrk2 and fortio too). */
  correctedStats?: LatencyStats | null;
  uncorrectedStats?: LatencyStats | null;
}

export interface ResultMeta {
  name: string;
  profile?: { id: string; name: string } | null;
  labels?: Record<string, string>;
}

const ms = (us: number) => Math.round(us) / 1000;

export function statsFrom(h: Histogram): LatencyStats {
  return {
    count: h.count,
    min: ms(h.count === 0 ? 0 : h.min),
    mean: ms(h.mean()),
    stddev: ms(h.stddev()),
    p50: ms(h.percentile(50)),
    p75: ms(h.percentile(75)),
    p90: ms(h.percentile(90)),
    p99: ms(h.percentile(99)),
    p99_9: ms(h.percentile(99.9)),
    p99_99: ms(h.percentile(99.99)),
    max: ms(h.max),
  };
}

export function buildResult(spec: RunSpec, run: MeasuredRun, meta: ResultMeta): PerfResult {
  const t = run.tally;
  // A tool's own statistics win over ones recomputed from a histogram rebuilt from its output.
  const corrected = run.correctedStats ?? (run.corrected ? statsFrom(run.corrected) : null);
  const uncorrected = run.uncorrectedStats ?? (run.uncorrected ? statsFrom(run.uncorrected) : null);
  const primaryKind = spec.rate !== null && corrected ? 'corrected' : 'uncorrected';
  const primary = (primaryKind === 'corrected' ? corrected : uncorrected) ?? corrected;
  const seconds = run.windowMs / 1000;
  const perSecond = (n: number) => (seconds > 0 ? Math.round((n / seconds) * 100) / 100 : 0);

  const statusErrors: Record<string, number> = {};
  let statusErrorTotal = 0;
  let ok = 0;
  for (const [code, n] of Object.entries(t.statuses)) {
    const numeric = Number(code);
    // "<400" is what tools that only count errors (wrk) report for everything else.
    if ((Number.isInteger(numeric) && numeric < 400) || code === '<400') {
      ok += n;
    } else {
      statusErrors[code] = n;
      statusErrorTotal += n;
    }
  }
  const transport = t.errors.connect + t.errors.timeout + t.errors.reset + t.errors.protocol;
  const total = transport + statusErrorTotal;
  const outcomes = t.completed + transport;

  return {
    apiVersion: 'meshdeck/v1',
    kind: 'PerfResult',
    smp_version: SMP_VERSION,
    id: randomUUID(),
    labels: meta.labels ?? {},
    start_time: run.startTime.toISOString(),
    end_time: run.endTime.toISOString(),
    latencies_ms: primary
      ? {
          min: primary.min,
          average: primary.mean,
          p50: primary.p50,
          p90: primary.p90,
          p99: primary.p99,
          max: primary.max,
        }
      : { min: 0, average: 0, p50: 0, p90: 0, p99: 0, max: 0 },
    actual_qps: perSecond(t.completed),
    details_uri: '',
    test_id: meta.profile?.id ?? '',
    mesh_config_id: '',
    env_id: '',
    name: meta.name,
    profile: meta.profile ?? null,
    load_generator: run.generator,
    test: {
      url: spec.url,
      method: spec.method,
      mode: spec.rate === null ? 'closed' : 'open',
      connections: spec.connections,
      rate: spec.rate,
      duration_ms: spec.durationMs,
      requests: spec.requests,
      warmup_ms: spec.warmupMs,
      timeout_ms: spec.timeoutMs,
      pipeline: spec.pipeline,
      workers: run.workers,
    },
    duration_ms: Math.round(run.windowMs * 1000) / 1000,
    rate: { requested: spec.rate, achieved: perSecond(t.completed), sent: perSecond(t.sent) },
    requests: { sent: t.sent, completed: t.completed, ok, unsent: t.unsent },
    latency: { primary: primaryKind, corrected, uncorrected },
    histograms: {
      corrected: run.corrected ? run.corrected.toJSON() : null,
      uncorrected: run.uncorrected ? run.uncorrected.toJSON() : null,
    },
    errors: {
      total,
      rate: outcomes > 0 ? total / outcomes : 0,
      ...t.errors,
      status: statusErrors,
      samples: t.errorSamples,
    },
    status_codes: t.statuses,
    bytes: { read: t.bytesRead, written: t.bytesWritten },
    environment: environment(),
    interrupted: run.aborted,
    ...(run.series ? { series: run.series } : {}),
  };
}

function environment(): PerfResult['environment'] {
  const cpuList = cpus();
  return {
    hostname: hostname(),
    platform: platform(),
    release: release(),
    arch: arch(),
    cpus: cpuList.length,
    cpu_model: cpuList[0]?.model.trim() ?? '',
    memory_mb: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    meshdeck: VERSION,
  };
}
