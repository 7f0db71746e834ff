import { useContext } from '../../core/config/context-ops.js';
import type { Invocation } from '../shared/invocation.js';

interface Options {
  name: string;
}

export function complete(_inv: Invocation, name: string, _flags: object): Options {
  return { name };
}

export async function run(inv: Invocation, { name }: Options): Promise<void> {
  await useContext(inv.paths.configFile, name);
  inv.log.success(`switched to context "${name}"`);
}
