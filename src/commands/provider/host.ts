// What the provider domain needs from a command invocation.
import type { ProviderRef } from '../../core/config/model.js';
import type { SessionHost } from '../../provider/client/session.js';
import type { SyncLog } from '../../provider/client/sync/engine.js';
import type { Invocation } from '../shared/invocation.js';

export function sessionHost(inv: Invocation): SessionHost {
  return { env: inv.env, paths: inv.paths, signal: inv.signal, debug: (m) => inv.log.debug(m) };
}

export function syncLog(inv: Invocation): SyncLog {
  return { info: (m) => inv.log.info(m), warn: (m) => inv.log.warn(m), debug: (m) => inv.log.debug(m) };
}

/** The provider of the command's context. */
export async function contextProvider(inv: Invocation): Promise<ProviderRef> {
  return (await inv.context()).effective.provider;
}
