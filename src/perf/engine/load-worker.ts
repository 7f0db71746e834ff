// The load loop of one thread: it owns its connections, its histograms and its counters. Open loop
// (--rate R): request i is due at t0 + i/R, whatever the target does, and its latency is measured from
// that intended time (coordinated omission corrected) as well as from the actual send. Closed loop
// (--rate max): every free connection sends again as soon as it has its response.
import { Histogram } from '../histogram/histogram.js';
import { hrNow, Pacer, perfToHrOffset } from './clock.js';
import { Connection, type ConnectionOwner, type TargetAddress } from './connection.js';
import { Tally, type ErrorClass, type TallyData } from './tally.js';

/** How the load is shaped, for the whole run (the coordinator) and for each worker alike. */
export interface LoadShape {
  headRequests: boolean;
  connections: number;
  pipeline: number;
  /** Total requests per second across all workers; null = closed loop. */
  rate: number | null;
  /** Total measured requests across all workers; null = run for durationMs. */
  requests: number | null;
  warmupMs: number;
  durationMs: number | null;
  timeoutMs: number;
}

/** What one worker is asked to do; plain data, so it can be posted to a worker thread. */
export interface WorkerPlan extends LoadShape {
  index: number;
  workers: number;
  target: TargetAddress;
  request: Uint8Array;
  connectTimeoutMs: number;
}

export interface HistogramParts {
  counts: Float64Array;
  count: number;
  min: number;
  max: number;
  sum: number;
  sumSquares: number;
}

export interface WorkerOutcome {
  corrected: HistogramParts | null;
  uncorrected: HistogramParts;
  tally: TallyData;
  /** Monotonic (hrNow) instants: measurement start and the end of the measured window. */
  measureStartHr: number;
  windowEndHr: number;
  aborted: boolean;
}

export interface WorkerProgress {
  worker: number;
  sent: number;
  completed: number;
  errors: number;
  /** Latencies since the last progress call: flat [bucket index, count, ...]. */
  interval: Float64Array;
}

const READ_BUFFER_BYTES = 64 * 1024;
const EMPTY = new Float64Array(0);
/**
 * Connections being opened at once. Opening all of them in one go (tens of thousands) overflows the
 * target's accept queue (SYN retries of a second and more) and blocks the event loop, so Ctrl-C waited;
 * a window keeps setup proportional to the count and the loop free between steps.
 */
const OPENING_AT_ONCE = 256;
/** How long before a request is due the loop stops sleeping and polls (see arm). */
const SPIN_LEAD_MS = 0.25;

/** How many of the global requests 0..total-1 belong to worker `index` of `workers` (i % workers). */
export function shareOf(total: number, index: number, workers: number): number {
  return total > index ? Math.floor((total - 1 - index) / workers) + 1 : 0;
}

export class LoadWorker implements ConnectionOwner {
  readonly target: TargetAddress;
  readonly request: Buffer;
  readonly headRequests: boolean;
  readonly pipeline: number;
  readonly connectTimeoutMs: number;
  readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  now = 0;

  readonly uncorrected = new Histogram();
  readonly corrected: Histogram | null;
  private readonly interval = new Histogram();
  readonly tally = new Tally();

  private readonly open: boolean;
  private readonly spacing: number;
  private readonly conns: Connection[];
  private readonly free: Int32Array;
  private freeTop = 0;
  private next = 0;
  private limit = Number.POSITIVE_INFINITY;
  private firstMeasured = 0;
  private inflightTotal = 0;
  private t0 = 0;
  private measureStart = Number.POSITIVE_INFINITY;
  private scheduledEnd = Number.POSITIVE_INFINITY;
  private issuingEndedAt = 0;
  private lastCompletion = 0;
  private lastSend = 0;
  private started = false;
  private issuing = false;
  private finished = false;
  private aborted = false;
  private immediate: NodeJS.Immediate | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly failures: Int32Array;
  private unreachableSince = 0;
  private pacer: Pacer | null = null;
  private settle: (() => void) | null = null;
  private settledCount = 0;
  private readonly settled: Uint8Array;
  /** Connections opened so far (in order), and which are connected now, and how many. */
  private opened = 0;
  private readonly up: Uint8Array;
  private connectedCount = 0;
  private done: (() => void) | null = null;
  private readonly hrOffset = perfToHrOffset();

  private readonly pumpNow = () => {
    this.immediate = null;
    this.pump();
  };

  constructor(private readonly plan: WorkerPlan) {
    this.target = plan.target;
    this.request = Buffer.from(plan.request.buffer, plan.request.byteOffset, plan.request.byteLength);
    this.headRequests = plan.headRequests;
    this.pipeline = plan.pipeline;
    this.connectTimeoutMs = plan.connectTimeoutMs;
    this.open = plan.rate !== null;
    this.spacing = plan.rate === null ? 0 : 1000 / plan.rate;
    this.corrected = this.open ? new Histogram() : null;
    this.conns = Array.from({ length: plan.connections }, (_, i) => new Connection(i, this));
    this.free = new Int32Array(plan.connections * plan.pipeline);
    this.failures = new Int32Array(plan.connections);
    this.settled = new Uint8Array(plan.connections);
    this.up = new Uint8Array(plan.connections);
  }

  /** Opens every connection (and the pacer); resolves when each has connected or failed once. */
  async prepare(): Promise<void> {
    if (this.open) {
      this.pacer = new Pacer(this.pumpNow);
      await this.pacer.start();
    }
    // Aborted while the pacer started: open nothing that would outlive the run.
    if (this.finished) {
      void this.pacer?.stop();
      return;
    }
    // Setup is bounded: after the connect timeout the run starts with the connections it has, and the
    // rest keep opening in the background (openMore runs as each one settles).
    let deadline: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.settle = resolve;
      deadline = setTimeout(() => this.settleNow(), this.connectTimeoutMs);
      this.openMore();
    });
    clearTimeout(deadline);
  }

  /** Runs from `t0Hr` (monotonic ms) to the end; resolves with what was measured. */
  run(t0Hr: number): Promise<WorkerOutcome> {
    const p = this.plan;
    const t0 = t0Hr - this.hrOffset;
    this.t0 = t0;
    // Open loop: request i is measured when its intended time is past the warm-up; the epsilon keeps a
    // request due exactly at that instant on the same side as the count of warm-up requests (ceil).
    this.measureStart = t0 + p.warmupMs - (this.open ? 1e-6 : 0);
    const finishedPromise = new Promise<void>((resolve) => (this.done = resolve));
    const begin = () => {
      // Timers may fire up to a millisecond early; the first requests must not fall before t0.
      if (performance.now() < t0) {
        this.immediate = setImmediate(begin);
        return;
      }
      this.immediate = null;
      this.started = true;
      this.issuing = true;
      if (this.open) {
        const perGlobal = p.rate! / 1000;
        const warmupCount = Math.ceil(p.warmupMs * perGlobal);
        const total =
          p.requests !== null
            ? warmupCount + p.requests
            : Math.ceil((p.warmupMs + p.durationMs!) * perGlobal);
        this.limit = shareOf(total, p.index, p.workers);
        this.firstMeasured = shareOf(warmupCount, p.index, p.workers);
        this.scheduledEnd = this.measureStart + (total - warmupCount) / perGlobal;
        // Guard: a target that stops answering must not keep the run going for ever.
        this.after(this.scheduledEnd - performance.now() + p.timeoutMs, () => this.endIssuing());
      } else if (p.requests !== null) {
        const share = shareOf(p.requests, p.index, p.workers);
        if (p.warmupMs > 0) {
          // Measuring starts when this timer runs, not at the planned instant: from here on, exactly the
          // next `share` requests are sent, and exactly those have a send time >= measureStart. Until
          // then nothing is measured, even when a busy machine runs the timer late.
          this.measureStart = Infinity;
          this.after(p.warmupMs, () => {
            this.measureStart = performance.now();
            this.limit = this.next + share;
            this.firstMeasured = this.next;
            if (share === 0) this.endIssuing();
          });
        } else {
          this.limit = share;
          if (share === 0) this.endIssuing();
        }
      } else {
        this.scheduledEnd = this.measureStart + p.durationMs!;
        this.after(this.scheduledEnd - performance.now(), () => this.endIssuing());
      }
      // A worker whose share is empty (fewer requests than workers) is done at once.
      if (this.next >= this.limit) {
        this.endIssuing();
        return;
      }
      const sweepMs = Math.min(250, Math.max(10, p.timeoutMs / 10));
      const sweep = setInterval(() => this.sweep(), sweepMs);
      this.timers.push(sweep);
      this.pump();
    };
    this.after(t0 - performance.now(), begin);
    return finishedPromise.then(() => this.outcome());
  }

  /** Ends the run now (Ctrl-C): requests in flight are dropped, what was measured is kept. */
  abort(): void {
    if (this.finished) return;
    this.aborted = true;
    if (this.issuing || !this.started) this.endIssuing();
    this.finish();
  }

  /**
   * Counters so far, and the latencies recorded since the last call. In this thread they are added
   * straight into `into` (nothing allocated); for another thread they are packed as index/count pairs.
   */
  progress(into?: Histogram): WorkerProgress {
    let pairs: number[] | null = null;
    if (into) into.add(this.interval);
    else {
      pairs = [];
      const counts = this.interval.counts;
      for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) pairs.push(i, counts[i]);
    }
    this.interval.reset();
    return {
      worker: this.plan.index,
      sent: this.tally.sent,
      completed: this.tally.completed,
      errors: this.tally.errorTotal,
      interval: pairs ? Float64Array.from(pairs) : EMPTY,
    };
  }

  // ConnectionOwner

  connected(conn: Connection): void {
    if (this.up[conn.index] === 0) {
      this.up[conn.index] = 1;
      this.connectedCount++;
    }
    this.failures[conn.index] = 0;
    this.unreachableSince = 0;
    for (let i = 0; i < this.pipeline; i++) this.free[this.freeTop++] = conn.index;
    this.markSettled(conn);
    if (this.issuing) this.pump();
  }

  responded(_conn: Connection, status: number, ref: number, sent: number): void {
    this.inflightTotal--;
    if (ref < this.measureStart) return;
    const now = this.now;
    const service = Math.round((now - sent) * 1000);
    this.uncorrected.record(service);
    if (this.corrected !== null) {
      const fromIntended = Math.round((now - ref) * 1000);
      this.corrected.record(fromIntended);
      this.interval.record(fromIntended);
    } else {
      this.interval.record(service);
    }
    this.tally.statuses[status]++;
    this.tally.completed++;
    this.lastCompletion = now;
  }

  slotFree(conn: Connection): void {
    if (this.issuing && this.next < this.limit && (!this.open || this.dueAt(this.next) <= this.now)) {
      this.sendOn(conn);
      return;
    }
    this.free[this.freeTop++] = conn.index;
    if (this.issuing) this.arm();
    else this.maybeFinish();
  }

  lost(
    _conn: Connection,
    kind: ErrorClass,
    refTimes: Float64Array,
    from: number,
    count: number,
    message: string,
  ): void {
    this.inflightTotal -= count;
    let measured = 0;
    for (let i = 0, slot = from; i < count; i++, slot = slot + 1 === refTimes.length ? 0 : slot + 1) {
      if (refTimes[slot] >= this.measureStart) measured++;
    }
    this.tally.error(kind, measured, message);
  }

  connectFailed(conn: Connection, message: string): void {
    this.tally.error('connect', 1, message);
    this.failures[conn.index]++;
    this.markSettled(conn);
  }

  closed(conn: Connection, afterFailure: boolean): void {
    if (this.up[conn.index] === 1) {
      this.up[conn.index] = 0;
      this.connectedCount--;
    }
    // After the run every connection closes: filtering the free slots then would be quadratic.
    if (this.finished) return;
    // Its free slots go with it.
    let w = 0;
    for (let r = 0; r < this.freeTop; r++) if (this.free[r] !== conn.index) this.free[w++] = this.free[r];
    this.freeTop = w;
    if (this.started && !this.issuing) {
      this.maybeFinish();
      return;
    }
    if (afterFailure) {
      if (this.connectedCount === 0) {
        const now = performance.now();
        if (this.unreachableSince === 0) this.unreachableSince = now;
        else if (this.issuing && now - this.unreachableSince > this.plan.timeoutMs) {
          this.endIssuing();
          return;
        }
      }
      const delay = Math.min(1000, 25 * 2 ** Math.min(6, this.failures[conn.index] - 1));
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        if (!this.finished) conn.open();
      }, delay);
      this.retryTimers.add(timer);
    } else {
      conn.open();
    }
  }

  bytes(read: number, written: number): void {
    this.tally.bytesRead += read;
    this.tally.bytesWritten += written;
  }

  // The loop

  private dueAt(k: number): number {
    return this.t0 + (k * this.plan.workers + this.plan.index) * this.spacing;
  }

  private sendOn(conn: Connection): void {
    const k = this.next++;
    const now = performance.now();
    const ref = this.open ? this.dueAt(k) : now;
    conn.send(ref, now);
    this.inflightTotal++;
    this.tally.bytesWritten += this.request.length;
    if (ref >= this.measureStart) {
      this.tally.sent++;
      this.lastSend = now;
    }
    if (this.next >= this.limit) this.endIssuing();
  }

  private pump(): void {
    if (!this.issuing) return;
    const now = performance.now();
    while (
      this.issuing &&
      this.freeTop > 0 &&
      this.next < this.limit &&
      (!this.open || this.dueAt(this.next) <= now)
    ) {
      this.sendOn(this.conns[this.free[--this.freeTop]]);
    }
    if (this.issuing) this.arm();
  }

  /**
   * Open loop: be woken when the next request falls due, if a connection is free to send it. The pacer
   * thread wakes the loop a little early (its wake-up and the message take ~0.1 ms); the last fraction of
   * a millisecond is spent on setImmediate turns, which still serve I/O, so requests leave on time.
   */
  private arm(): void {
    if (!this.open || this.freeTop === 0 || this.next >= this.limit) return;
    const due = this.dueAt(this.next);
    if (due - performance.now() <= SPIN_LEAD_MS) {
      this.immediate ??= setImmediate(this.pumpNow);
    } else {
      this.pacer!.wakeAt(due - SPIN_LEAD_MS);
    }
  }

  private sweep(): void {
    const now = performance.now();
    const limit = this.plan.timeoutMs;
    for (const c of this.conns) {
      if (c.inflight > 0 && now - c.sendTimes[c.head] > limit) {
        c.expire(`no response within ${limit} ms`);
      }
    }
    this.maybeFinish();
  }

  private endIssuing(): void {
    if (!this.issuing && this.started) return;
    this.issuing = false;
    this.issuingEndedAt = performance.now();
    this.pacer?.cancel();
    if (this.started && Number.isFinite(this.limit) && this.next < this.limit) {
      this.tally.unsent += this.limit - Math.max(this.next, this.firstMeasured);
    }
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.started && !this.issuing && this.inflightTotal <= 0 && !this.finished) this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.issuing = false;
    if (this.issuingEndedAt === 0) this.issuingEndedAt = performance.now();
    for (const t of this.timers) clearTimeout(t);
    for (const t of this.retryTimers) clearTimeout(t);
    if (this.immediate) clearImmediate(this.immediate);
    for (const c of this.conns) c.retire();
    void this.pacer?.stop();
    this.settle?.();
    this.done?.();
  }

  private outcome(): WorkerOutcome {
    const windowEnd = this.aborted
      ? this.issuingEndedAt
      : Number.isFinite(this.scheduledEnd)
        ? Math.max(this.scheduledEnd, this.issuingEndedAt)
        : Math.max(this.lastCompletion, this.lastSend);
    const toHr = (t: number) => (t > 0 ? t + this.hrOffset : 0);
    // Stopped before measuring began (Ctrl-C in the warm-up): an empty window where it stopped.
    const start = Number.isFinite(this.measureStart) ? this.measureStart : windowEnd;
    this.tally.lastSendHr = toHr(this.lastSend);
    this.tally.lastCompletionHr = toHr(this.lastCompletion);
    return {
      corrected: this.corrected ? parts(this.corrected) : null,
      uncorrected: parts(this.uncorrected),
      tally: this.tally.toData(),
      measureStartHr: toHr(start),
      windowEndHr: toHr(Math.max(windowEnd, start)),
      aborted: this.aborted,
    };
  }

  private markSettled(conn: Connection): void {
    if (this.settled[conn.index]) return;
    this.settled[conn.index] = 1;
    this.settledCount++;
    this.openMore();
    if (this.settledCount === this.conns.length) this.settleNow();
  }

  /** Opens the next connections, keeping at most OPENING_AT_ONCE of them connecting. */
  private openMore(): void {
    while (
      !this.finished &&
      this.opened < this.conns.length &&
      this.opened - this.settledCount < OPENING_AT_ONCE
    ) {
      this.conns[this.opened++].open();
    }
  }

  private settleNow(): void {
    const settle = this.settle;
    this.settle = null;
    settle?.();
  }

  /** Runs fn in ms; a wait past a timer's limit (warm-up + duration + timeout) is chained, not cut short. */
  private after(ms: number, fn: () => void): void {
    const step = Math.min(Math.max(0, ms), MAX_TIMER_MS);
    const rest = ms - step;
    this.timers.push(setTimeout(rest > 0 ? () => this.after(rest, fn) : fn, step));
  }
}

/** The longest a Node.js timer waits; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function parts(h: Histogram): HistogramParts {
  return { counts: h.counts, count: h.count, min: h.min, max: h.max, sum: h.sum, sumSquares: h.sumSquares };
}

export { hrNow };
