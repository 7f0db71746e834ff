import { openPerfStores } from '../../perf/store/open.js';
import type { PerfStores } from '../../perf/store/types.js';
import type { Invocation } from '../shared/invocation.js';

export function stores(inv: Invocation): Promise<PerfStores> {
  return openPerfStores({ stateDir: inv.paths.stateDir, warn: (m) => inv.log.warn(m) });
}
