import type { DesignEntry } from '../../provider/client/sync/designs.js';
import type { Invocation } from '../shared/invocation.js';
import { readDesign, type InputFlags } from './common.js';
import { openDesignLibrary, publishDesign } from './library.js';
import { designView } from './view-model.js';
import { toDocument } from '../../design/model.js';

export async function run(
  inv: Invocation,
  opts: InputFlags & { designVersion?: string; force?: boolean },
): Promise<void> {
  const design = await readDesign(inv, undefined, opts, opts.designVersion);
  const library = await openDesignLibrary(inv);
  const from = design.format === 'meshery' ? ' from a Meshery design' : '';
  inv.log.info(
    `design "${design.meta.name}" ${design.meta.version} read${from}: ${design.objects.length} objects, ${design.components.length} components`,
  );
  const result = await publishDesign(inv, library, design, { force: opts.force });
  const entry: DesignEntry = {
    name: design.meta.name,
    design: toDocument(design),
    revision:
      result.status === 'queued' ? 0 : result.status === 'unchanged' ? result.version : result.doc.version,
    updatedAt: result.status === 'created' || result.status === 'updated' ? result.doc.updatedAt : '',
    pending: result.status === 'queued',
  };
  await inv.out.item(entry, designView);
}
