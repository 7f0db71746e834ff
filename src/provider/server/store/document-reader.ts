// Reads of single documents, the provider's hottest path: batched per event-loop turn into one query,
// answered with the stored JSON text (see readStoredDocuments).
import type { Queryable } from '../db/database.js';
import { missingDocument, readStoredDocuments, type StoredDocument } from './documents.js';
import { TurnBatch } from './turn-batch.js';

export class DocumentReader {
  private readonly batch: TurnBatch<{ kind: string; id: string }, StoredDocument>;

  constructor(db: Queryable) {
    this.batch = new TurnBatch((keys) => readStoredDocuments(db, keys));
  }

  /** The owner's document, or 404 (also for another user's: its existence is not theirs to know). */
  async get(owner: string, kind: string, id: string): Promise<StoredDocument> {
    const doc = await this.batch.get({ kind, id });
    if (!doc || doc.owner !== owner) throw missingDocument(kind, id);
    return doc;
  }
}
