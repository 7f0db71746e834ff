import { removeAdapterFromContext } from '../../core/config/adapter-ops.js';
import { UsageError } from '../../core/errors.js';
import { builtinAdapterEntries } from '../../adapters/builtin/index.js';
import type { Invocation } from '../shared/invocation.js';

export function complete(_inv: Invocation, name: string, _flags: object): { name: string } {
  return { name };
}

export async function run(inv: Invocation, { name }: { name: string }): Promise<void> {
  const { spec } = await inv.context();
  if (builtinAdapterEntries().some((e) => e.name === name)) {
    throw new UsageError(`"${name}" is a built-in adapter; only external adapters can be removed`);
  }
  const removed = await removeAdapterFromContext(inv.paths.configFile, spec.name, name);
  inv.log.success(`adapter "${name}" (${removed.address}) removed from context "${spec.name}"`);
}
