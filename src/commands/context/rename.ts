import { renameContext } from '../../core/config/context-ops.js';
import type { Invocation } from '../shared/invocation.js';

export async function run(inv: Invocation, from: string, to: string, _opts: object): Promise<void> {
  await renameContext(inv.paths.configFile, from, to);
  inv.log.success(`context "${from}" renamed to "${to}"`);
}
