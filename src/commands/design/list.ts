import { noOptions } from '../shared/convention.js';
import type { Invocation } from '../shared/invocation.js';
import { designView } from './view-model.js';

export const complete = noOptions;

export async function run(inv: Invocation): Promise<void> {
  const library = await inv.factory.designLibrary();
  const { entries } = await library.list((name, problem) =>
    inv.log.warn(`design "${name}" left out: ${problem}`),
  );
  await inv.out.list(entries, designView);
}
