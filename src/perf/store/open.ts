// The stores a command uses. Profiles and results always land in the local state folder; when the
// context's Remote Provider has a credential, they are also pushed to it and read from it (synced.ts).
// The built-in provider is not started for them: it would keep the same bytes on the same disk as the
// state folder, at the cost of starting a database for every run.
import type { ProviderRef } from '../../core/config/model.js';
import { openProviderSession, type SessionHost } from '../../provider/client/session.js';
import { SyncEngine, type SyncLog } from '../../provider/client/sync/engine.js';
import { localPerfStores } from './local.js';
import { syncedPerfStores, type SyncedStoreEvents } from './synced.js';
import type { PerfStores } from './types.js';

export interface StoreContext {
  stateDir: string;
  warn?: (message: string) => void;
  /** The context's provider, and what opening a session needs. */
  provider?: { ref: ProviderRef; host: SessionHost; log: SyncLog; events: SyncedStoreEvents };
}

export async function openPerfStores(ctx: StoreContext): Promise<PerfStores> {
  const local = localPerfStores(ctx.stateDir, ctx.warn);
  const p = ctx.provider;
  if (!p || p.ref.builtin || p.ref.url === undefined) return local;
  const session = await openProviderSession(p.host, p.ref, { requireAuth: false });
  if (session.source === 'none') return local;
  return syncedPerfStores(local, new SyncEngine(session, p.log), p.events);
}
