import { listDesigns } from '../../core/design/library.js';
import type { Invocation } from '../shared/invocation.js';
import { libraryView } from './view-model.js';

export async function run(inv: Invocation, _opts: object): Promise<void> {
  const entries = await listDesigns(inv.paths, (file, problem) =>
    inv.log.warn(`skipping ${file}: ${problem}`),
  );
  await inv.out.list(entries, libraryView);
}
