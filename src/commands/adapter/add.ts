import { addAdapterToContext } from '../../core/config/adapter-ops.js';
import { UsageError } from '../../core/errors.js';
import { builtinAdapterEntries } from '../../adapters/builtin/index.js';
import type { Invocation } from '../shared/invocation.js';

interface Options {
  name: string;
  address: string;
}

export function complete(_inv: Invocation, name: string, flags: { address: string }): Options {
  return { name, address: flags.address };
}

export function validate({ name }: Options): void {
  if (builtinAdapterEntries().some((e) => e.name === name)) {
    throw new UsageError(`"${name}" is a built-in adapter's name`, {
      hint: 'give the external adapter another name',
    });
  }
}

export async function run(inv: Invocation, { name, address }: Options): Promise<void> {
  const { spec } = await inv.context();
  await addAdapterToContext(inv.paths.configFile, spec.name, { name, address });
  inv.log.success(`adapter "${name}" (${address}) added to context "${spec.name}"`);
  inv.log.info(`check that it answers with "meshdeck adapter status ${name}"`);
}
