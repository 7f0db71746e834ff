// Results side by side: the first is the baseline, every other column shows its change against it.
import { formatDelta, formatMs, formatPercent, formatRate } from '../result/format.js';
import { primaryLatency, type LatencyStats, type PerfResult } from '../result/model.js';

export interface ComparedMetric {
  metric: string;
  /** Raw values, one per result (null when a result lacks the number). */
  values: Array<number | null>;
  /** Formatted cells: value, and for every result after the first its change against the first. */
  cells: string[];
  /** True when a larger value is better (rate). */
  higherIsBetter: boolean;
}

const LATENCY_ROWS: Array<[string, keyof LatencyStats]> = [
  ['p50', 'p50'],
  ['p75', 'p75'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p99.9', 'p99_9'],
  ['p99.99', 'p99_99'],
  ['max', 'max'],
  ['mean', 'mean'],
];

export function compareResults(results: readonly PerfResult[]): ComparedMetric[] {
  const rows: ComparedMetric[] = [];
  const add = (
    metric: string,
    pick: (r: PerfResult) => number | null,
    format: (v: number) => string,
    higherIsBetter: boolean,
  ) => {
    const values = results.map(pick);
    const base = values[0];
    const cells = values.map((v, i) => {
      if (v === null) return '-';
      if (i === 0 || base === null) return format(v);
      return `${format(v)} (${formatDelta(base, v)})`;
    });
    rows.push({ metric, values, cells, higherIsBetter });
  };
  add('rate (req/s)', (r) => r.actual_qps, formatRate, true);
  add(
    'errors',
    (r) => r.errors.rate,
    (v) => formatPercent(v, 3),
    false,
  );
  for (const [label, key] of LATENCY_ROWS) {
    add(`${label} (ms)`, (r) => primaryLatency(r)?.[key] ?? null, formatMs, false);
  }
  if (results.some((r) => r.resources && r.resources.containers.length > 0)) {
    const totals = (r: PerfResult) => (r.resources?.containers.length ? r.resources.totals : null);
    add('app cpu (m)', (r) => totals(r)?.app.cpu_m ?? null, formatMs, false);
    add('app memory (MiB)', (r) => totals(r)?.app.memory_mib ?? null, formatMs, false);
    add('sidecar cpu (m)', (r) => totals(r)?.sidecar.cpu_m ?? null, formatMs, false);
    add('sidecar memory (MiB)', (r) => totals(r)?.sidecar.memory_mib ?? null, formatMs, false);
    add('control plane cpu (m)', (r) => totals(r)?.control_plane.cpu_m ?? null, formatMs, false);
    add('control plane memory (MiB)', (r) => totals(r)?.control_plane.memory_mib ?? null, formatMs, false);
  }
  return rows;
}

/** The column heading for a result: its name (its short id is shown in the first row). */
export function resultHeading(r: PerfResult): string {
  return r.name;
}
