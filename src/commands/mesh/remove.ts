import { removeMesh } from '../../adapters/lifecycle/remove.js';
import type { Invocation } from '../shared/invocation.js';
import { findMesh, timeoutOf, withLifecycle } from './common.js';
import { document, isTable, objectData, objectLines } from './print.js';

interface RemoveFlags {
  force: boolean;
  purgeCrds: boolean;
  timeout: string;
}

export function complete(
  _inv: Invocation,
  name: string,
  opts: RemoveFlags,
): { name: string; opts: RemoveFlags } {
  findMesh(name);
  return { name, opts };
}

export async function run(
  inv: Invocation,
  { name, opts }: { name: string; opts: RemoveFlags },
): Promise<void> {
  const mesh = findMesh(name);
  const timeoutMs = timeoutOf(opts.timeout);
  await withLifecycle(inv, { record: true }, async (ctx) => {
    const report = await removeMesh(ctx, mesh, { force: opts.force, purgeCrds: opts.purgeCrds, timeoutMs });
    if (isTable(inv)) objectLines(inv, report.results);
    else
      await document(inv, 'MeshRemoveResult', {
        mesh: report.mesh,
        revisions: report.revisions,
        crdsKept: report.crdsKept,
        objects: objectData(report.results),
      });
    inv.log.success(
      `${mesh.title} removed: ${report.results.filter((r) => r.action === 'deleted').length} objects deleted`,
    );
  });
}
