import { issuesError } from '../../core/design/issues.js';
import { saveDesign } from '../../core/design/library.js';
import { toDocument } from '../../core/design/model.js';
import { validateDesign } from '../../core/design/validate.js';
import type { Invocation } from '../shared/invocation.js';
import { readDesign, type InputFlags } from './common.js';
import { libraryView } from './view-model.js';

export async function run(inv: Invocation, opts: InputFlags & { designVersion?: string }): Promise<void> {
  const design = await readDesign(inv, undefined, opts, opts.designVersion);
  // The design is stored as written (namespaces are resolved when it is applied); its rules hold now.
  const { issues } = validateDesign(design, { defaultNamespace: 'default' });
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw issuesError(errors, design.sources);
  const source = opts.filename.map((f) => (f === '-' ? 'stdin' : f)).join(', ');
  const entry = await saveDesign(inv.paths, toDocument(design), source, design.format);
  const from = design.format === 'meshery' ? ' from a Meshery design' : '';
  inv.log.success(
    `design "${design.meta.name}" ${design.meta.version} imported${from}: ${design.objects.length} objects, ${design.components.length} components`,
  );
  if (inv.format === 'table') await inv.out.item(entry, libraryView);
  else await inv.out.data(entry.design);
}
