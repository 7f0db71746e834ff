import { allContexts, currentContextName } from '../../core/config/contexts.js';
import type { Invocation } from '../shared/invocation.js';
import { contextView } from './view-model.js';

export async function run(inv: Invocation, _opts: object): Promise<void> {
  const { config } = await inv.config();
  const current = currentContextName(config);
  const rows = allContexts(config).map((spec) => ({ spec, current: spec.name === current }));
  await inv.out.list(rows, contextView);
}
