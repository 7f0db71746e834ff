import type { DesignEntry } from '../../provider/client/sync/designs.js';
import type { Invocation } from '../shared/invocation.js';
import { publishDesign, readDesign } from '../shared/design.js';
import { parseDesignInput, type DesignInputFlags, type DesignSource } from '../shared/flags/design-input.js';
import { designView } from './view-model.js';
import { toDocument } from '../../design/model.js';

interface Options {
  source: DesignSource;
  version?: string;
  force: boolean;
}

export function complete(
  _inv: Invocation,
  flags: DesignInputFlags & { designVersion?: string; force?: boolean },
): Options {
  return {
    source: parseDesignInput(undefined, flags),
    version: flags.designVersion,
    force: flags.force === true,
  };
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const design = await readDesign(inv, opts.source, opts.version);
  const library = await inv.factory.designLibrary();
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
