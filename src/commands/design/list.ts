import type { Invocation } from '../shared/invocation.js';
import { openDesignLibrary } from './library.js';
import { designView } from './view-model.js';

export async function run(inv: Invocation, _opts: object): Promise<void> {
  const library = await openDesignLibrary(inv);
  const { entries } = await library.list((name, problem) =>
    inv.log.warn(`design "${name}" left out: ${problem}`),
  );
  await inv.out.list(entries, designView);
}
