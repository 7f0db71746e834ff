// Checking gates against a result, and a result against a baseline.
import { UsageError } from '../../core/errors.js';
import { formatMs, formatPercent, formatRate } from '../result/format.js';
import { primaryLatency, type GateVerdict, type LatencyStats, type PerfResult } from '../result/model.js';
import type { Gate, GateMetric, GateOp } from './parse.js';
import { LATENCY_METRICS, OTHER_METRICS } from './parse.js';

const STAT_KEY: Record<string, keyof LatencyStats> = {
  p50: 'p50',
  p75: 'p75',
  p90: 'p90',
  p99: 'p99',
  'p99.9': 'p99_9',
  'p99.99': 'p99_99',
  max: 'max',
  min: 'min',
  mean: 'mean',
  stddev: 'stddev',
};

function compare(actual: number, op: GateOp, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return Math.abs(actual - limit) < 1e-9;
  }
}

function measure(
  r: PerfResult,
  metric: GateMetric,
  errorsAsRate: boolean,
): { value: number; text: string } | null {
  if ((LATENCY_METRICS as readonly string[]).includes(metric)) {
    const stats = primaryLatency(r);
    if (!stats) return null;
    const v = stats[STAT_KEY[metric]];
    return { value: v, text: `${formatMs(v)}ms` };
  }
  if (metric === 'rps') return { value: r.actual_qps, text: `${formatRate(r.actual_qps)}/s` };
  if (errorsAsRate) return { value: r.errors.rate, text: formatPercent(r.errors.rate, 3) };
  return { value: r.errors.total, text: String(r.errors.total) };
}

export function evaluateGates(r: PerfResult, gates: readonly Gate[]): GateVerdict[] {
  return gates.map((g) => {
    const m = measure(r, g.metric, g.errorsAsRate);
    if (!m)
      return { gate: g.expression, actual: '-', passed: false, reason: `the result has no ${g.metric}` };
    const passed = compare(m.value, g.op, g.value);
    return { gate: g.expression, actual: m.text, passed, reason: passed ? '' : `${g.metric} is ${m.text}` };
  });
}

/** Metrics a baseline comparison can check: the latencies where "worse" is clear, the rate and errors. */
export const BASELINE_METRICS: readonly string[] = [
  ...LATENCY_METRICS.filter((m) => m !== 'min' && m !== 'stddev'),
  ...OTHER_METRICS,
];
export const DEFAULT_BASELINE_METRICS = ['p50', 'p90', 'p99', 'rps'];

/**
 * Each metric may be worse than the baseline by at most `maxRegression` (a fraction): latencies and the
 * error rate may grow by that much, the rate may drop by that much.
 */
export function evaluateAgainstBaseline(
  r: PerfResult,
  baseline: PerfResult,
  maxRegression: number,
  metrics: readonly string[] = DEFAULT_BASELINE_METRICS,
): GateVerdict[] {
  const pct = `${(maxRegression * 100).toFixed(maxRegression * 100 < 1 ? 2 : 0)}%`;
  return metrics.map((metric) => {
    if (!BASELINE_METRICS.includes(metric)) {
      throw new UsageError(`unknown metric "${metric}" for --metric`, {
        hint: `choose from: ${BASELINE_METRICS.join(', ')}`,
      });
    }
    const higherIsWorse = metric !== 'rps';
    const gate = `${metric} ${higherIsWorse ? 'rises' : 'drops'} at most ${pct}`;
    const cur = measure(r, metric as GateMetric, true);
    const base = measure(baseline, metric as GateMetric, true);
    if (!cur || !base)
      return {
        gate,
        actual: '-',
        passed: false,
        reason: `no ${metric} in ${cur ? 'the baseline' : 'the result'}`,
      };
    const limit = higherIsWorse ? base.value * (1 + maxRegression) : base.value * (1 - maxRegression);
    const passed = higherIsWorse ? cur.value <= limit : cur.value >= limit;
    const change =
      base.value === 0
        ? cur.value === 0
          ? '0.0%'
          : 'from 0'
        : `${(((cur.value - base.value) / base.value) * 100).toFixed(1)}%`;
    const actual = `${cur.text} (baseline ${base.text}, ${change.startsWith('-') || change.startsWith('from') ? change : `+${change}`})`;
    return { gate, actual, passed, reason: passed ? '' : `${metric} ${cur.text} against ${base.text}` };
  });
}
