// Offline-first sync of versioned documents with the provider. Reads fall back to the cache (with a
// warning) when the provider cannot be reached; writes that cannot be sent go to the outbox and are
// replayed, in order, by the next command or `meshdeck sync`; a change made on an outdated version is a
// conflict, reported with both versions kept.
import { randomUUID } from 'node:crypto';
import { OperationError } from '../../../core/errors.js';
import { FEATURES } from '../../protocol/capabilities.js';
import type { ProviderSession } from '../session.js';
import type { WriteOutcome } from '../api.js';
import { isOffline, ProviderResponseError } from '../errors.js';
import {
  KIND_FEATURE,
  namesAreUnique,
  type DocumentKind,
  type RemoteDocument,
  singularKind,
} from '../../protocol/documents.js';
import { SyncBases } from './bases.js';
import { DocumentCache, type CachedDocument } from './cache.js';
import { ConflictError, saveConflict, type SavedConflict } from './conflicts.js';
import { contentHash } from './content.js';
import { Outbox, type FailedChange, type OutboxChange, type OutboxEntry } from './outbox.js';

/** The provider has no document of that kind and name. */
export class DocumentNotFoundError extends OperationError {
  constructor(
    readonly kind: DocumentKind,
    readonly documentName: string,
    provider: string,
  ) {
    super(`${singularKind(kind)} "${documentName}" not found on the provider at ${provider}`, {
      hint: 'check the name (names are case-sensitive)',
    });
  }
}

export interface SyncLog {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface LocalDocument {
  name: string;
  data: unknown;
}

export type PushResult =
  | { status: 'created' | 'updated'; doc: RemoteDocument }
  | { status: 'unchanged'; version: number }
  | { status: 'queued'; reason: string };

export interface PullResult {
  doc: RemoteDocument | CachedDocument;
  /** True when it came from the cache because the provider could not be reached. */
  stale: boolean;
}

export interface ReplayReport {
  sent: Array<{
    kind: DocumentKind;
    name: string;
    op: OutboxChange['op'];
    version: number;
    replayed: boolean;
  }>;
  conflicts: SavedConflict[];
  /** Changes set aside in the failed folder: damaged files, changes the provider failed on. */
  setAside: FailedChange[];
  /** Changes still queued because the provider became unreachable. */
  remaining: number;
  offlineReason?: string;
}

export class SyncEngine {
  readonly cache: DocumentCache;
  readonly bases: SyncBases;
  readonly outbox: Outbox;

  constructor(
    readonly session: ProviderSession,
    private readonly log: SyncLog,
  ) {
    this.cache = new DocumentCache(session.folders.cache);
    this.bases = new SyncBases(session.folders.bases);
    this.outbox = new Outbox(session.folders.outbox, session.folders.failed);
  }

  private get url(): string {
    return this.session.target.url;
  }

  /**
   * Sends every queued change in order. Stops (keeping the rest) when the provider is unreachable; a
   * change that cannot be sent (a damaged file, a provider error on it) is set aside, with the later
   * changes of the same object, and the others go on.
   */
  async replay(): Promise<ReplayReport> {
    const report: ReplayReport = { sent: [], conflicts: [], setAside: [], remaining: 0 };
    if (await this.outbox.isEmpty()) return report;
    return this.outbox.exclusive(async () => {
      const { entries, damaged } = await this.outbox.scan();
      for (const d of damaged) {
        report.setAside.push(await this.outbox.setAside(d, `damaged outbox file ${d.file}: ${d.problem}`));
      }
      const conflicted = new Set<string>();
      const setAside = new Set<string>();
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        if (conflicted.has(entry.id)) {
          report.conflicts.push(await this.conflict(entry, 'an earlier queued change of it conflicted'));
          await this.outbox.remove(entry);
          continue;
        }
        if (setAside.has(entry.id)) {
          report.setAside.push(
            await this.outbox.setAside(entry, 'an earlier queued change of it was set aside'),
          );
          continue;
        }
        let outcome: WriteOutcome | 'already-applied';
        try {
          outcome = await this.send(entry);
        } catch (err) {
          if (isOffline(err)) {
            report.remaining = entries.length - i;
            report.offlineReason = (err as Error).message;
            break;
          }
          if (err instanceof ProviderResponseError && err.status >= 400 && err.status < 500) {
            // Refused for good (invalid, too large): keep it aside rather than block the queue forever.
            report.conflicts.push(await this.conflict(entry, `the provider refused it: ${err.message}`));
            await this.outbox.remove(entry);
            conflicted.add(entry.id);
            continue;
          }
          if (err instanceof ProviderResponseError && err.status >= 500) {
            // The provider fails on this change: the others must still go through.
            report.setAside.push(await this.outbox.setAside(entry, err.message));
            setAside.add(entry.id);
            continue;
          }
          throw err;
        }
        if (outcome === 'already-applied') {
          const base = (await this.bases.byId(entry.kind, entry.id))!;
          await this.outbox.remove(entry);
          report.sent.push({
            kind: entry.kind,
            name: entry.name,
            op: entry.op,
            version: base.version,
            replayed: true,
          });
        } else if (outcome.ok) {
          await this.accepted(entry.kind, outcome.doc, entry.data);
          await this.outbox.remove(entry);
          report.sent.push({
            kind: entry.kind,
            name: entry.name,
            op: entry.op,
            version: outcome.doc.version,
            replayed: outcome.replayed,
          });
        } else {
          report.conflicts.push(await this.conflict(entry, outcome.message, outcome.current));
          await this.outbox.remove(entry);
          conflicted.add(entry.id);
        }
      }
      return report;
    });
  }

  private async send(entry: OutboxEntry): Promise<WriteOutcome | 'already-applied'> {
    if (entry.op === 'create') {
      return this.session.api.create(
        entry.kind,
        { id: entry.id, name: entry.name, data: entry.data },
        entry.idempotencyKey,
      );
    }
    let base = entry.baseVersion;
    if (base === undefined) {
      // A change queued after another of the same object: its base is what that one produced.
      const synced = await this.bases.byId(entry.kind, entry.id);
      if (synced === undefined) {
        return {
          ok: false,
          status: 412,
          code: 'unknown_base',
          message: 'the version this change was made on is unknown',
        };
      }
      // Already the provider's content at that version: accepted before a crash left the file here.
      if (synced.hash === contentHash(entry.data)) return 'already-applied';
      base = synced.version;
      // Pinned before sending, so a retry after a crash sends the very same request (same key, same
      // If-Match) and gets the provider's first answer instead of a false conflict.
      await this.outbox.pin(entry, base);
    }
    return this.session.api.update(
      entry.kind,
      entry.id,
      base,
      { name: entry.name, data: entry.data },
      entry.idempotencyKey,
    );
  }

  private async conflict(
    entry: OutboxEntry,
    reason: string,
    remote?: RemoteDocument,
  ): Promise<SavedConflict> {
    const saved = await saveConflict(this.session.folders.conflicts, {
      kind: entry.kind,
      name: entry.name,
      reason: `${singularKind(entry.kind)} "${entry.name}": ${reason}`,
      local: { id: entry.id, baseVersion: entry.baseVersion, data: entry.data },
      remote,
    });
    // The cache must not keep showing a local version the provider did not take.
    if (remote) await this.cache.upsert(entry.kind, remote);
    return saved;
  }

  private async accepted(kind: DocumentKind, doc: RemoteDocument, data: unknown): Promise<void> {
    await this.bases.set(kind, doc.name, { id: doc.id, version: doc.version, hash: contentHash(data) });
    await this.cache.upsert(kind, doc);
  }

  /** Replays the outbox first, telling the user about conflicts; returns false when offline. */
  async flush(): Promise<boolean> {
    const report = await this.replay();
    for (const c of report.conflicts) this.log.warn(`${c.reason}; both versions kept in ${c.dir}`);
    for (const f of report.setAside) this.log.warn(setAsideMessage(f));
    if (report.sent.length > 0) this.log.info(`sent ${report.sent.length} queued change(s) to ${this.url}`);
    return report.remaining === 0;
  }

  /** Makes the provider's copy of a named document equal to this one. */
  async push(kind: DocumentKind, doc: LocalDocument, options: { force?: boolean } = {}): Promise<PushResult> {
    await this.requireFeature(kind);
    const online = await this.flush().catch((err) => {
      if (isOffline(err)) return false;
      throw err;
    });
    if (!online)
      return this.queue(kind, doc, 'the provider is unreachable and earlier changes are still queued');
    const hash = contentHash(doc.data);
    const base = namesAreUnique(kind) ? await this.bases.get(kind, doc.name) : undefined;
    try {
      if (base) {
        if (base.hash === hash && !options.force) return { status: 'unchanged', version: base.version };
        const update = change('update', kind, base.id, doc, base.version);
        const outcome = await this.attempt(update, () =>
          this.session.api.update(kind, base.id, base.version, doc, update.idempotencyKey),
        );
        if ('queued' in outcome) return outcome.queued;
        if (outcome.ok) return this.done('updated', kind, outcome.doc, doc.data);
        if (outcome.status !== 404) return this.resolve(kind, doc, outcome, options.force);
      }
      const remote = namesAreUnique(kind) ? await this.session.api.findByName(kind, doc.name) : undefined;
      if (remote) {
        if (contentHash(remote.data) === hash) {
          await this.accepted(kind, remote, doc.data);
          return { status: 'unchanged', version: remote.version };
        }
        return this.resolve(
          kind,
          doc,
          {
            ok: false,
            status: 409,
            code: 'name_exists',
            message: `a ${singularKind(kind)} named "${doc.name}" already exists on the provider and differs`,
            current: remote,
          },
          options.force,
        );
      }
      const create = change('create', kind, randomUUID(), doc);
      const outcome = await this.attempt(create, () =>
        this.session.api.create(kind, { id: create.id, ...doc }, create.idempotencyKey),
      );
      if ('queued' in outcome) return outcome.queued;
      if (outcome.ok) return this.done('created', kind, outcome.doc, doc.data);
      return this.resolve(kind, doc, outcome, options.force);
    } catch (err) {
      if (isOffline(err)) return this.queue(kind, doc, (err as Error).message);
      throw err;
    }
  }

  /** Sends a change; when the provider cannot be reached, queues it with the same idempotency key. */
  private async attempt(
    pending: OutboxChange,
    send: () => Promise<WriteOutcome>,
  ): Promise<WriteOutcome | { queued: PushResult }> {
    try {
      return await send();
    } catch (err) {
      if (!isOffline(err)) throw err;
      await this.outbox.exclusive(() => this.outbox.append(pending));
      await this.cachePending(pending.kind, pending.id, pending.name, pending.data, pending.baseVersion ?? 0);
      return { queued: { status: 'queued', reason: (err as Error).message } };
    }
  }

  private async done(
    status: 'created' | 'updated',
    kind: DocumentKind,
    doc: RemoteDocument,
    data: unknown,
  ): Promise<PushResult> {
    await this.accepted(kind, doc, data);
    return { status, doc };
  }

  /** A refused change: replace the provider's version only when asked to (--force), else a conflict. */
  private async resolve(
    kind: DocumentKind,
    doc: LocalDocument,
    refused: Extract<WriteOutcome, { ok: false }>,
    force?: boolean,
  ): Promise<PushResult> {
    const current = refused.current;
    if (force && current) {
      const outcome = await this.session.api.update(kind, current.id, current.version, doc, randomUUID());
      if (outcome.ok) return this.done('updated', kind, outcome.doc, doc.data);
      refused = outcome;
    }
    const saved = await saveConflict(this.session.folders.conflicts, {
      kind,
      name: doc.name,
      reason: `${singularKind(kind)} "${doc.name}": ${refused.message}`,
      local: { data: doc.data },
      remote: refused.current,
    });
    throw new ConflictError(saved);
  }

  /** Queues a change for later, after any queued change of the same object. */
  private async queue(kind: DocumentKind, doc: LocalDocument, reason: string): Promise<PushResult> {
    await this.outbox.exclusive(async () => {
      const pending = (await this.outbox.entries())
        .filter((e) => e.kind === kind && e.name === doc.name)
        .at(-1);
      const base = namesAreUnique(kind) ? await this.bases.get(kind, doc.name) : undefined;
      // After a queued change of the same object, the base is whatever that change produces.
      const queued =
        pending && namesAreUnique(kind)
          ? change('update', kind, pending.id, doc)
          : base
            ? change('update', kind, base.id, doc, base.version)
            : change('create', kind, randomUUID(), doc);
      await this.outbox.append(queued);
      await this.cachePending(kind, queued.id, doc.name, doc.data, base?.version ?? 0);
    });
    return { status: 'queued', reason };
  }

  private async cachePending(
    kind: DocumentKind,
    id: string,
    name: string,
    data: unknown,
    version: number,
  ): Promise<void> {
    const at = now();
    await this.cache.upsert(kind, { id, kind, name, version, data, createdAt: at, updatedAt: at }, true);
  }

  /** The provider's copy of a named document; the cached one when the provider is unreachable. */
  async pull(kind: DocumentKind, name: string): Promise<PullResult> {
    await this.requireFeature(kind);
    let remote: RemoteDocument | undefined;
    try {
      await this.flush();
      remote = await this.session.api.findByName(kind, name);
    } catch (err) {
      if (!isOffline(err)) throw err;
      const cached = await this.cache.findByName(kind, name);
      if (!cached) {
        throw new OperationError((err as Error).message, {
          hint: `no cached copy of ${singularKind(kind)} "${name}" either; try again when the provider is back`,
        });
      }
      this.log.warn(
        `${(err as Error).message}; showing the cached copy of ${singularKind(kind)} "${name}" (version ${cached.version}${cached.pending ? ', with your queued changes' : ''}, cached ${cached.cachedAt}); it may be out of date`,
      );
      return { doc: cached, stale: true };
    }
    if (!remote) throw new DocumentNotFoundError(kind, name, this.url);
    await this.cache.upsert(kind, remote);
    await this.bases.set(kind, name, {
      id: remote.id,
      version: remote.version,
      hash: contentHash(remote.data),
    });
    return { doc: remote, stale: false };
  }

  /** Every document of a kind; the cached ones when the provider is unreachable. */
  async list(kind: DocumentKind): Promise<{ items: Array<RemoteDocument | CachedDocument>; stale: boolean }> {
    await this.requireFeature(kind);
    try {
      await this.flush();
      const items = await this.session.api.listAll(kind);
      await this.cache.replaceAll(kind, items);
      return { items, stale: false };
    } catch (err) {
      if (!isOffline(err)) throw err;
      const cached = await this.cache.all(kind);
      this.log.warn(
        `${(err as Error).message}; showing cached ${kind}${cached.refreshedAt ? ` from ${cached.refreshedAt}` : ''}; they may be out of date`,
      );
      return { items: cached.items, stale: true };
    }
  }

  /** Refreshes the cache of every kind the provider offers. */
  async refresh(): Promise<Array<{ kind: string; count: number }>> {
    const caps = await this.session.capabilities();
    const counts: Array<{ kind: string; count: number }> = [];
    for (const kind of Object.keys(KIND_FEATURE) as DocumentKind[]) {
      if (!caps.has(KIND_FEATURE[kind])) continue;
      const items = await this.session.api.listAll(kind);
      await this.cache.replaceAll(kind, items);
      counts.push({ kind, count: items.length });
    }
    if (caps.has(FEATURES.syncPrefs)) {
      await this.cache.upsert('preferences', await this.session.api.getPreferences());
      counts.push({ kind: 'preferences', count: 1 });
    }
    return counts;
  }

  /** Refuses a kind the provider does not offer; when it cannot be reached, lets the outbox take it. */
  private async requireFeature(kind: DocumentKind): Promise<void> {
    try {
      (await this.session.capabilities()).endpoint(KIND_FEATURE[kind], `${singularKind(kind)} storage`);
    } catch (err) {
      if (!isOffline(err)) throw err;
    }
  }
}

/** One line for a change set aside, with how to see and act on it. */
export function setAsideMessage(f: FailedChange): string {
  const what = f.change
    ? `queued ${f.change.op} of ${singularKind(f.change.kind)} "${f.change.name}"`
    : 'queued change';
  return `${what} set aside as failed change ${f.id} (${f.reason}); see meshdeck sync --failed, then --retry ${f.id} or --drop ${f.id}`;
}

function now(): string {
  return new Date().toISOString();
}

/** A change with a fresh idempotency key; the same key goes with it to the outbox if it cannot be sent. */
function change(
  op: OutboxChange['op'],
  kind: DocumentKind,
  id: string,
  doc: LocalDocument,
  baseVersion?: number,
): OutboxChange {
  return {
    op,
    kind,
    id,
    name: doc.name,
    data: doc.data,
    baseVersion,
    idempotencyKey: randomUUID(),
    queuedAt: now(),
  };
}
