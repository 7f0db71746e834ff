import { issuesError } from '../../design/issues.js';
import type { Invocation } from '../shared/invocation.js';
import { designView } from './view-model.js';

interface Options {
  name: string;
}

export function complete(_inv: Invocation, name: string, _flags: object): Options {
  return { name };
}

export async function run(inv: Invocation, { name }: Options): Promise<void> {
  const library = await inv.factory.designLibrary();
  const { entry, issues, design } = await library.load(name);
  const errors = issues.filter((i) => i.rule === 'not-a-design');
  if (errors.length > 0) throw issuesError(errors, design.sources);
  await inv.out.item(entry, designView);
}
