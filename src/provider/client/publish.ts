// For other parts of meshdeck (perf run, perf profile): keep a document with the context's provider when
// signed in, through the same offline-first engine as designs (queued while the provider is unreachable).
import type { ProviderRef } from '../../core/config/model.js';
import type { DocumentKind } from '../protocol/documents.js';
import { openProviderSession, type SessionHost } from './session.js';
import { SyncEngine, type LocalDocument, type PushResult, type SyncLog } from './sync/engine.js';

export type PublishResult = PushResult | { status: 'not-signed-in'; provider: string };

/**
 * Pushes one document (a performance result: a new one each time; a profile or design: by name) to the
 * provider of a context. Not signed in to a Remote Provider is not an error here: the caller decides
 * whether to mention it. Conflicts throw ConflictError (exit 1) with both versions kept.
 */
export async function publishDocument(
  host: SessionHost,
  provider: ProviderRef,
  kind: DocumentKind,
  doc: LocalDocument,
  log: SyncLog,
): Promise<PublishResult> {
  const session = await openProviderSession(host, provider, { requireAuth: false });
  if (session.source === 'none') return { status: 'not-signed-in', provider: session.target.url };
  return new SyncEngine(session, log).push(kind, doc);
}
