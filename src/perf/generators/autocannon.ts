// autocannon, in this process (loaded only when chosen). Its latencies are whole milliseconds and its rate
// mode mis-corrects coordinated omission (see docs/perf.md), so its numbers are reported as service time
// and a rate run says so.
import autocannon from 'autocannon';
import autocannonPackage from 'autocannon/package.json' with { type: 'json' };
import { emptyTally } from '../engine/tally.js';
import type { MeasuredRun } from '../result/build.js';
import type { LatencyStats } from '../result/model.js';
import type { RunSpec } from '../spec/run-spec.js';
import { checkSupport } from './support.js';
import type { GeneratorContext, LoadGenerator } from './types.js';

const VERSION: string = autocannonPackage.version;

export const autocannonGenerator: LoadGenerator = {
  name: 'autocannon',
  async run(spec: RunSpec, ctx: GeneratorContext): Promise<MeasuredRun> {
    checkSupport('autocannon', spec, {
      warmup: 'use --load-generator native',
      ca: 'autocannon never verifies certificates: drop --cacert, or use --load-generator native',
    });
    if (spec.rate !== null) {
      ctx.warn(
        'autocannon paces a rate in per-connection bursts once a second and mis-corrects coordinated omission: its latencies under --rate can hide or inflate stalls; prefer --load-generator native',
      );
    }
    if (spec.url.startsWith('https:') && !spec.insecure)
      ctx.warn('autocannon does not verify TLS certificates');
    const headers: Record<string, string> = {};
    for (const [name, value] of spec.headers) headers[name] = value;
    const options: autocannon.Options = {
      url: spec.url,
      connections: spec.connections,
      pipelining: spec.pipeline,
      timeout: Math.max(1, Math.round(spec.timeoutMs / 1000)),
      method: spec.method as autocannon.Request['method'],
      headers,
      body: spec.body ?? undefined,
      ...(spec.requests !== null ? { amount: spec.requests } : { duration: spec.durationMs! / 1000 }),
      ...(spec.rate !== null ? { overallRate: spec.rate } : {}),
    };
    let interrupted = false;
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(options, (err: unknown, res) =>
        err
          ? reject(err instanceof Error ? err : new Error(`autocannon failed: ${JSON.stringify(err)}`))
          : resolve(res),
      );
      let completed = 0;
      let last = Date.now();
      const started = Date.now();
      (instance as unknown as NodeJS.EventEmitter).on('tick', (tick: { counter: number }) => {
        completed += tick.counter;
        const now = Date.now();
        ctx.onProgress?.({
          elapsedMs: now - started,
          sent: completed,
          completed,
          errors: 0,
          rate: (tick.counter / Math.max(1, now - last)) * 1000,
          p99Us: Number.NaN,
        });
        last = now;
      });
      ctx.signal?.addEventListener(
        'abort',
        () => {
          interrupted = true;
          instance.stop();
        },
        { once: true },
      );
    });
    return measuredFromAutocannon(result, interrupted);
  },
};

export function measuredFromAutocannon(r: autocannon.Result, interrupted: boolean): MeasuredRun {
  const tally = emptyTally();
  tally.sent = r.requests.sent;
  tally.completed = r.requests.total;
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) tally.statuses[code] = stat.count ?? 0;
  tally.errors.timeout = r.timeouts;
  tally.errors.reset = Math.max(0, r.errors - r.timeouts) + r.resets;
  tally.errors.protocol = r.mismatches;
  if (tally.errors.reset > 0)
    tally.errorSamples.reset = 'autocannon: connection errors (not classified further)';
  tally.bytesRead = r.throughput.total;
  const l = r.latency as autocannon.Histogram & Record<string, number>;
  const stats: LatencyStats | null =
    r.requests.total > 0
      ? {
          count: r.requests.total,
          min: l.min,
          mean: l.mean,
          stddev: l.stddev,
          p50: l.p50,
          p75: l.p75,
          p90: l.p90,
          p99: l.p99,
          p99_9: l.p99_9,
          p99_99: l.p99_99,
          max: l.max,
        }
      : null;
  return {
    generator: { name: 'autocannon', version: VERSION },
    corrected: null,
    uncorrected: null,
    uncorrectedStats: stats,
    tally,
    startTime: new Date(r.start),
    endTime: new Date(r.finish),
    windowMs: r.duration * 1000,
    aborted: interrupted,
    workers: 1,
  };
}
