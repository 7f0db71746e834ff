// The human summary of a result: what ran, rate achieved against requested, errors by class, the
// percentile table (corrected and uncorrected) and the latency distribution.
import type { Palette } from '../../core/output/color.js';
import { renderTable } from '../../core/output/table.js';
import { Histogram } from '../histogram/histogram.js';
import { formatDuration } from '../../core/duration.js';
import { renderDistribution } from './distribution.js';
import { formatCount, formatMs, formatPercent, formatRate } from './format.js';
import type { LatencyStats, PerfResult } from './model.js';

export interface SummaryOptions {
  colors: Palette;
  unicode: boolean;
}

export function renderSummary(r: PerfResult, o: SummaryOptions): string {
  const c = o.colors;
  const t = r.test;
  const lines: string[] = [];
  const mode = t.mode === 'open' ? `open loop at ${formatRate(t.rate!)} req/s` : 'closed loop (max rate)';
  const length =
    t.requests !== null ? `${formatCount(t.requests)} requests` : formatDuration(t.duration_ms ?? 0);
  lines.push(`${c.bold(r.name)}  ${t.method} ${t.url}`);
  lines.push(
    `  ${r.load_generator.name} ${r.load_generator.version}, ${mode}, ${t.connections} connection${t.connections === 1 ? '' : 's'}` +
      `${t.pipeline > 1 ? ` x ${t.pipeline} pipelined` : ''}, ${t.workers} worker${t.workers === 1 ? '' : 's'}, ${length}` +
      `${t.warmup_ms > 0 ? ` after ${formatDuration(t.warmup_ms)} warm-up` : ''}`,
  );
  if (r.interrupted) lines.push(`  ${c.yellow('interrupted: the numbers cover the part that ran')}`);
  lines.push(...clusterLines(r, c));
  lines.push('');

  const achieved = `${formatRate(r.rate.achieved)} req/s`;
  const requested =
    r.rate.requested === null
      ? ''
      : ` of ${formatRate(r.rate.requested)} requested (${formatPercent(r.rate.achieved / r.rate.requested, 1)})`;
  lines.push(`  rate      ${achieved}${requested} over ${formatDuration(r.duration_ms)}`);
  const unsent =
    r.requests.unsent > 0
      ? `, ${formatCount(r.requests.unsent)} due but never sent (queued when the run ended)`
      : '';
  lines.push(
    `  requests  ${formatCount(r.requests.sent)} sent, ${formatCount(r.requests.completed)} answered, ${formatCount(r.requests.ok)} ok${unsent}`,
  );
  lines.push(`  errors    ${errorLine(r, c)}`);
  for (const [kind, message] of Object.entries(r.errors.samples))
    lines.push(`            ${c.dim(`${kind}: ${message}`)}`);
  lines.push('');

  const rows: Array<[string, LatencyStats]> = [];
  if (r.latency.corrected) rows.push(['corrected', r.latency.corrected]);
  if (r.latency.uncorrected)
    rows.push([r.latency.corrected ? 'uncorrected' : 'latency', r.latency.uncorrected]);
  if (rows.length > 0) {
    const num = (pick: (s: LatencyStats) => number) => ({
      value: (row: [string, LatencyStats]) => formatMs(pick(row[1])),
      align: 'right' as const,
    });
    const table = renderTable(rows, [
      { header: 'latency (ms)', value: (row) => row[0] },
      { header: 'p50', ...num((s) => s.p50) },
      { header: 'p75', ...num((s) => s.p75) },
      { header: 'p90', ...num((s) => s.p90) },
      { header: 'p99', ...num((s) => s.p99) },
      { header: 'p99.9', ...num((s) => s.p99_9) },
      { header: 'p99.99', ...num((s) => s.p99_99) },
      { header: 'max', ...num((s) => s.max) },
      { header: 'mean', ...num((s) => s.mean) },
      { header: 'stddev', ...num((s) => s.stddev) },
    ]);
    for (const line of table.trimEnd().split('\n')) lines.push(`  ${line}`);
    if (r.latency.corrected) {
      lines.push(
        c.dim("  corrected: from each request's intended send time (coordinated omission corrected);"),
      );
      lines.push(c.dim('  uncorrected: from the moment it was actually sent (service time)'));
    }
  }

  lines.push(...resourceLines(r, c));
  const primary = r.histograms[r.latency.primary];
  if (primary && primary.count > 0) {
    lines.push('');
    lines.push(
      `  latency distribution (${r.latency.primary === 'corrected' ? 'corrected' : 'service time'})`,
    );
    for (const line of renderDistribution(Histogram.fromJSON(primary), { unicode: o.unicode }))
      lines.push(`  ${line}`);
  }
  return `${lines.join('\n')}\n`;
}

function errorLine(r: PerfResult, c: Palette): string {
  const e = r.errors;
  if (e.total === 0) return c.green('none');
  const parts: string[] = [];
  for (const kind of ['connect', 'timeout', 'reset', 'protocol'] as const)
    if (e[kind] > 0) parts.push(`${kind} ${formatCount(e[kind])}`);
  for (const [code, n] of Object.entries(e.status)) parts.push(`HTTP ${code} ${formatCount(n)}`);
  return c.red(`${formatCount(e.total)} (${formatPercent(e.rate)})`) + `: ${parts.join(', ')}`;
}

/** Where an in-cluster run's generators ran and the mesh around its target. */
function clusterLines(r: PerfResult, c: Palette): string[] {
  const k = r.cluster;
  if (!k) return [];
  const pods = k.generators.map(
    (g) => `${g.pod}${g.node ? ` on ${g.node}` : ''} (${formatCount(g.histogram_count)})`,
  );
  const t = k.target;
  const mesh = !t
    ? 'target not found in the cluster'
    : t.mesh
      ? `${t.mesh} sidecar${t.proxy_version ? ` ${t.proxy_version}` : ''} injected`
      : 'no mesh (no sidecar)';
  const service = t?.service ? `service ${t.service.namespace}/${t.service.name}, ` : '';
  return [
    `  in cluster: ${k.replicas} generator pod${k.replicas === 1 ? '' : 's'} of job ${k.namespace}/${k.job}, merged exactly in ${formatMs(k.merge.ms)} ms`,
    c.dim(`    ${pods.join(', ')}`),
    `  target: ${service}${mesh}`,
  ];
}

/** CPU and memory of the target (app and sidecar apart) and of the mesh control plane. */
function resourceLines(r: PerfResult, c: Palette): string[] {
  const res = r.resources;
  if (!res) return [];
  if (res.containers.length === 0) return ['', `  resources: ${c.dim(res.note ?? 'none sampled')}`];
  const rows = res.containers.map((x) => [
    x.role,
    `${x.pod}/${x.container}`,
    `${formatMs(x.cpu_m.mean)} (${formatMs(x.cpu_m.max)})`,
    `${formatMs(x.memory_mib.mean)} (${formatMs(x.memory_mib.max)})`,
    x.simulated ? 'simulated: zero' : '',
  ]);
  const table = renderTable(rows, [
    { header: 'resources', value: (row) => row[0] },
    { header: 'container', value: (row) => row[1] },
    { header: 'cpu m mean (max)', value: (row) => row[2], align: 'right' },
    { header: 'memory MiB mean (max)', value: (row) => row[3], align: 'right' },
    { header: '', value: (row) => row[4] },
  ]);
  const out = [
    '',
    ...table
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
  ];
  out.push(
    c.dim(`  sampled ${res.samples} times from ${res.source}, every ${formatDuration(res.interval_ms)}`),
  );
  return out;
}
