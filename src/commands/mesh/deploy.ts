import { BUILTIN_MESHES } from '../../adapters/builtin/index.js';
import { deployMesh } from '../../adapters/lifecycle/deploy.js';
import type { Invocation } from '../shared/invocation.js';
import { findMesh, timeoutOf, withLifecycle } from './common.js';
import { document, isTable, objectData, objectLines } from './print.js';

interface DeployFlags {
  version?: string;
  revision?: string;
  set?: string[];
  installer?: string;
  dryRun: 'none' | 'server';
  wait: boolean;
  timeout: string;
}

export function complete(
  _inv: Invocation,
  name: string,
  opts: DeployFlags,
): { name: string; opts: DeployFlags } {
  findMesh(name);
  return { name, opts };
}

export async function run(
  inv: Invocation,
  { name, opts }: { name: string; opts: DeployFlags },
): Promise<void> {
  const mesh = findMesh(name);
  const timeoutMs = timeoutOf(opts.timeout);
  const dryRun = opts.dryRun === 'server';
  await withLifecycle(inv, { ...opts, record: !dryRun }, async (ctx) => {
    const report = await deployMesh(ctx, mesh, {
      version: opts.version ?? mesh.versions[0],
      revision: opts.revision ?? 'default',
      set: opts.set,
      dryRun,
      wait: opts.wait,
      timeoutMs,
      others: BUILTIN_MESHES,
    });
    if (isTable(inv)) objectLines(inv, report.results, dryRun);
    else
      await document(inv, 'MeshDeployResult', {
        mesh: report.mesh,
        version: report.version,
        revision: report.revision,
        dryRun,
        manifestDigest: report.manifestDigest,
        installer: report.installer,
        ready: report.ready,
        objects: objectData(report.results),
      });
    const rev = report.revision === 'default' ? '' : ` (revision ${report.revision})`;
    inv.log.success(
      `${mesh.title} ${report.version}${rev} ${dryRun ? 'checked by the server (dry run): nothing changed' : `deployed: ${report.results.length} objects`}${report.ready.length > 0 ? `, ${report.ready.length} workloads ready` : ''}`,
    );
  });
}
