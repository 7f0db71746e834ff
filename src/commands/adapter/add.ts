import { addAdapterToContext } from '../../core/config/adapter-ops.js';
import { UsageError } from '../../core/errors.js';
import { builtinAdapterEntries } from '../../adapters/builtin/index.js';
import type { Invocation } from '../shared/invocation.js';

export async function run(inv: Invocation, name: string, opts: { address: string }): Promise<void> {
  const { spec } = await inv.context();
  if (builtinAdapterEntries().some((e) => e.name === name)) {
    throw new UsageError(`"${name}" is a built-in adapter's name`, {
      hint: 'give the external adapter another name',
    });
  }
  await addAdapterToContext(inv.paths.configFile, spec.name, { name, address: opts.address });
  inv.log.success(`adapter "${name}" (${opts.address}) added to context "${spec.name}"`);
  inv.log.info(`check that it answers with "meshdeck adapter status ${name}"`);
}
