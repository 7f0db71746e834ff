// The per-second series of a run (rate, errors and latency percentiles each second), recorded from the
// progress reports the workers already send, so the hot path does nothing more. Its size is bounded: past
// MAX_POINTS, neighbouring points are coalesced two by two and the interval doubles, so a 10-hour run
// keeps the same number of points as a 30-minute one.
import { Histogram } from '../histogram/histogram.js';

/** One interval of the run. Latencies in ms; counts are for the interval, not cumulative. */
export interface SeriesPoint {
  /** Seconds from the start of the load (warm-up included) to the end of the interval. */
  t: number;
  sent: number;
  completed: number;
  errors: number;
  /** Responses per second over the interval. */
  rate: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface ResultSeries {
  /** The nominal length of one point, seconds (1, or a power of two after coalescing). */
  interval_s: number;
  /**
   * Whether points were coalesced: then a point's percentiles are the larger of the two it replaced (an
   * upper bound), since percentiles of two intervals cannot be combined exactly without their histograms.
   */
  coalesced: boolean;
  points: SeriesPoint[];
}

export const MAX_POINTS = 1800;
const ms = (us: number) => Math.round(us) / 1000;

export interface Counters {
  sent: number;
  completed: number;
  errors: number;
}

export class SeriesRecorder {
  private readonly latencies = new Histogram();
  private readonly points: SeriesPoint[] = [];
  private intervalMs = 1000;
  private coalesced = false;
  private startHr: number;
  private last: Counters = { sent: 0, completed: 0, errors: 0 };
  /** The latest cumulative counters, for the last partial interval. */
  private pending: Counters | undefined;

  constructor(
    private readonly t0Hr: number,
    private readonly maxPoints = MAX_POINTS,
  ) {
    this.startHr = t0Hr;
  }

  /** Adds one progress report: cumulative counters, and the latencies recorded since the last one. */
  add(nowHr: number, totals: Counters, latencies: Histogram): void {
    this.latencies.add(latencies);
    // Reports come on a timer of the same period, a little early or late: 90% of it closes an interval.
    if (nowHr - this.startHr >= this.intervalMs * 0.9) this.close(nowHr, totals);
    this.pending = totals;
  }

  /** Closes the last, partial interval (if anything happened in it) and returns the series. */
  finish(nowHr: number): ResultSeries {
    const totals = this.pending;
    const previous = this.points[this.points.length - 1];
    if (totals && previous && nowHr - this.startHr < this.intervalMs / 4) {
      // A sliver at the end (the last responses of the run) is counted in the point before it.
      previous.sent += totals.sent - this.last.sent;
      previous.completed += totals.completed - this.last.completed;
      previous.errors += totals.errors - this.last.errors;
    } else if (totals && (totals.sent > this.last.sent || this.latencies.count > 0)) {
      this.close(nowHr, totals);
    }
    return { interval_s: this.intervalMs / 1000, coalesced: this.coalesced, points: this.points };
  }

  private close(nowHr: number, totals: Counters): void {
    const seconds = Math.max(1e-3, (nowHr - this.startHr) / 1000);
    const h = this.latencies;
    const completed = totals.completed - this.last.completed;
    this.points.push({
      t: Math.round((nowHr - this.t0Hr) * 1000) / 1e6,
      sent: totals.sent - this.last.sent,
      completed,
      errors: totals.errors - this.last.errors,
      rate: Math.round((completed / seconds) * 100) / 100,
      p50: h.count ? ms(h.percentile(50)) : 0,
      p90: h.count ? ms(h.percentile(90)) : 0,
      p99: h.count ? ms(h.percentile(99)) : 0,
      max: h.count ? ms(h.max) : 0,
    });
    h.reset();
    this.last = { ...totals };
    this.startHr = nowHr;
    if (this.points.length > this.maxPoints) this.coalesce();
  }

  private coalesce(): void {
    const merged: SeriesPoint[] = [];
    for (let i = 0; i < this.points.length; i += 2) {
      const a = this.points[i];
      const b = this.points[i + 1];
      merged.push(b ? coalescePair(a, b) : a);
    }
    this.points.splice(0, this.points.length, ...merged);
    this.intervalMs *= 2;
    this.coalesced = true;
  }
}

function coalescePair(a: SeriesPoint, b: SeriesPoint): SeriesPoint {
  const completed = a.completed + b.completed;
  const seconds = a.rate > 0 ? a.completed / a.rate : 0;
  const secondsB = b.rate > 0 ? b.completed / b.rate : 0;
  const total = seconds + secondsB;
  return {
    t: b.t,
    sent: a.sent + b.sent,
    completed,
    errors: a.errors + b.errors,
    rate: total > 0 ? Math.round((completed / total) * 100) / 100 : (a.rate + b.rate) / 2,
    p50: Math.max(a.p50, b.p50),
    p90: Math.max(a.p90, b.p90),
    p99: Math.max(a.p99, b.p99),
    max: Math.max(a.max, b.max),
  };
}
