// List, then watch, and keep a local copy in step: the informer pattern. A clean end of the stream (the
// server's timeout) resumes from the last resourceVersion; an expired one (410) or a broken connection
// (a dropped watch, a restarted server) lists again and rebuilds the copy, so nothing is lost or doubled.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterClient, LiveObject } from '../client.js';
import type { ApiResource } from '../discovery/resources.js';
import { KubeApiError } from '../http/errors.js';
import { retryDelay, DEFAULT_RETRY } from '../http/retry.js';
import type { WatchEvent } from '../http/watch-lines.js';

export interface ReflectorOptions<T = LiveObject> {
  resource: ApiResource;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Server-side end of each watch; the reflector then resumes. */
  timeoutSeconds?: number;
  /** What is kept of each object (undefined: not kept); the whole object by default. */
  transform?: (object: LiveObject) => T | undefined;
  /** Called after every change of the copy (a list counts as one change). */
  onChange?: (reflector: Reflector<T>, event?: WatchEvent<LiveObject>) => void;
  /** Called when a list or watch fails and will be tried again. */
  onTrouble?: (reason: string) => void;
}

export function objectKey(object: { metadata?: { namespace?: string; name?: string } }): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

export class Reflector<T = LiveObject> {
  readonly store = new Map<string, T>();
  /** How many times the copy was built from a list (1 after the first sync). */
  lists = 0;
  /** Watches resumed after the server ended them. */
  resumes = 0;
  private resourceVersion?: string;
  private readonly controller = new AbortController();
  private syncedOnce?: () => void;
  /** Resolves after the first list. */
  readonly synced: Promise<void>;

  constructor(
    private readonly client: ClusterClient,
    private readonly options: ReflectorOptions<T>,
  ) {
    this.synced = new Promise((resolve) => (this.syncedOnce = resolve));
  }

  stop(): void {
    this.controller.abort();
  }

  /** Runs until stopped or until `signal` fires; failures are retried with capped backoff. */
  async run(signal?: AbortSignal): Promise<void> {
    const stopOn = () => this.controller.abort();
    signal?.addEventListener('abort', stopOn, { once: true });
    let failures = 0;
    try {
      while (!this.controller.signal.aborted) {
        try {
          if (this.resourceVersion === undefined) await this.relist();
          const end = await this.client.watch(
            this.options.resource,
            {
              namespace: this.options.namespace,
              labelSelector: this.options.labelSelector,
              fieldSelector: this.options.fieldSelector,
              resourceVersion: this.resourceVersion,
              timeoutSeconds: this.options.timeoutSeconds ?? 240 + Math.floor(Math.random() * 60),
            },
            (event) => this.apply(event),
            this.controller.signal,
          );
          failures = 0;
          if (end === 'aborted') return;
          if (this.resourceVersion !== undefined) this.resumes++;
        } catch (err) {
          if (this.controller.signal.aborted) return;
          if (err instanceof KubeApiError && err.status === 410) {
            this.resourceVersion = undefined;
            continue;
          }
          // 401/403 will not mend by waiting.
          if (err instanceof KubeApiError && (err.status === 401 || err.status === 403)) throw err;
          failures++;
          this.resourceVersion = undefined;
          if (err instanceof KubeApiError && err.status === 404) {
            // The kind is not served (its CRD was deleted): there are none of its objects. Look again later.
            this.empty();
          } else {
            this.options.onTrouble?.((err as Error).message);
          }
          await sleep(retryDelay(failures, undefined, DEFAULT_RETRY), undefined, {
            signal: this.controller.signal,
          }).catch(() => undefined);
        }
      }
    } finally {
      signal?.removeEventListener('abort', stopOn);
      // Whoever waits for the first list is not left waiting when the reflector ends without one.
      this.syncedOnce?.();
    }
  }

  private empty(): void {
    const had = this.store.size > 0 || this.lists === 0;
    this.store.clear();
    this.lists++;
    this.syncedOnce?.();
    if (had) this.options.onChange?.(this);
  }

  private keep(object: LiveObject): void {
    const kept = this.options.transform ? this.options.transform(object) : (object as unknown as T);
    if (kept === undefined) this.store.delete(objectKey(object));
    else this.store.set(objectKey(object), kept);
  }

  private async relist(): Promise<void> {
    const fresh = new Map<string, T>();
    const resourceVersion = await this.client.listEach(
      this.options.resource,
      {
        namespace: this.options.namespace,
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
      },
      (page) => {
        for (const item of page) {
          const kept = this.options.transform ? this.options.transform(item) : (item as unknown as T);
          if (kept !== undefined) fresh.set(objectKey(item), kept);
        }
      },
    );
    // Swapped in whole: a list that fails half-way leaves the previous copy as it was.
    this.store.clear();
    for (const [k, v] of fresh) this.store.set(k, v);
    this.resourceVersion = resourceVersion;
    this.lists++;
    this.syncedOnce?.();
    this.options.onChange?.(this);
  }

  private apply(event: WatchEvent<LiveObject>): 'stop' | undefined {
    const object = event.object;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
        object.apiVersion ??= this.apiVersion();
        object.kind ??= this.options.resource.kind;
        this.keep(object);
        break;
      case 'DELETED':
        this.store.delete(objectKey(object));
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR': {
        // An expired resourceVersion (410) arrives as an event; anything else, too: list again.
        this.resourceVersion = undefined;
        return 'stop';
      }
    }
    const rv = object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type !== 'BOOKMARK') this.options.onChange?.(this, event);
    return undefined;
  }

  private apiVersion(): string {
    const r = this.options.resource;
    return r.group ? `${r.group}/${r.version}` : r.version;
  }
}
