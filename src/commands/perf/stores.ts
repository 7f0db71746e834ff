import { openPerfStores } from '../../perf/store/open.js';
import type { PerfStores } from '../../perf/store/types.js';
import { singularKind } from '../../provider/protocol/documents.js';
import { contextProvider, sessionHost, syncLog } from '../provider/host.js';
import type { Invocation } from '../shared/invocation.js';

/** The perf stores of the command's context: local, and its Remote Provider when signed in. */
export async function stores(inv: Invocation): Promise<PerfStores> {
  const warn = (m: string) => inv.log.warn(m);
  return openPerfStores({
    stateDir: inv.paths.stateDir,
    warn,
    provider: {
      ref: await contextProvider(inv),
      host: sessionHost(inv),
      log: syncLog(inv),
      events: {
        warn,
        pushed: (kind, name, outcome) => {
          const what = `${singularKind(kind)} "${name}"`;
          if (outcome.status === 'queued')
            inv.log.warn(`${what} queued for the provider (${outcome.reason}); meshdeck sync sends it`);
          else if (outcome.status !== 'unchanged') inv.log.info(`${what} ${outcome.status} on the provider`);
        },
      },
    },
  });
}
