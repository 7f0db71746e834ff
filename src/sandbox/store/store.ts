// The object store: one bucket per resource (shared by its versions), objects by namespace and name,
// one global resourceVersion counter, and per-resource event history for watches.
//
// Stored objects are never mutated: every write stores a new object. That lets lists, watches and
// history share objects, and lets each object cache its JSON text once for every reader.
import type { K8sObject } from '../base/types.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  storageKey: string;
  rv: number;
  /** The new state (for DELETED: the last state, with the deletion's resourceVersion). */
  object: K8sObject;
  /** The state before the change (MODIFIED, DELETED). */
  previous?: K8sObject;
}

export class Entry {
  private text?: string;
  constructor(readonly object: K8sObject) {}
  /** The object's JSON, computed once. */
  json(): string {
    this.text ??= JSON.stringify(this.object);
    return this.text;
  }
}

export interface WatchSink {
  /** Only events of this namespace, when set. */
  namespace?: string;
  matches(obj: K8sObject): boolean;
  deliver(type: EventType | 'BOOKMARK' | 'ERROR', entry: Entry, rv: number): void;
  /** Ends the watch (its resource was removed). */
  close?(): void;
}

interface HistoryItem {
  event: StoreEvent;
  entry: Entry;
}

class Bucket {
  readonly byNamespace = new Map<string, Map<string, Entry>>();
  size = 0;
  // Sorted keys, rebuilt only when an object is added or removed (updates keep their place).
  private sortedAll?: Array<[string, string]>;
  private sortedByNs = new Map<string, string[]>();
  history: HistoryItem[] = [];
  /** Every event at or below this resourceVersion has been dropped from history. */
  compactedRV = 0;
  readonly watchers = new Set<WatchSink>();

  invalidate(namespace: string): void {
    this.sortedAll = undefined;
    this.sortedByNs.delete(namespace);
  }

  private names(namespace: string): string[] {
    let names = this.sortedByNs.get(namespace);
    if (!names) {
      names = [...(this.byNamespace.get(namespace)?.keys() ?? [])].sort();
      this.sortedByNs.set(namespace, names);
    }
    return names;
  }

  /** Entries in key order (namespace, then name), as etcd returns them. */
  entries(namespace?: string): Entry[] {
    if (namespace !== undefined) {
      const m = this.byNamespace.get(namespace);
      return m ? this.names(namespace).map((n) => m.get(n)!) : [];
    }
    if (!this.sortedAll) {
      this.sortedAll = [...this.byNamespace.keys()]
        .sort()
        .flatMap((ns) => this.names(ns).map((n): [string, string] => [ns, n]));
    }
    return this.sortedAll.map(([ns, n]) => this.byNamespace.get(ns)!.get(n)!);
  }
}

export interface StoreOptions {
  /** Events kept per resource for watches that resume from a resourceVersion. */
  historySize?: number;
}

export class Store {
  private buckets = new Map<string, Bucket>();
  private listeners: Array<(e: StoreEvent) => void> = [];
  private rv = 0;
  readonly historySize: number;

  constructor(options: StoreOptions = {}) {
    this.historySize = options.historySize ?? 5000;
  }

  /** The latest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Reserves the next resourceVersion. */
  nextResourceVersion(): number {
    return ++this.rv;
  }

  private bucket(storageKey: string): Bucket {
    let b = this.buckets.get(storageKey);
    if (!b) {
      b = new Bucket();
      this.buckets.set(storageKey, b);
    }
    return b;
  }

  get(storageKey: string, namespace: string, name: string): K8sObject | undefined {
    return this.buckets.get(storageKey)?.byNamespace.get(namespace)?.get(name)?.object;
  }

  entry(storageKey: string, namespace: string, name: string): Entry | undefined {
    return this.buckets.get(storageKey)?.byNamespace.get(namespace)?.get(name);
  }

  /** Entries in key order; all namespaces when namespace is undefined. Do not mutate the array. */
  list(storageKey: string, namespace?: string): readonly Entry[] {
    const b = this.buckets.get(storageKey);
    return b ? b.entries(namespace) : [];
  }

  count(storageKey: string, namespace?: string): number {
    const b = this.buckets.get(storageKey);
    if (!b) return 0;
    return namespace === undefined ? b.size : (b.byNamespace.get(namespace)?.size ?? 0);
  }

  /** Namespaces that hold at least one object of this resource. */
  namespacesOf(storageKey: string): string[] {
    return [...(this.buckets.get(storageKey)?.byNamespace.keys() ?? [])];
  }

  storageKeys(): string[] {
    return [...this.buckets.keys()];
  }

  /** Stores a new or changed object; its metadata.resourceVersion must already be set by the caller. */
  put(storageKey: string, object: K8sObject): StoreEvent {
    const b = this.bucket(storageKey);
    const ns = object.metadata.namespace ?? '';
    const name = object.metadata.name!;
    let m = b.byNamespace.get(ns);
    if (!m) {
      m = new Map();
      b.byNamespace.set(ns, m);
    }
    const previous = m.get(name)?.object;
    const entry = new Entry(object);
    m.set(name, entry);
    if (!previous) {
      b.size++;
      b.invalidate(ns);
    }
    const rv = Number(object.metadata.resourceVersion);
    const event: StoreEvent = { type: previous ? 'MODIFIED' : 'ADDED', storageKey, rv, object, previous };
    this.record(b, event, entry);
    return event;
  }

  /** Removes an object; the DELETED event carries its last state with a new resourceVersion. */
  remove(storageKey: string, namespace: string, name: string): StoreEvent | undefined {
    const b = this.buckets.get(storageKey);
    const m = b?.byNamespace.get(namespace);
    const previous = m?.get(name)?.object;
    if (!b || !m || !previous) return undefined;
    m.delete(name);
    if (m.size === 0) b.byNamespace.delete(namespace);
    b.size--;
    b.invalidate(namespace);
    const rv = this.nextResourceVersion();
    const object = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } };
    const event: StoreEvent = { type: 'DELETED', storageKey, rv, object, previous };
    this.record(b, event, new Entry(object));
    return event;
  }

  /** Drops a whole resource (a CRD deleted): no events, its watchers are closed by the caller. */
  drop(storageKey: string): WatchSink[] {
    const b = this.buckets.get(storageKey);
    this.buckets.delete(storageKey);
    return b ? [...b.watchers] : [];
  }

  private record(b: Bucket, event: StoreEvent, entry: Entry): void {
    b.history.push({ event, entry });
    if (b.history.length > this.historySize * 2) {
      const dropped = b.history.splice(0, b.history.length - this.historySize);
      b.compactedRV = dropped[dropped.length - 1].event.rv;
    }
    for (const w of b.watchers) dispatch(w, event, entry);
    for (const l of this.listeners) l(event);
  }

  /** Every change, after it is stored (controllers). */
  onEvent(listener: (e: StoreEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Registers a watcher from a resourceVersion: replays newer history first. Returns undefined if
   * that resourceVersion is older than the kept history (the caller answers 410 Expired).
   */
  watch(storageKey: string, sink: WatchSink, fromRV: number): { oldest: number } | undefined {
    const b = this.bucket(storageKey);
    if (fromRV < b.compactedRV) return undefined;
    for (const item of b.history) {
      if (item.event.rv > fromRV) dispatch(sink, item.event, item.entry);
    }
    b.watchers.add(sink);
    return { oldest: b.compactedRV };
  }

  /** The oldest resourceVersion a watch of this resource can resume from. */
  compactedRV(storageKey: string): number {
    return this.buckets.get(storageKey)?.compactedRV ?? 0;
  }

  unwatch(storageKey: string, sink: WatchSink): void {
    this.buckets.get(storageKey)?.watchers.delete(sink);
  }

  watcherCount(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.watchers.size;
    return n;
  }

  /** Forgets history (tests of 410 Expired, and a compaction on demand). */
  compact(): void {
    for (const b of this.buckets.values()) {
      if (b.history.length > 0) b.compactedRV = b.history[b.history.length - 1].event.rv;
      b.history = [];
    }
    for (const b of this.buckets.values()) b.compactedRV = Math.max(b.compactedRV, this.rv);
  }

  /** Every stored object, for snapshots. */
  *allObjects(): Generator<[string, K8sObject]> {
    for (const [key, b] of this.buckets) for (const e of b.entries()) yield [key, e.object];
  }

  /** Loads objects from a snapshot, without events. */
  restore(objects: Array<[string, K8sObject]>, rv: number): void {
    for (const [key, obj] of objects) {
      const b = this.bucket(key);
      const ns = obj.metadata.namespace ?? '';
      let m = b.byNamespace.get(ns);
      if (!m) {
        m = new Map();
        b.byNamespace.set(ns, m);
      }
      if (!m.has(obj.metadata.name!)) {
        b.size++;
        b.invalidate(ns);
      }
      m.set(obj.metadata.name!, new Entry(obj));
    }
    this.rv = Math.max(this.rv, rv);
    for (const b of this.buckets.values()) b.compactedRV = this.rv;
  }
}

/** Sends one event to one watcher, turning selector transitions into ADDED/DELETED. */
function dispatch(w: WatchSink, event: StoreEvent, entry: Entry): void {
  const ns = event.object.metadata.namespace ?? '';
  if (w.namespace !== undefined && w.namespace !== ns) return;
  const now = w.matches(event.object);
  if (event.type === 'ADDED') {
    if (now) w.deliver('ADDED', entry, event.rv);
    return;
  }
  const before = event.previous ? w.matches(event.previous) : false;
  if (event.type === 'DELETED') {
    if (before || now) w.deliver('DELETED', entry, event.rv);
    return;
  }
  if (now && before) w.deliver('MODIFIED', entry, event.rv);
  else if (now) w.deliver('ADDED', entry, event.rv);
  else if (before) w.deliver('DELETED', entry, event.rv);
}
