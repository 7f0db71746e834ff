import { renameContext } from '../../core/config/context-ops.js';
import type { Invocation } from '../shared/invocation.js';

interface Options {
  from: string;
  to: string;
}

export function complete(_inv: Invocation, from: string, to: string, _flags: object): Options {
  return { from, to };
}

export async function run(inv: Invocation, { from, to }: Options): Promise<void> {
  await renameContext(inv.paths.configFile, from, to);
  inv.log.success(`context "${from}" renamed to "${to}"`);
}
