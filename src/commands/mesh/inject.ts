import { injectNamespace } from '../../adapters/lifecycle/inject.js';
import type { Invocation } from '../shared/invocation.js';
import { findMesh, timeoutOf, withLifecycle } from './common.js';
import { document, isTable } from './print.js';

interface InjectFlags {
  mesh: string;
  revision?: string;
  disable: boolean;
  restart: boolean;
  timeout: string;
}

export function complete(
  _inv: Invocation,
  namespace: string,
  opts: InjectFlags,
): { namespace: string; opts: InjectFlags } {
  findMesh(opts.mesh);
  return { namespace, opts };
}

export async function run(
  inv: Invocation,
  { namespace, opts }: { namespace: string; opts: InjectFlags },
): Promise<void> {
  const mesh = findMesh(opts.mesh);
  const timeoutMs = timeoutOf(opts.timeout);
  await withLifecycle(inv, {}, async (ctx) => {
    const report = await injectNamespace(ctx, mesh, namespace, {
      revision: opts.revision,
      disable: opts.disable,
      restart: opts.restart,
      timeoutMs,
    });
    if (isTable(inv)) {
      inv.out.write(
        `namespace/${namespace} ${mesh.name} injection ${report.injection}${report.revision ? ` (revision ${report.revision})` : ''}\n`,
      );
      for (const w of report.restarted) inv.out.write(`${w} -n ${namespace} restarted\n`);
    } else await document(inv, 'MeshInjectResult', { ...report });
    if (!opts.restart && report.restarted.length === 0 && mesh.restartNote) inv.log.info(mesh.restartNote);
  });
}
