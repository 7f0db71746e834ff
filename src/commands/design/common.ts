// What the design actions that work on a cluster share: the design read and the cluster opened, and the
// result lines and summaries of apply and delete.
import type { LoadedDesign } from '../../design/model.js';
import { API_VERSION } from '../../core/output/formats.js';
import { location } from '../../core/output/frame.js';
import type { Action, ObjectResult } from '../../k8s/apply/apply.js';
import type { Connection } from '../../k8s/connect.js';
import { readDesign, resultLine } from '../shared/design.js';
import type { DesignSource } from '../shared/flags/design-input.js';
import type { Invocation } from '../shared/invocation.js';

export interface DesignOnCluster {
  design: LoadedDesign;
  connection: Connection;
  concurrency: number;
}

/** Reads the design, opens the cluster, does the work, and closes the cluster. */
export async function withDesignOnCluster<T>(
  inv: Invocation,
  o: { source: DesignSource; concurrency: number },
  work: (run: DesignOnCluster) => Promise<T>,
): Promise<T> {
  const design = await readDesign(inv, o.source);
  const connection = await inv.factory.cluster({
    requestTimeoutMs: o.source.requestTimeoutMs,
    concurrency: o.concurrency,
  });
  try {
    return await work({ design, connection, concurrency: o.concurrency });
  } finally {
    connection.close();
  }
}

/** For table output: each wave's result lines as soon as they are known. */
export function resultPrinter(
  inv: Invocation,
  dryRun: boolean,
): ((results: readonly ObjectResult[]) => void) | undefined {
  if (inv.format !== 'table') return undefined;
  return (results) => {
    inv.log.clearProgress();
    for (const r of results) inv.out.write(`${resultLine(r, dryRun)}\n`);
  };
}

const ORDER: Action[] = [
  'created',
  'configured',
  'unchanged',
  'pruned',
  'deleted',
  'absent',
  'kept',
  'skipped',
  'failed',
];

/** "2 created, 1 unchanged, 1 failed". */
export function countActions(results: readonly ObjectResult[]): string {
  const counts = new Map<Action, number>();
  for (const r of results) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  const parts = ORDER.filter((a) => counts.has(a)).map((a) => `${counts.get(a)} ${a}`);
  return parts.length > 0 ? parts.join(', ') : 'no objects';
}

export function resultsDocument(
  kind: string,
  design: LoadedDesign['meta'],
  dryRun: boolean,
  results: readonly ObjectResult[],
): unknown {
  return {
    apiVersion: API_VERSION,
    kind,
    design: { name: design.name, version: design.version },
    dryRun,
    items: results.map((r) => ({
      object: r.what,
      group: r.ref.group,
      kind: r.ref.kind,
      namespace: r.ref.namespace ?? null,
      name: r.ref.name,
      action: r.action,
      ...(r.message ? { message: r.message } : {}),
      ...(r.origin ? { source: location(r.origin.file, r.origin.line, r.origin.col) } : {}),
    })),
  };
}
