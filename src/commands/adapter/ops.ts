import type { Invocation } from '../shared/invocation.js';
import { deadline, withAdapter } from './common.js';
import { operationView } from './views.js';

export async function run(inv: Invocation, name: string, opts: { timeout: string }): Promise<void> {
  const signal = deadline(inv, opts.timeout);
  const operations = await withAdapter(inv, name, (adapter) => adapter.operations(signal));
  await inv.out.list(operations, operationView);
  if (operations.length === 0) inv.log.info(`adapter "${name}" offers no operations`);
}
