// Time for the engine. performance.now() is cheap and allocates nothing, so the hot path uses it; threads
// agree on instants through the process-wide monotonic clock (process.hrtime), converted once per thread.
import { Worker } from 'node:worker_threads';

/** Monotonic milliseconds, the same in every thread of the process. */
export function hrNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * hrNow() - performance.now() for this thread. The global `performance` loads lazily, so it is touched
 * first; the pair of readings closest together wins.
 */
export function perfToHrOffset(): number {
  performance.now();
  let best = Number.POSITIVE_INFINITY;
  let offset = 0;
  for (let i = 0; i < 7; i++) {
    const a = performance.now();
    const h = hrNow();
    const b = performance.now();
    if (b - a < best) {
      best = b - a;
      offset = h - (a + b) / 2;
    }
  }
  return offset;
}

// The pacing thread: sleeps with Atomics.wait (sub-millisecond precision, no CPU while waiting) until the
// next request is due, then wakes the engine's event loop with a message. Timers in the event loop have
// 1 ms granularity, which would add ~0.5 ms of lateness to every corrected latency (as in wrk2), and
// spinning on setImmediate would burn a core at modest rates. Inline source: nothing to bundle.
const PACER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const flags = new Int32Array(workerData, 0, 2);
const due = new Float64Array(workerData, 8, 1);
const now = () => Number(process.hrtime.bigint()) / 1e6;
for (;;) {
  if (Atomics.load(flags, 1) !== 0) break;
  const generation = Atomics.load(flags, 0);
  const at = due[0];
  // Waits are bounded, so that terminating the thread (or its parent) always takes effect soon.
  if (at === 0) { Atomics.wait(flags, 0, generation, 50); continue; }
  const wait = at - now();
  if (wait > 0.02) { Atomics.wait(flags, 0, generation, Math.min(wait, 50)); continue; }
  due[0] = 0;
  parentPort.postMessage(0);
}
`;

/** Wakes `onDue` at requested instants (performance.now() scale of this thread). */
export class Pacer {
  private readonly shared = new SharedArrayBuffer(16);
  private readonly flags = new Int32Array(this.shared, 0, 2);
  private readonly due = new Float64Array(this.shared, 8, 1);
  private readonly offset = perfToHrOffset();
  private worker: Worker | null = null;

  constructor(private readonly onDue: () => void) {}

  start(): Promise<void> {
    this.worker = new Worker(PACER_SOURCE, { eval: true, workerData: this.shared });
    const worker = this.worker;
    worker.on('message', this.onDue);
    return new Promise((resolve, reject) => {
      worker.once('online', () => {
        // From now on the engine's sockets and timers keep the process alive; a forgotten pacer must not.
        worker.unref();
        resolve();
      });
      worker.once('error', reject);
      // Stopped before it came online (the run was aborted while starting): nothing to wait for.
      worker.once('exit', () => resolve());
    });
  }

  /** Wake at `perfMs` (replaces any earlier request). */
  wakeAt(perfMs: number): void {
    const at = perfMs + this.offset;
    const pending = this.due[0];
    this.due[0] = at;
    // A later instant needs no wake-up call: the pacer re-reads the slot when its current wait ends.
    if (pending === 0 || at < pending) {
      Atomics.add(this.flags, 0, 1);
      Atomics.notify(this.flags, 0);
    }
  }

  cancel(): void {
    this.due[0] = 0;
    Atomics.add(this.flags, 0, 1);
    Atomics.notify(this.flags, 0);
  }

  async stop(): Promise<void> {
    Atomics.store(this.flags, 1, 1);
    Atomics.add(this.flags, 0, 1);
    Atomics.notify(this.flags, 0);
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
