import { useContext } from '../../core/config/context-ops.js';
import type { Invocation } from '../shared/invocation.js';

export async function run(inv: Invocation, name: string, _opts: object): Promise<void> {
  await useContext(inv.paths.configFile, name);
  inv.log.success(`switched to context "${name}"`);
}
