// The assertion language of gates, parsed strictly: METRIC OP NUMBER [UNIT], e.g. p99<=20ms, errors<0.1%,
// rps>=950. A bad expression is a usage error pointing at the character where it goes wrong.
import { badValue } from '../../core/input-error.js';

export const LATENCY_METRICS = [
  'p50',
  'p75',
  'p90',
  'p99',
  'p99.9',
  'p99.99',
  'max',
  'min',
  'mean',
  'stddev',
] as const;
export const OTHER_METRICS = ['rps', 'errors'] as const;
export type GateMetric = (typeof LATENCY_METRICS)[number] | (typeof OTHER_METRICS)[number];
export type GateOp = '<' | '<=' | '>' | '>=' | '==';

export interface Gate {
  expression: string;
  metric: GateMetric;
  op: GateOp;
  /** Latency in ms; rps in requests per second; errors as a fraction (with %) or a count. */
  value: number;
  /** For errors: a share of requests (%) or a count. */
  errorsAsRate: boolean;
}

const ALIASES: Record<string, GateMetric> = { qps: 'rps', 'p99.0': 'p99', avg: 'mean', average: 'mean' };
const TIME_UNITS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000 };
const HINT =
  'write METRIC OP VALUE, e.g. p99<=20ms, errors<0.1%, rps>=950 (metrics: p50 p75 p90 p99 p99.9 p99.99 max min mean stddev rps errors)';

export function parseGate(text: string): Gate {
  const what = '--assert expression';
  let i = 0;
  const s = text;
  const skip = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  skip();
  const metricStart = i;
  while (i < s.length && /[A-Za-z0-9._]/.test(s[i])) i++;
  const rawMetric = s.slice(metricStart, i).toLowerCase();
  if (rawMetric === '') throw badValue(what, text, metricStart, 'expected a metric', HINT);
  const metric: string = ALIASES[rawMetric] ?? rawMetric;
  if (
    !(LATENCY_METRICS as readonly string[]).includes(metric) &&
    !(OTHER_METRICS as readonly string[]).includes(metric)
  ) {
    throw badValue(what, text, metricStart, `unknown metric "${s.slice(metricStart, i)}"`, HINT);
  }
  skip();
  const opStart = i;
  const op = /^(<=|>=|==|<|>|=)/.exec(s.slice(i))?.[1];
  if (!op) throw badValue(what, text, opStart, 'expected a comparison (<, <=, >, >=, ==)', HINT);
  i += op.length;
  skip();
  const numberStart = i;
  const number = /^(\d+(\.\d+)?|\.\d+)/.exec(s.slice(i))?.[1];
  if (!number) throw badValue(what, text, numberStart, 'expected a number', HINT);
  i += number.length;
  skip();
  const unitStart = i;
  while (i < s.length && /[A-Za-zµ%/]/.test(s[i])) i++;
  const unit = s.slice(unitStart, i);
  skip();
  if (i < s.length) throw badValue(what, text, i, `unexpected "${s[i]}"`, HINT);
  const n = Number(number);
  const gate = {
    expression: text.trim(),
    metric: metric as GateMetric,
    op: (op === '=' ? '==' : op) as GateOp,
  };

  if ((LATENCY_METRICS as readonly string[]).includes(metric)) {
    if (unit === '') throw badValue(what, text, unitStart, `${metric} needs a time unit (us, ms, s)`, HINT);
    const scale = TIME_UNITS[unit];
    if (scale === undefined)
      throw badValue(what, text, unitStart, `unknown time unit "${unit}" (use us, ms or s)`, HINT);
    return { ...gate, value: n * scale, errorsAsRate: false };
  }
  if (metric === 'rps') {
    if (unit !== '' && unit !== '/s')
      throw badValue(what, text, unitStart, `rps takes no unit, not "${unit}"`, HINT);
    return { ...gate, value: n, errorsAsRate: false };
  }
  // errors: a share with %, else a count.
  if (unit === '%') return { ...gate, value: n / 100, errorsAsRate: true };
  if (unit !== '') throw badValue(what, text, unitStart, `errors takes % or no unit, not "${unit}"`, HINT);
  if (!Number.isInteger(n))
    throw badValue(what, text, numberStart, 'an error count is a whole number (add % for a share)', HINT);
  return { ...gate, value: n, errorsAsRate: false };
}
