// A level-triggered work queue for controllers: keys are deduplicated, processed one at a time off the
// request path, retried with backoff on failure, and delayed work (grace periods, stages) is scheduled
// on the same queue. Stopping the queue cancels everything pending.

export class WorkQueue {
  private pending = new Set<string>();
  private scheduled = false;
  private timers = new Map<string, NodeJS.Timeout>();
  private failures = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly process: (key: string) => void,
    private readonly onError: (key: string, err: unknown) => void = () => {},
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Adds a key after a delay (replacing an earlier delay for the same key if sooner). */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) return this.add(key);
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    t.unref?.();
    this.timers.set(key, t);
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.process(key);
        this.failures.delete(key);
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        this.onError(key, err);
        this.addAfter(key, Math.min(5 * 2 ** n, 5000));
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }
}

/**
 * The shape every controller shares: a work queue of keys synced one at a time, store subscriptions,
 * and a stop that ends both.
 */
export abstract class Controller {
  protected readonly queue: WorkQueue;
  private unsubscribers: Array<() => void> = [];

  constructor(onError: (err: unknown) => void) {
    this.queue = new WorkQueue(
      (key) => this.sync(key),
      (_key, err) => onError(err),
    );
  }

  /** Brings one key's world to where it should be; throwing retries it with backoff. */
  protected abstract sync(key: string): void;

  protected subscribe(unsubscribe: () => void): void {
    this.unsubscribers.push(unsubscribe);
  }

  stop(): void {
    for (const u of this.unsubscribers) u();
    this.queue.stop();
  }
}

/** A queue key for a namespaced (or cluster-scoped: empty namespace) object. */
export function keyOf(obj: { metadata: { namespace?: string; name?: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** The namespace and name of a queue key. */
export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
