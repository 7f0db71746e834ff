// The native engine's coordinator: checks the target, splits connections and rate over workers, runs
// them (in this thread when there is one, else in worker threads), relays progress and merges what they
// measured. Histograms cross threads as bucket arrays and are merged by adding.
import { Worker } from 'node:worker_threads';
import { OperationError } from '../../core/errors.js';
import { Histogram } from '../histogram/histogram.js';
import { hrNow } from './clock.js';
import {
  LoadWorker,
  type HistogramParts,
  type LoadShape,
  type WorkerOutcome,
  type WorkerPlan,
  type WorkerProgress,
} from './load-worker.js';
import { checkConnectionLimits } from './limits.js';
import { resolveTarget, type TargetSpec } from './preflight.js';
import { SeriesRecorder, type ResultSeries } from './series.js';
import { mergeTally, type TallyData } from './tally.js';

export interface EngineInput extends LoadShape {
  target: TargetSpec;
  request: Buffer;
  workers: number;
}

export interface LiveProgress {
  /** Since the start of the load (warm-up included). */
  elapsedMs: number;
  sent: number;
  completed: number;
  errors: number;
  /** Responses per second over the last interval. */
  rate: number;
  /** 99th percentile of the last interval, µs (corrected in open loop). */
  p99Us: number;
  /** Median of the last interval, µs, where the generator measures it (the native engine does). */
  p50Us?: number;
}

export interface EngineHooks {
  signal?: AbortSignal;
  progressMs?: number;
  onProgress?: (p: LiveProgress) => void;
}

export interface EngineOutcome {
  corrected: Histogram | null;
  uncorrected: Histogram;
  tally: TallyData;
  startTime: Date;
  endTime: Date;
  /** Length of the measured window, ms. */
  windowMs: number;
  aborted: boolean;
  workers: number;
  /** Rate, errors and latency percentiles per second. */
  series: ResultSeries;
}

declare const __MESHDECK_VERSION__: string | undefined;

/** The worker script: beside this module in the tsc output; a stable lazy entry in the bundle (scripts/bundle.mjs). */
function workerScript(): URL {
  return typeof __MESHDECK_VERSION__ === 'string'
    ? new URL('./perf-worker.mjs', import.meta.url)
    : new URL('./worker-main.js', import.meta.url);
}

export async function runNativeEngine(input: EngineInput, hooks: EngineHooks = {}): Promise<EngineOutcome> {
  checkConnectionLimits(input.connections);
  const target = await resolveTarget(input.target, Math.min(input.timeoutMs, 10_000));
  const workers = Math.max(1, Math.min(input.workers, input.connections));
  const plans: WorkerPlan[] = Array.from({ length: workers }, (_, index) => ({
    index,
    workers,
    target,
    request: new Uint8Array(input.request),
    headRequests: input.headRequests,
    connections: Math.floor(input.connections / workers) + (index < input.connections % workers ? 1 : 0),
    pipeline: input.pipeline,
    rate: input.rate,
    requests: input.requests,
    warmupMs: input.warmupMs,
    durationMs: input.durationMs,
    timeoutMs: input.timeoutMs,
    connectTimeoutMs: Math.min(input.timeoutMs, 10_000),
  }));
  const runner = workers === 1 ? new InProcess(plans[0]) : new Threads(plans);
  const progress = new ProgressRelay(hooks);
  const onAbort = () => runner.stop();
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (hooks.signal?.aborted) throw hooks.signal.reason;
    await runner.prepare();
    if (hooks.signal?.aborted) throw hooks.signal.reason;
    const t0Hr = hrNow() + 5;
    progress.start(t0Hr, (into) => runner.progress(into));
    const outcomes = await runner.run(t0Hr, hooks.progressMs ?? 1000);
    const series = progress.stop();
    return { ...merge(outcomes, workers), series };
  } finally {
    progress.stop();
    hooks.signal?.removeEventListener('abort', onAbort);
    await runner.dispose();
  }
}

interface Runner {
  prepare(): Promise<void>;
  run(t0Hr: number, progressMs: number): Promise<WorkerOutcome[]>;
  /** Progress since the last call; latencies are added into `into`. */
  progress(into: Histogram): WorkerProgress[];
  stop(): void;
  dispose(): Promise<void>;
}

class InProcess implements Runner {
  private readonly worker: LoadWorker;
  constructor(plan: WorkerPlan) {
    this.worker = new LoadWorker(plan);
  }
  prepare(): Promise<void> {
    return this.worker.prepare();
  }
  async run(t0Hr: number): Promise<WorkerOutcome[]> {
    return [await this.worker.run(t0Hr)];
  }
  progress(into: Histogram): WorkerProgress[] {
    return [this.worker.progress(into)];
  }
  stop(): void {
    this.worker.abort();
  }
  async dispose(): Promise<void> {
    this.worker.abort();
  }
}

type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; progress: WorkerProgress }
  | { type: 'done'; outcome: WorkerOutcome }
  | { type: 'failed'; message: string };

class Threads implements Runner {
  private readonly threads: Worker[];
  private readonly pending: WorkerProgress[] = [];
  private readonly ready: Promise<void>[] = [];
  private readonly done: Promise<WorkerOutcome>[] = [];

  constructor(plans: WorkerPlan[]) {
    const script = workerScript();
    this.threads = plans.map((plan) => new Worker(script, { workerData: plan }));
    for (const t of this.threads) {
      const ready = settable<void>();
      const done = settable<WorkerOutcome>();
      const fail = (e: Error) => {
        ready.reject(e);
        done.reject(e);
      };
      t.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') ready.resolve();
        else if (msg.type === 'progress') this.pending.push(msg.progress);
        else if (msg.type === 'done') done.resolve(msg.outcome);
        else fail(new OperationError(`a load worker failed: ${msg.message}`));
      });
      t.on('error', (err) =>
        fail(new OperationError(`a load worker failed: ${err.message}`, { cause: err })),
      );
      t.on('exit', (code) => fail(new OperationError(`a load worker exited early (code ${code})`)));
      this.ready.push(ready.promise);
      this.done.push(done.promise);
    }
  }

  async prepare(): Promise<void> {
    await Promise.all(this.ready);
  }

  run(t0Hr: number, progressMs: number): Promise<WorkerOutcome[]> {
    for (const t of this.threads) t.postMessage({ type: 'start', t0Hr, progressMs });
    return Promise.all(this.done);
  }

  progress(into: Histogram): WorkerProgress[] {
    const batch = this.pending.splice(0);
    for (const p of batch) into.addSparse(p.interval);
    return batch;
  }

  stop(): void {
    for (const t of this.threads) t.postMessage({ type: 'stop' });
  }

  async dispose(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}

/** A promise with its resolve and reject at hand; a rejection nobody awaits yet is not "unhandled". */
function settable<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * Turns worker progress into one line's worth of numbers, once per interval, and records the run's
 * per-second series from the same reports.
 */
class ProgressRelay {
  private timer: NodeJS.Timeout | undefined;
  private series: SeriesRecorder | undefined;
  private collect: ((into: Histogram) => WorkerProgress[]) | undefined;
  private lastCompleted = 0;
  private lastAt = 0;
  private readonly latest = new Map<number, WorkerProgress>();
  /** Reused every interval: a histogram is 184 KiB, not something to allocate once a second. */
  private readonly interval = new Histogram();

  constructor(private readonly hooks: EngineHooks) {}

  start(t0Hr: number, collect: (into: Histogram) => WorkerProgress[]): void {
    const onProgress = this.hooks.onProgress;
    const every = Math.min(1000, this.hooks.progressMs ?? 1000);
    this.lastAt = t0Hr;
    this.series = new SeriesRecorder(t0Hr);
    this.collect = collect;
    let round = 0;
    this.timer = setInterval(() => {
      const { now, sent, completed, errors } = this.tick();
      if (!onProgress) return;
      const seconds = Math.max(1e-3, (now - this.lastAt) / 1000);
      onProgress({
        elapsedMs: Math.max(0, now - t0Hr),
        sent,
        completed,
        errors,
        rate: round++ === 0 && completed === 0 ? 0 : Math.max(0, (completed - this.lastCompleted) / seconds),
        p99Us: this.interval.percentile(99),
        p50Us: this.interval.percentile(50),
      });
      this.lastCompleted = completed;
      this.lastAt = now;
    }, every);
    this.timer.unref();
  }

  /** Takes the workers' reports since the last tick into the series; returns the cumulative counters. */
  private tick() {
    const interval = this.interval;
    interval.reset();
    // Cumulative counters: the latest report of each worker; intervals: all reports since last time.
    for (const p of this.collect?.(interval) ?? []) this.latest.set(p.worker, p);
    let sent = 0;
    let completed = 0;
    let errors = 0;
    for (const p of this.latest.values()) {
      sent += p.sent;
      completed += p.completed;
      errors += p.errors;
    }
    const now = hrNow();
    this.series?.add(now, { sent, completed, errors }, interval);
    return { now, sent, completed, errors };
  }

  /** Stops reporting; returns the series, its last partial second included. */
  stop(): ResultSeries {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.series) return { interval_s: 1, coalesced: false, points: [] };
    this.tick();
    const series = this.series.finish(hrNow());
    this.series = undefined;
    return series;
  }
}

function merge(outcomes: WorkerOutcome[], workers: number): Omit<EngineOutcome, 'series'> {
  const uncorrected = new Histogram();
  const corrected = outcomes[0].corrected ? new Histogram() : null;
  let tally: TallyData | null = null;
  let measureStartHr = Number.POSITIVE_INFINITY;
  let windowEndHr = 0;
  let aborted = false;
  for (const o of outcomes) {
    uncorrected.add(fromParts(o.uncorrected));
    if (corrected && o.corrected) corrected.add(fromParts(o.corrected));
    tally = tally ? mergeTally(tally, o.tally) : o.tally;
    measureStartHr = Math.min(measureStartHr, o.measureStartHr);
    windowEndHr = Math.max(windowEndHr, o.windowEndHr);
    aborted ||= o.aborted;
  }
  const hrToDate = (hr: number) => new Date(Date.now() - (hrNow() - hr));
  return {
    corrected,
    uncorrected,
    tally: tally!,
    startTime: hrToDate(measureStartHr),
    endTime: hrToDate(windowEndHr),
    windowMs: Math.max(0, windowEndHr - measureStartHr),
    aborted,
    workers,
  };
}

function fromParts(p: HistogramParts): Histogram {
  return Histogram.fromParts(p.counts, p);
}
