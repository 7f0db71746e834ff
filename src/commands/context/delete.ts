import { deleteContext } from '../../core/config/context-ops.js';
import { BUILTIN_CONTEXT_NAME } from '../../core/config/model.js';
import type { Invocation } from '../shared/invocation.js';

interface Options {
  name: string;
}

export function complete(_inv: Invocation, name: string, _flags: object): Options {
  return { name };
}

export async function run(inv: Invocation, { name }: Options): Promise<void> {
  const wasCurrent = await deleteContext(inv.paths.configFile, name);
  inv.log.success(`context "${name}" deleted`);
  if (wasCurrent)
    inv.log.warn(`it was the current context; now using the built-in "${BUILTIN_CONTEXT_NAME}"`);
}
