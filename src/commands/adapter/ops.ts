import type { Invocation } from '../shared/invocation.js';
import { deadline, parseTimeout, withAdapter } from './common.js';
import { operationView } from './views.js';

interface Options {
  name: string;
  timeoutMs: number;
}

export function complete(_inv: Invocation, name: string, flags: { timeout: string }): Options {
  return { name, timeoutMs: parseTimeout(flags) };
}

export async function run(inv: Invocation, { name, timeoutMs }: Options): Promise<void> {
  const signal = deadline(inv, timeoutMs);
  const operations = await withAdapter(inv, name, (adapter) => adapter.operations(signal));
  await inv.out.list(operations, operationView);
  if (operations.length === 0) inv.log.info(`adapter "${name}" offers no operations`);
}
