// fortio (`fortio load -json -`): its JSON result is parsed: the duration histogram (seconds) becomes our
// histogram, its percentiles, mean and standard deviation are kept as fortio computed them, and RetCodes
// give the statuses (-1 is fortio's code for a socket error). Format: fortio/fortio README, "result.json".
import { Histogram, bucketIndex } from '../histogram/histogram.js';
import { emptyTally } from '../engine/tally.js';
import type { MeasuredRun } from '../result/build.js';
import type { LatencyStats } from '../result/model.js';
import type { RunSpec } from '../spec/run-spec.js';
import { requireProgram, runTool, toolFailed, withTempDir } from './external.js';
import { checkSupport } from './support.js';
import type { GeneratorContext, LoadGenerator } from './types.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

interface FortioHistogram {
  Count: number;
  Min: number;
  Max: number;
  Sum: number;
  Avg: number;
  StdDev: number;
  Data: Array<{ Start: number; End: number; Percent: number; Count: number }> | null;
  Percentiles: Array<{ Percentile: number; Value: number }> | null;
}

export interface FortioResult {
  StartTime: string;
  RequestedQPS: string;
  ActualQPS: number;
  ActualDuration: number;
  NumThreads: number;
  Version: string;
  DurationHistogram: FortioHistogram;
  RetCodes: Record<string, number>;
  Sizes?: FortioHistogram;
}

export const fortioGenerator: LoadGenerator = {
  name: 'fortio',
  async run(spec: RunSpec, ctx: GeneratorContext): Promise<MeasuredRun> {
    checkSupport('fortio', spec, {
      pipeline: 'use --load-generator native',
      warmup: 'fortio warms up with one call per connection; use --load-generator native for a timed warm-up',
    });
    const program = await requireProgram('fortio');
    if (spec.rate !== null)
      ctx.warn(
        'fortio measures from the actual send (service time), without coordinated-omission correction',
      );
    return withTempDir(async (dir) => {
      const args = [
        'load',
        '-json',
        '-',
        '-quiet',
        '-qps',
        spec.rate === null ? '0' : String(spec.rate),
        '-c',
        String(spec.connections),
        '-timeout',
        `${spec.timeoutMs}ms`,
        '-p',
        '50,75,90,99,99.9,99.99',
        '-allow-initial-errors',
        '-X',
        spec.method,
      ];
      if (spec.requests !== null) args.push('-n', String(spec.requests));
      else args.push('-t', `${spec.durationMs}ms`);
      for (const [name, value] of spec.headers) args.push('-H', `${name}: ${value}`);
      if (spec.body) {
        const bodyFile = join(dir, 'body');
        await writeFile(bodyFile, spec.body, { mode: 0o600 });
        args.push('-payload-file', bodyFile);
      }
      if (spec.insecure) args.push('-k');
      if (spec.ca) {
        const caFile = join(dir, 'ca.pem');
        await writeFile(caFile, spec.ca, { mode: 0o600 });
        args.push('-cacert', caFile);
      }
      args.push(spec.url);
      const out = await runTool(program, args, ctx.signal);
      const result = parseFortioJson(out.stdout);
      if (!result) throw toolFailed('fortio', out);
      return measuredFromFortio(result, out.interrupted);
    });
  },
};

export function parseFortioJson(stdout: string): FortioResult | null {
  const start = stdout.indexOf('{');
  if (start === -1) return null;
  try {
    const value = JSON.parse(stdout.slice(start)) as FortioResult;
    return value && typeof value === 'object' && value.DurationHistogram ? value : null;
  } catch {
    return null;
  }
}

export function measuredFromFortio(r: FortioResult, interrupted: boolean): MeasuredRun {
  const d = r.DurationHistogram;
  const tally = emptyTally();
  let socketErrors = 0;
  for (const [code, n] of Object.entries(r.RetCodes ?? {})) {
    if (code === '-1') socketErrors += n;
    else tally.statuses[code] = (tally.statuses[code] ?? 0) + n;
  }
  tally.completed = d.Count - socketErrors;
  tally.sent = d.Count;
  tally.errors.reset = socketErrors;
  if (socketErrors > 0) tally.errorSamples.reset = 'fortio: socket errors (code -1)';
  if (r.Sizes) tally.bytesRead = Math.round(r.Sizes.Sum);

  const us = (seconds: number) => Math.round(seconds * 1e6);
  const h = new Histogram();
  for (const b of d.Data ?? []) h.counts[bucketIndex(us(b.End))] += b.Count;
  h.count = d.Count;
  h.min = us(d.Min);
  h.max = us(d.Max);
  h.sum = d.Sum * 1e6;
  h.sumSquares = d.Count * ((d.StdDev * 1e6) ** 2 + (d.Avg * 1e6) ** 2);
  const ms = (seconds: number) => Math.round(seconds * 1e6) / 1000;
  const pct = new Map((d.Percentiles ?? []).map((p) => [p.Percentile, p.Value]));
  const p = (q: number) => (pct.has(q) ? ms(pct.get(q)!) : h.percentile(q) / 1000);
  const stats: LatencyStats = {
    count: d.Count,
    min: ms(d.Min),
    mean: ms(d.Avg),
    stddev: ms(d.StdDev),
    p50: p(50),
    p75: p(75),
    p90: p(90),
    p99: p(99),
    p99_9: p(99.9),
    p99_99: p(99.99),
    max: ms(d.Max),
  };
  const startTime = new Date(r.StartTime);
  const windowMs = r.ActualDuration / 1e6;
  return {
    generator: { name: 'fortio', version: r.Version },
    corrected: null,
    uncorrected: h,
    uncorrectedStats: stats,
    tally,
    startTime,
    endTime: new Date(startTime.getTime() + windowMs),
    windowMs,
    aborted: interrupted,
    workers: r.NumThreads,
  };
}
