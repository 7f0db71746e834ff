import { readDesignFile } from '../../provider/design-file.js';
import { openProviderSession } from '../../provider/session.js';
import { SyncEngine } from '../../provider/sync/engine.js';
import type { Invocation } from '../shared/invocation.js';
import { contextProvider, sessionHost, syncLog } from '../provider/host.js';

export async function run(
  inv: Invocation,
  file: string,
  opts: { force?: true; provider?: string },
): Promise<void> {
  const design = await readDesignFile(file);
  const session = await openProviderSession(sessionHost(inv), await contextProvider(inv), {
    url: opts.provider,
  });
  const result = await new SyncEngine(session, syncLog(inv)).push('designs', design, { force: opts.force });
  const label = `design "${design.name}"`;
  if (result.status === 'queued') {
    inv.log.warn(
      `${result.reason}; ${label} is queued in the outbox and will be sent by the next command or meshdeck sync`,
    );
  } else if (result.status === 'unchanged') {
    inv.log.success(`${label} is up to date (version ${result.version})`);
  } else {
    inv.log.success(
      `${label} ${result.status} on ${session.target.builtin ? 'the built-in provider' : session.target.url} (version ${result.doc.version})`,
    );
  }
}
