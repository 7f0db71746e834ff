import { issuesError } from '../../design/issues.js';
import type { Invocation } from '../shared/invocation.js';
import { openDesignLibrary } from './library.js';
import { designView } from './view-model.js';

export async function run(inv: Invocation, name: string, _opts: object): Promise<void> {
  const library = await openDesignLibrary(inv);
  const { entry, issues, design } = await library.load(name);
  const errors = issues.filter((i) => i.rule === 'not-a-design');
  if (errors.length > 0) throw issuesError(errors, design.sources);
  await inv.out.item(entry, designView);
}
