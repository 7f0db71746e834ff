import { findDesign } from '../../core/design/library.js';
import type { Invocation } from '../shared/invocation.js';
import { libraryView } from './view-model.js';

export async function run(inv: Invocation, name: string, _opts: object): Promise<void> {
  await inv.out.item(await findDesign(inv.paths, name), libraryView);
}
