// Profiles and results with a provider, the system of record (supplied to perf: src/perf owns the store
// interface and the local store and knows nothing of providers; the command factory wires the two). Every document is first written to
// the local state folder (a run is never lost, whatever the network does), then pushed through the
// provider's offline-first sync engine (queued in the outbox while the provider is unreachable). Reads
// join the provider's documents (or its cached copies, offline) with the local ones, so results pushed
// from other machines and CI runs show up beside this machine's.
import type { DocumentKind, RemoteDocument } from '../../protocol/documents.js';
import type { CachedDocument } from './cache.js';
import type { PushResult, SyncEngine } from './engine.js';
import type { PerfResult } from '../../../perf/result/model.js';
import { resolveRef } from '../../../perf/store/refs.js';
import type { Named, PerfProfile, PerfStores, ProfileStore, ResultStore } from '../../../perf/store/types.js';

export interface SyncedStoreEvents {
  /** After a push: created, updated, unchanged or queued (with the reason). */
  pushed: (kind: DocumentKind, name: string, outcome: PushResult) => void;
  warn: (message: string) => void;
}

type AnyRemote = RemoteDocument | CachedDocument;

/** The documents of one kind that look like `T` (an id and a name); the rest are skipped with a warning. */
function remoteData<T extends Named>(
  items: AnyRemote[],
  isT: (v: unknown) => boolean,
  warn: (m: string) => void,
): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (isT(item.data)) out.push(item.data as T);
    else warn(`skipping ${item.kind} "${item.name}" from the provider: not written by meshdeck perf`);
  }
  return out;
}

/** Local first, then the provider's documents this machine does not have. */
function join<T extends Named>(local: T[], remote: T[], key: (d: T) => string): T[] {
  const seen = new Set(local.map(key));
  return [...local, ...remote.filter((d) => !seen.has(key(d)))];
}

function isResult(v: unknown): boolean {
  const r = v as Partial<PerfResult> | null;
  return typeof r?.id === 'string' && typeof r.name === 'string' && typeof r.start_time === 'string';
}

function isProfile(v: unknown): boolean {
  const p = v as Partial<PerfProfile> | null;
  return typeof p?.id === 'string' && typeof p.name === 'string' && p.kind === 'PerfProfile';
}

/** What the local stores of both kinds offer that the synced ones build on. */
interface LocalStore<T> {
  get(ref: string): Promise<T | undefined>;
  save(doc: T): Promise<T>;
  delete(id: string): Promise<boolean>;
}

/** Saving and deleting are the same for profiles and results; listing differs. */
abstract class SyncedStore<T extends Named> {
  constructor(
    protected readonly local: LocalStore<T>,
    private readonly engine: SyncEngine,
    protected readonly events: SyncedStoreEvents,
    private readonly kind: DocumentKind,
    private readonly noun: string,
    private readonly isDoc: (v: unknown) => boolean,
  ) {}

  /** The provider's documents of this kind (its cached copies while it is unreachable). */
  protected async remote(): Promise<T[]> {
    const { items } = await this.engine.list(this.kind);
    return remoteData<T>(items, this.isDoc, this.events.warn);
  }

  async save(doc: T): Promise<T> {
    await this.local.save(doc);
    const outcome = await this.engine.push(this.kind, { name: doc.name, data: doc });
    this.events.pushed(this.kind, doc.name, outcome);
    return doc;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.local.delete(id);
    if (deleted)
      this.events.warn(`deleted this machine's copy; the provider keeps the ${this.noun} it was sent`);
    return deleted;
  }
}

class SyncedResultStore extends SyncedStore<PerfResult> implements ResultStore {
  constructor(
    private readonly localResults: ResultStore,
    engine: SyncEngine,
    events: SyncedStoreEvents,
  ) {
    super(localResults, engine, events, 'performance-results', 'result', isResult);
  }

  async list(filter: { profile?: string } = {}): Promise<PerfResult[]> {
    const all = join(await this.localResults.list(), await this.remote(), (r) => r.id).sort((a, b) =>
      b.start_time.localeCompare(a.start_time),
    );
    if (filter.profile === undefined) return all;
    return all.filter(
      (r) => r.profile && (r.profile.id === filter.profile || r.profile.name === filter.profile),
    );
  }

  async get(ref: string): Promise<PerfResult | undefined> {
    return (await this.local.get(ref)) ?? resolveRef(await this.list(), ref, 'result', true);
  }
}

class SyncedProfileStore extends SyncedStore<PerfProfile> implements ProfileStore {
  constructor(
    private readonly localProfiles: ProfileStore,
    engine: SyncEngine,
    events: SyncedStoreEvents,
  ) {
    super(localProfiles, engine, events, 'performance-profiles', 'profile', isProfile);
  }

  async list(): Promise<PerfProfile[]> {
    return join(await this.localProfiles.list(), await this.remote(), (p) => p.name).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  }

  async get(ref: string): Promise<PerfProfile | undefined> {
    return (await this.local.get(ref)) ?? resolveRef(await this.list(), ref, 'profile');
  }
}

export function syncedPerfStores(
  local: PerfStores,
  engine: SyncEngine,
  events: SyncedStoreEvents,
): PerfStores {
  return {
    profiles: new SyncedProfileStore(local.profiles, engine, events),
    results: new SyncedResultStore(local.results, engine, events),
    location: `${local.location} and ${engine.session.target.url}`,
  };
}
