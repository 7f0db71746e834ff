// wrk (closed loop only): run with a Lua script whose done() prints the numbers as one JSON line, which
// gives p99.9/p99.99 and the error classes that wrk's text report leaves out.
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

const MARK = 'MESHDECK_WRK ';

const DONE_SCRIPT = `
done = function(summary, latency, requests)
  local e = summary.errors
  local p = {}
  for _, q in ipairs({50, 75, 90, 99, 99.9, 99.99}) do
    p[#p + 1] = string.format('"%g":%d', q, latency:percentile(q))
  end
  io.write(string.format('\\n${MARK}{"duration_us":%d,"requests":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"min":%d,"max":%d,"mean":%.3f,"stdev":%.3f,"percentiles":{%s}}\\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.max, latency.mean, latency.stdev, table.concat(p, ",")))
end
`;

export interface WrkReport {
  duration_us: number;
  requests: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  min: number;
  max: number;
  mean: number;
  stdev: number;
  percentiles: Record<string, number>;
}

export const wrkGenerator: LoadGenerator = {
  name: 'wrk',
  async run(spec: RunSpec, ctx: GeneratorContext): Promise<MeasuredRun> {
    const native = 'use --load-generator native';
    checkSupport('wrk', spec, {
      rate: 'use --load-generator native or wrk2 for open loop, or --rate max',
      requests: 'use --duration, or --load-generator native',
      pipeline: native,
      warmup: native,
      ca: 'wrk does not verify certificates at all; drop --cacert or use --load-generator native',
    });
    const program = await requireProgram('wrk');
    if (spec.url.startsWith('https:') && !spec.insecure) ctx.warn('wrk does not verify TLS certificates');
    const seconds = wholeSeconds(spec.durationMs!);
    if (seconds * 1000 !== spec.durationMs) ctx.warn(`wrk takes whole seconds: running for ${seconds}s`);
    return withTempDir(async (dir) => {
      const script = await writeRequestScript(dir, spec, DONE_SCRIPT);
      const out = await runTool(program, wrkArgs(spec, seconds, script), ctx.signal);
      const report = parseWrkReport(out.stdout);
      if (!report) throw toolFailed('wrk', out);
      return measuredFromWrk(report, {
        version: await wrkVersion(program),
        threads: Math.max(1, Math.min(spec.workers, spec.connections)),
        startTime: out.startTime,
        endTime: out.endTime,
        interrupted: out.interrupted,
      });
    });
  },
};

export function parseWrkReport(stdout: string): WrkReport | null {
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) return null;
  try {
    return JSON.parse(line.slice(MARK.length)) as WrkReport;
  } catch {
    return null;
  }
}

export function measuredFromWrk(
  r: WrkReport,
  meta: { version: string; threads: number; startTime: Date; endTime: Date; interrupted: boolean },
): MeasuredRun {
  const tally = wrkTally('wrk', r);
  const ms = (us: number) => Math.round(us) / 1000;
  const p = (q: string) => ms(r.percentiles[q] ?? 0);
  const stats: LatencyStats | null =
    r.requests > 0
      ? {
          count: r.requests,
          min: ms(r.min),
          mean: ms(r.mean),
          stddev: ms(r.stdev),
          p50: p('50'),
          p75: p('75'),
          p90: p('90'),
          p99: p('99'),
          p99_9: p('99.9'),
          p99_99: p('99.99'),
          max: ms(r.max),
        }
      : null;
  return {
    generator: { name: 'wrk', version: meta.version },
    corrected: null,
    uncorrected: null,
    uncorrectedStats: stats,
    tally,
    startTime: meta.startTime,
    endTime: meta.endTime,
    windowMs: r.duration_us / 1000,
    aborted: meta.interrupted,
    workers: meta.threads,
  };
}

async function wrkVersion(program: string): Promise<string> {
  // `wrk --version` prints "wrk debian/4.1.0-3+b2 [epoll] Copyright ..." and exits 1.
  const out = await runTool(program, ['--version']);
  const m = /^wrk\s+(\S+)/m.exec(out.stdout + out.stderr);
  return m ? m[1] : 'unknown';
}
