// What the server itself saw of its requests (watches excepted): counts, time spent answering and
// latency percentiles, plus how busy its event loop was. Benchmarks read it to tell the server's share
// of a client's time from the client's own.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Samples kept for percentiles; beyond this the newest replace random older ones (reservoir). */
const MAX_SAMPLES = 100_000;

export interface RequestStatsSnapshot {
  /** Requests answered (watches excepted) since the last reset. */
  requests: number;
  /** Sum of their durations: arrival to the last byte written. */
  busyMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Share of wall time the event loop was busy since the last reset (0 to 1). */
  eventLoopUtilization: number;
  /** Milliseconds since the last reset. */
  sinceMs: number;
}

export class RequestStats {
  private samples: number[] = [];
  private count = 0;
  private busy = 0;
  private max = 0;
  private since = performance.now();
  private elu: EventLoopUtilization = performance.eventLoopUtilization();

  record(durationMs: number): void {
    this.count++;
    this.busy += durationMs;
    if (durationMs > this.max) this.max = durationMs;
    if (this.samples.length < MAX_SAMPLES) this.samples.push(durationMs);
    else {
      const i = Math.floor(Math.random() * this.count);
      if (i < MAX_SAMPLES) this.samples[i] = durationMs;
    }
  }

  reset(): void {
    this.samples = [];
    this.count = 0;
    this.busy = 0;
    this.max = 0;
    this.since = performance.now();
    this.elu = performance.eventLoopUtilization();
  }

  snapshot(): RequestStatsSnapshot {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
    const round = (n: number) => Math.round(n * 1000) / 1000;
    return {
      requests: this.count,
      busyMs: round(this.busy),
      p50Ms: round(at(0.5)),
      p99Ms: round(at(0.99)),
      maxMs: round(this.max),
      eventLoopUtilization: round(performance.eventLoopUtilization(this.elu).utilization),
      sinceMs: round(performance.now() - this.since),
    };
  }
}
