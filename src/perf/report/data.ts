// The numbers a report draws, taken from results: the percentile spectrum (HdrHistogram's plot: latency
// against 1/(1-percentile) on a log axis, so the tail gets the room it deserves), the latency histogram,
// and the per-second series. Pure data, shared by the HTML and Markdown reports.
import { Histogram, type HistogramData } from '../histogram/histogram.js';
import { primaryLatency, type PerfResult } from '../result/model.js';

/** Percentiles drawn in the spectrum: dense in the tail, up to 99.999. */
export const SPECTRUM_PERCENTILES = [
  0, 10, 20, 30, 40, 50, 55, 60, 65, 70, 75, 77.5, 80, 82.5, 85, 87.5, 90, 91.25, 92.5, 93.75, 95, 96, 97,
  97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99, 99.995, 99.999,
];

export interface Spectrum {
  /** x: 1/(1-p), the "nines" axis (1 = p0, 10 = p90, 100 = p99 ...). */
  x: number[];
  percentiles: number[];
  /** y: latency in ms at each percentile; null where the result has no such histogram. */
  corrected: number[] | null;
  uncorrected: number[] | null;
}

function latencyAt(data: HistogramData | null): number[] | null {
  if (!data || data.count === 0) return null;
  const h = Histogram.fromJSON(data);
  return SPECTRUM_PERCENTILES.map((p) => Math.round(h.percentile(p)) / 1000);
}

export function spectrum(result: PerfResult): Spectrum {
  return {
    x: SPECTRUM_PERCENTILES.map((p) => Math.round((1 / (1 - p / 100)) * 1000) / 1000),
    percentiles: SPECTRUM_PERCENTILES,
    corrected: latencyAt(result.histograms.corrected),
    uncorrected: latencyAt(result.histograms.uncorrected),
  };
}

/** The latency histogram on log-spaced bins (ms edges), at most `bins` of them. */
export function latencyBins(result: PerfResult, bins = 40): { edges: number[]; counts: number[] } | null {
  const data =
    result.latency.primary === 'corrected' ? result.histograms.corrected : result.histograms.uncorrected;
  if (!data || data.count === 0) return null;
  const lo = Math.max(1, data.min);
  const hi = Math.max(lo + 1, data.max);
  const ratio = (hi / lo) ** (1 / bins);
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo * ratio ** i);
  const counts = new Array<number>(bins).fill(0);
  for (const [low, count] of data.buckets) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor(Math.log(Math.max(low, lo) / lo) / Math.log(ratio))));
    counts[i] += count;
  }
  return { edges: edges.map((e) => Math.round(e) / 1000), counts };
}

export interface SeriesData {
  t: number[];
  rate: number[];
  errors: number[];
  p50: number[];
  p99: number[];
}

export function seriesData(result: PerfResult): SeriesData | null {
  const points = result.series?.points;
  if (!points || points.length === 0) return null;
  return {
    t: points.map((p) => p.t),
    rate: points.map((p) => p.rate),
    errors: points.map((p) => p.errors),
    p50: points.map((p) => p.p50),
    p99: points.map((p) => p.p99),
  };
}

/** The headline numbers of one result, for tables. */
export function headline(result: PerfResult) {
  const stats = primaryLatency(result);
  return {
    name: result.name,
    id: result.id,
    url: result.test.url,
    mode: result.test.mode,
    latency: result.latency.primary,
    p50: stats?.p50 ?? null,
    p90: stats?.p90 ?? null,
    p99: stats?.p99 ?? null,
    p99_9: stats?.p99_9 ?? null,
    max: stats?.max ?? null,
    rps: result.rate.achieved,
    requested: result.rate.requested,
    errorRate: result.errors.rate,
    requests: result.requests.completed,
    start: result.start_time,
    gates: result.gates ?? [],
  };
}
