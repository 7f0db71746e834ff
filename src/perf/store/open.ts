// The stores a command uses. Until a provider is configured, profiles and results live in the local state
// folder; the Remote Provider work plugs its synced stores in here (same interfaces, see types.ts).
import { localPerfStores } from './local.js';
import type { PerfStores } from './types.js';

export interface StoreContext {
  stateDir: string;
  warn?: (message: string) => void;
}

export async function openPerfStores(ctx: StoreContext): Promise<PerfStores> {
  return localPerfStores(ctx.stateDir, ctx.warn);
}
