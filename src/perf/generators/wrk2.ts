// wrk2 (open loop only, -R): its --latency -U report is parsed: the HdrHistogram percentile spectra of the
// corrected ("Recorded") and uncorrected latencies are turned back into histograms, and the summary lines
// give requests, errors and the run time. Format: giltene/wrk2 src/wrk.c (print_hdr_latency) and README.
import { Histogram, bucketIndex } from '../histogram/histogram.js';
import type { MeasuredRun } from '../result/build.js';
import type { LatencyStats } from '../result/model.js';
import type { RunSpec } from '../spec/run-spec.js';
import {
  requireProgram,
  runTool,
  toolFailed,
  wholeSeconds,
  withTempDir,
  wrkArgs,
  wrkTally,
  writeRequestScript,
} from './external.js';
import { checkSupport } from './support.js';
import type { GeneratorContext, LoadGenerator } from './types.js';

export interface Wrk2Latency {
  histogram: Histogram;
  stats: LatencyStats;
}

export interface Wrk2Report {
  corrected: Wrk2Latency | null;
  uncorrected: Wrk2Latency | null;
  requests: number;
  durationMs: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; timeout: number; status: number };
  threads: number;
  connections: number;
}

export const wrk2Generator: LoadGenerator = {
  name: 'wrk2',
  async run(spec: RunSpec, ctx: GeneratorContext): Promise<MeasuredRun> {
    const native = 'use --load-generator native';
    checkSupport('wrk2', spec, {
      max: 'give --rate R (wrk2 is open loop only), or use --load-generator native or wrk for --rate max',
      requests: 'use --duration, or --load-generator native',
      pipeline: native,
      warmup: 'wrk2 calibrates during its first 10 s; use --load-generator native for a warm-up',
      ca: native,
    });
    const program = await requireProgram('wrk2');
    const seconds = wholeSeconds(spec.durationMs!);
    if (seconds < 20) ctx.warn('wrk2 calibrates for its first 10 s; runs shorter than 20 s give little data');
    return withTempDir(async (dir) => {
      const script = await writeRequestScript(dir, spec);
      const rate = ['-R', String(Math.round(spec.rate!)), '--latency', '-U'];
      const out = await runTool(program, wrkArgs(spec, seconds, script, rate), ctx.signal);
      const report = parseWrk2Output(out.stdout);
      if (!report) throw toolFailed('wrk2', out);
      return measuredFromWrk2(report, {
        startTime: out.startTime,
        endTime: out.endTime,
        interrupted: out.interrupted,
      });
    });
  },
};

const UNIT_MS: Record<string, number> = { us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const BYTES: Record<string, number> = {
  '': 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
  P: 1024 ** 5,
};

export function parseWrk2Output(text: string): Wrk2Report | null {
  const summary = /(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)([KMGTP]?)B read/.exec(text);
  if (!summary) return null;
  const recorded = text.indexOf('(HdrHistogram - Recorded Latency)');
  const uncorrectedAt = text.indexOf('(HdrHistogram - Uncorrected Latency');
  const sectionEnd = (from: number) => {
    const end = text.indexOf('------', from);
    return end === -1 ? text.length : end;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const status = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const threads = /(\d+) threads and (\d+) connections/.exec(text);
  return {
    corrected: recorded === -1 ? null : parseLatencySection(text.slice(recorded, sectionEnd(recorded))),
    uncorrected:
      uncorrectedAt === -1 ? null : parseLatencySection(text.slice(uncorrectedAt, sectionEnd(uncorrectedAt))),
    requests: Number(summary[1]),
    durationMs: Number(summary[2]) * UNIT_MS[summary[3]],
    bytes: Math.round(Number(summary[4]) * BYTES[summary[5]]),
    errors: {
      connect: socket ? Number(socket[1]) : 0,
      read: socket ? Number(socket[2]) : 0,
      write: socket ? Number(socket[3]) : 0,
      timeout: socket ? Number(socket[4]) : 0,
      status: status ? Number(status[1]) : 0,
    },
    threads: threads ? Number(threads[1]) : 1,
    connections: threads ? Number(threads[2]) : 0,
  };
}

/** One "Latency Distribution" block: the percentile lines, the detailed spectrum and its footer. */
function parseLatencySection(section: string): Wrk2Latency | null {
  const percentiles = new Map<string, number>();
  for (const m of section.matchAll(/^\s*([\d.]+)%\s+([\d.]+)(us|ms|s|m|h)\s*$/gm)) {
    percentiles.set(String(Number(m[1])), Number(m[2]) * UNIT_MS[m[3]]);
  }
  // Spectrum rows: value (ms), percentile, total count, 1/(1-percentile).
  const points: Array<[number, number]> = [];
  for (const m of section.matchAll(/^\s*([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+|inf)\s*$/gm)) {
    points.push([Number(m[1]), Number(m[3])]);
  }
  const meanLine = /#\[Mean\s*=\s*([\d.]+),\s*StdDeviation\s*=\s*([\d.]+)\]/.exec(section);
  const maxLine = /#\[Max\s*=\s*([\d.]+),\s*Total count\s*=\s*(\d+)\]/.exec(section);
  if (points.length === 0 || !maxLine) return null;
  const count = Number(maxLine[2]);
  const mean = meanLine ? Number(meanLine[1]) : 0;
  const stddev = meanLine ? Number(meanLine[2]) : 0;
  const histogram = fromSpectrum(points, { count, mean, stddev, max: Number(maxLine[1]) });
  const p = (q: number, fallback: number) => percentiles.get(String(q)) ?? fallback;
  const stats: LatencyStats = {
    count,
    min: points[0][0],
    mean,
    stddev,
    p50: p(50, histogram.percentile(50) / 1000),
    p75: p(75, histogram.percentile(75) / 1000),
    p90: p(90, histogram.percentile(90) / 1000),
    p99: p(99, histogram.percentile(99) / 1000),
    p99_9: p(99.9, histogram.percentile(99.9) / 1000),
    p99_99: p(99.99, histogram.percentile(99.99) / 1000),
    max: Number(maxLine[1]),
  };
  return { histogram, stats };
}

/** A histogram from cumulative (value ms, total count) points: each step's values sit at its value. */
function fromSpectrum(
  points: Array<[number, number]>,
  ms: { count: number; mean: number; stddev: number; max: number },
): Histogram {
  const h = new Histogram();
  let previous = 0;
  for (const [valueMs, total] of points) {
    const n = total - previous;
    if (n > 0) h.counts[bucketIndex(Math.round(valueMs * 1000))] += n;
    previous = Math.max(previous, total);
  }
  h.count = previous;
  h.min = Math.round(points[0][0] * 1000);
  h.max = Math.round(ms.max * 1000);
  // Sums that reproduce the report's mean and standard deviation.
  const meanUs = ms.mean * 1000;
  const sdUs = ms.stddev * 1000;
  h.sum = meanUs * ms.count;
  h.sumSquares = ms.count * (sdUs * sdUs + meanUs * meanUs);
  return h;
}

export function measuredFromWrk2(
  r: Wrk2Report,
  meta: { startTime: Date; endTime: Date; interrupted: boolean },
): MeasuredRun {
  const tally = wrkTally('wrk2', { ...r.errors, requests: r.requests, bytes: r.bytes });
  return {
    generator: { name: 'wrk2', version: '4.0.0 (wrk2)' },
    corrected: r.corrected?.histogram ?? null,
    uncorrected: r.uncorrected?.histogram ?? null,
    correctedStats: r.corrected?.stats ?? null,
    uncorrectedStats: r.uncorrected?.stats ?? null,
    tally,
    startTime: meta.startTime,
    endTime: meta.endTime,
    windowMs: r.durationMs,
    aborted: meta.interrupted,
    workers: r.threads,
  };
}
