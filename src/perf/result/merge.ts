// One result from the results of several generators that ran the same test at the same time (pods of an
// in-cluster run). Latency is merged exactly: the full histograms are added bucket for bucket and every
// percentile is read from the sum, never averaged from per-generator percentiles (which is wrong: the p99
// of the whole is not the mean of the parts' p99s). Counters add up; throughput is the sum of each
// generator's, each measured over its own window.
import { randomUUID } from 'node:crypto';
import { bucketIndex, Histogram, type HistogramData } from '../histogram/histogram.js';
import type { ResultSeries, SeriesPoint } from '../engine/series.js';
import { statsFrom } from './build.js';
import { primaryLatency, type LatencyStats, type PerfResult } from './model.js';

export interface MergeMeta {
  name: string;
  labels?: Record<string, string>;
}

/** Adds histograms exactly; null when no part has one. */
export function mergeHistograms(parts: Array<HistogramData | null>): Histogram | null {
  const present = parts.filter((p): p is HistogramData => p !== null);
  if (present.length === 0) return null;
  // Straight into one array: no per-part histogram to allocate and walk (this is the per-pod cost).
  const sum = new Histogram();
  const counts = sum.counts;
  for (const data of present) {
    for (const [low, count] of data.buckets) counts[bucketIndex(low)] += count;
    if (data.count === 0) continue;
    sum.count += data.count;
    sum.sum += data.sum;
    sum.sumSquares += data.sum_squares;
    if (data.min < sum.min) sum.min = data.min;
    if (data.max > sum.max) sum.max = data.max;
  }
  return sum;
}

function addRecords(parts: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) for (const [k, n] of Object.entries(part)) out[k] = (out[k] ?? 0) + n;
  return out;
}

const total = (parts: PerfResult[], pick: (r: PerfResult) => number) =>
  parts.reduce((n, r) => n + pick(r), 0);
const round2 = (n: number) => Math.round(n * 100) / 100;

function mergedErrors(parts: PerfResult[]): PerfResult['errors'] {
  const sum = (pick: (r: PerfResult) => number) => total(parts, pick);
  const errors = sum((r) => r.errors.total);
  const outcomes = sum(
    (r) => r.requests.completed + r.errors.connect + r.errors.timeout + r.errors.reset + r.errors.protocol,
  );
  return {
    total: errors,
    rate: outcomes > 0 ? errors / outcomes : 0,
    connect: sum((r) => r.errors.connect),
    timeout: sum((r) => r.errors.timeout),
    reset: sum((r) => r.errors.reset),
    protocol: sum((r) => r.errors.protocol),
    status: addRecords(parts.map((r) => r.errors.status)),
    samples: Object.assign({}, ...parts.map((r) => r.errors.samples)) as PerfResult['errors']['samples'],
  };
}

/**
 * The series of several generators, second by second. Counts add up exactly; a second's percentiles are
 * the largest of the generators' (an upper bound: per-second histograms are not kept), so the series is
 * marked coalesced.
 */
export function mergeSeries(parts: Array<ResultSeries | undefined>): ResultSeries | undefined {
  const present = parts.filter((s): s is ResultSeries => s !== undefined && s.points.length > 0);
  if (present.length === 0) return undefined;
  const length = Math.max(...present.map((s) => s.points.length));
  const points: SeriesPoint[] = [];
  for (let i = 0; i < length; i++) {
    const at = present.map((s) => s.points[i]).filter((p): p is SeriesPoint => p !== undefined);
    const sum = (pick: (p: SeriesPoint) => number) => at.reduce((n, p) => n + pick(p), 0);
    const max = (pick: (p: SeriesPoint) => number) => Math.max(...at.map(pick));
    points.push({
      t: max((p) => p.t),
      sent: sum((p) => p.sent),
      completed: sum((p) => p.completed),
      errors: sum((p) => p.errors),
      rate: round2(sum((p) => p.rate)),
      p50: max((p) => p.p50),
      p90: max((p) => p.p90),
      p99: max((p) => p.p99),
      max: max((p) => p.max),
    });
  }
  return { interval_s: Math.max(...present.map((s) => s.interval_s)), coalesced: present.length > 1, points };
}

function smpLatencies(stats: LatencyStats | null): PerfResult['latencies_ms'] {
  if (!stats) return { min: 0, average: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    min: stats.min,
    average: stats.mean,
    p50: stats.p50,
    p90: stats.p90,
    p99: stats.p99,
    max: stats.max,
  };
}

/** The exact merge of results of one test run by several generators at once. */
export function mergeResults(parts: PerfResult[], meta: MergeMeta): PerfResult {
  if (parts.length === 0) throw new Error('mergeResults: no results to merge');
  const first = parts[0];
  const corrected = mergeHistograms(parts.map((r) => r.histograms.corrected));
  const uncorrected = mergeHistograms(parts.map((r) => r.histograms.uncorrected));
  const latency: PerfResult['latency'] = {
    primary: first.latency.primary,
    corrected: corrected ? statsFrom(corrected) : null,
    uncorrected: uncorrected ? statsFrom(uncorrected) : null,
  };
  const achieved = round2(total(parts, (r) => r.rate.achieved));
  const requested = parts.every((r) => r.rate.requested === null)
    ? null
    : round2(total(parts, (r) => r.rate.requested ?? 0));
  const start = parts.map((r) => r.start_time).sort()[0];
  const end = parts.map((r) => r.end_time).sort()[parts.length - 1];
  const series = mergeSeries(parts.map((r) => r.series));
  const merged: PerfResult = {
    ...first,
    id: randomUUID(),
    name: meta.name,
    labels: meta.labels ?? first.labels,
    start_time: start,
    end_time: end,
    actual_qps: achieved,
    latency,
    latencies_ms: smpLatencies(latency.primary === 'corrected' ? latency.corrected : latency.uncorrected),
    histograms: { corrected: corrected?.toJSON() ?? null, uncorrected: uncorrected?.toJSON() ?? null },
    test: {
      ...first.test,
      connections: total(parts, (r) => r.test.connections),
      rate: requested,
      workers: total(parts, (r) => r.test.workers),
    },
    duration_ms: Math.max(...parts.map((r) => r.duration_ms)),
    rate: { requested, achieved, sent: round2(total(parts, (r) => r.rate.sent)) },
    requests: {
      sent: total(parts, (r) => r.requests.sent),
      completed: total(parts, (r) => r.requests.completed),
      ok: total(parts, (r) => r.requests.ok),
      unsent: total(parts, (r) => r.requests.unsent),
    },
    errors: mergedErrors(parts),
    status_codes: addRecords(parts.map((r) => r.status_codes)),
    bytes: { read: total(parts, (r) => r.bytes.read), written: total(parts, (r) => r.bytes.written) },
    interrupted: parts.some((r) => r.interrupted),
  };
  delete merged.gates;
  if (series) merged.series = series;
  else delete merged.series;
  return merged;
}

/** What averaging per-generator p99s would report: kept only to show, in tests and docs, why it is wrong. */
export function averagedP99(parts: PerfResult[]): number {
  return total(parts, (r) => primaryLatency(r)?.p99 ?? 0) / parts.length;
}
