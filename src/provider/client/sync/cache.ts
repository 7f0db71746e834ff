// Copies of the provider's objects, one file per kind under the cache folder. Deletable at any time:
// the next command that needs it fetches again. Objects changed locally but not yet accepted by the
// provider are marked pending, so offline reads show the latest local version.
import { join } from 'node:path';
import type { RemoteDocument } from '../../protocol/documents.js';
import { JsonFile } from './json-file.js';

export interface CachedDocument extends RemoteDocument {
  cachedAt: string;
  /** Changed locally; the change waits in the outbox. */
  pending?: boolean;
}

interface CacheContent {
  refreshedAt?: string;
  items: Record<string, CachedDocument>;
}

export class DocumentCache {
  constructor(private readonly dir: string) {}

  private file(kind: string): JsonFile<CacheContent> {
    return new JsonFile(join(this.dir, `${kind}.json`), () => ({ items: {} }));
  }

  async all(kind: string): Promise<{ items: CachedDocument[]; refreshedAt?: string }> {
    const content = await this.file(kind).read();
    return { items: Object.values(content.items), refreshedAt: content.refreshedAt };
  }

  async findByName(kind: string, name: string): Promise<CachedDocument | undefined> {
    return (await this.all(kind)).items.find((d) => d.name === name);
  }

  async upsert(kind: string, doc: RemoteDocument, pending = false): Promise<void> {
    await this.file(kind).update((content) => {
      for (const [id, other] of Object.entries(content.items))
        if (other.name === doc.name && id !== doc.id) delete content.items[id];
      content.items[doc.id] = { ...doc, cachedAt: new Date().toISOString(), ...(pending ? { pending } : {}) };
    });
  }

  /** Replaces a kind's copies with the provider's full list, keeping local changes still pending. */
  async replaceAll(kind: string, docs: RemoteDocument[]): Promise<void> {
    const now = new Date().toISOString();
    await this.file(kind).update((content) => {
      const pending = Object.values(content.items).filter((d) => d.pending);
      content.items = {};
      for (const doc of docs) content.items[doc.id] = { ...doc, cachedAt: now };
      for (const doc of pending) content.items[doc.id] = doc;
      content.refreshedAt = now;
    });
  }
}
