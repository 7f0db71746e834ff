import { currentContextName, findContext, unknownContext } from '../../core/config/contexts.js';
import type { Invocation } from '../shared/invocation.js';
import { contextView } from './view-model.js';

interface Options {
  /** Undefined for the current context. */
  name?: string;
}

export function complete(_inv: Invocation, name: string | undefined, _flags: object): Options {
  return { name };
}

export async function run(inv: Invocation, { name }: Options): Promise<void> {
  const { config } = await inv.config();
  const spec = name === undefined ? (await inv.context()).spec : findContext(config, name);
  if (!spec) throw unknownContext(config, name ?? '');
  await inv.out.item({ spec, current: spec.name === currentContextName(config) }, contextView);
}
