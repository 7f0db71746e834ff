// The design library of the command's context: the designs its provider keeps (cached for offline reads),
// and how publishing one is told to the user.
import type { LoadedDesign } from '../../design/model.js';
import { DesignLibrary } from '../../provider/client/sync/designs.js';
import { openProviderSession } from '../../provider/client/session.js';
import type { PushResult } from '../../provider/client/sync/engine.js';
import { SyncEngine } from '../../provider/client/sync/engine.js';
import { contextProvider, sessionHost, syncLog } from '../provider/host.js';
import type { Invocation } from '../shared/invocation.js';

export async function openDesignLibrary(
  inv: Invocation,
  options: { provider?: string } = {},
): Promise<DesignLibrary> {
  const session = await openProviderSession(sessionHost(inv), await contextProvider(inv), {
    url: options.provider,
  });
  return new DesignLibrary(new SyncEngine(session, syncLog(inv)));
}

/** Stores a design with the provider and says what happened (queued while it is unreachable). */
export async function publishDesign(
  inv: Invocation,
  library: DesignLibrary,
  design: LoadedDesign,
  options: { force?: boolean },
): Promise<PushResult> {
  const result = await library.publish(design, options);
  const label = `design "${design.meta.name}"`;
  if (result.status === 'queued') {
    inv.log.warn(
      `${result.reason}; ${label} is queued in the outbox and will be sent by the next command or meshdeck sync`,
    );
  } else if (result.status === 'unchanged') {
    inv.log.success(`${label} is up to date on ${library.provider} (version ${result.version})`);
  } else {
    inv.log.success(`${label} ${result.status} on ${library.provider} (version ${result.doc.version})`);
  }
  return result;
}
