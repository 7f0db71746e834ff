import { allContexts, currentContextName } from '../../core/config/contexts.js';
import { noOptions } from '../shared/convention.js';
import type { Invocation } from '../shared/invocation.js';
import { contextView } from './view-model.js';

export const complete = noOptions;

export async function run(inv: Invocation): Promise<void> {
  const { config } = await inv.config();
  const current = currentContextName(config);
  const rows = allContexts(config).map((spec) => ({ spec, current: spec.name === current }));
  await inv.out.list(rows, contextView);
}
