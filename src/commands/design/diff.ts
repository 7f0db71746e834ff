import { ExitCode } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import { diffDesign } from '../../k8s/apply/diff.js';
import type { Invocation } from '../shared/invocation.js';
import { parseConcurrency } from '../shared/flags/cluster.js';
import { parseDesignInput, type DesignInputFlags, type DesignSource } from '../shared/flags/design-input.js';
import { withDesignOnCluster } from './common.js';

interface Options {
  source: DesignSource;
  concurrency: number;
  /** -n: the namespace for objects that name none, over the design's. */
  namespace?: string;
}

export function complete(
  inv: Invocation,
  design: string | undefined,
  flags: DesignInputFlags & { concurrency: string },
): Options {
  return {
    source: parseDesignInput(design, flags),
    concurrency: parseConcurrency(flags),
    namespace: inv.globals.namespace,
  };
}

export async function run(inv: Invocation, opts: Options): Promise<number> {
  return withDesignOnCluster(inv, opts, async ({ design, connection, concurrency }) => {
    const colors = inv.stdoutColor ? inv.log.colors : undefined;
    const entries = await diffDesign(connection.client, design, {
      concurrency,
      namespace: opts.namespace,
      color: colors,
      onWarning: (m) => inv.log.warn(m),
    });
    const changed = entries.filter((e) => e.change !== 'none');
    if (inv.format === 'diff') {
      for (const e of changed) {
        if (e.note) inv.out.write(`# ${e.what}: ${e.note}\n`);
        inv.out.write(e.diff);
      }
    } else {
      await inv.out.data({
        apiVersion: API_VERSION,
        kind: 'DesignDiff',
        design: { name: design.meta.name, version: design.meta.version },
        drift: changed.length > 0,
        items: entries.map((e) => ({
          object: e.what,
          change: e.change,
          ...(e.note ? { note: e.note } : {}),
          ...(e.diff ? { diff: e.diff } : {}),
        })),
      });
    }
    if (changed.length === 0) {
      inv.log.success(`design "${design.meta.name}": no drift (${entries.length} objects match the cluster)`);
      return ExitCode.OK;
    }
    const counts = ['create', 'update', 'delete']
      .map((c) => [c, changed.filter((e) => e.change === c).length] as const)
      .filter(([, n]) => n > 0);
    inv.log.info(
      `design "${design.meta.name}": drift found: ${counts.map(([c, n]) => `${n} to ${c}`).join(', ')}`,
    );
    return ExitCode.PROBLEM_FOUND;
  });
}
