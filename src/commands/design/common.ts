// What the design actions share: reading the design the user named, reporting its problems, and the
// result lines and summaries of apply and delete.
import { issuesError, formatIssueLine } from '../../design/issues.js';
import { loadDesignInput } from '../../design/input.js';
import type { LoadResult } from '../../design/load.js';
import type { LoadedDesign } from '../../design/model.js';
import type { ReadSourcesOptions } from '../../design/sources.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import { location } from '../../core/output/frame.js';
import type { Action, ObjectResult } from '../../k8s/apply/apply.js';
import type { Connection } from '../../k8s/connect.js';
import { openCluster } from '../cluster/connection.js';
import type { Invocation } from '../shared/invocation.js';
import { openDesignLibrary } from './library.js';

export interface InputFlags {
  filename: string[];
  recursive: boolean;
  name?: string;
  requestTimeout: string;
}

export function readOptions(inv: Invocation, flags: InputFlags): ReadSourcesOptions {
  return {
    recursive: flags.recursive,
    timeoutMs: parseDuration(flags.requestTimeout, '--request-timeout'),
    signal: inv.signal,
    stdin: () => process.stdin,
  };
}

/** The design named by the argument or -f; input errors stop here (exit 2), warnings are printed. */
export async function readDesign(
  inv: Invocation,
  design: string | undefined,
  flags: InputFlags,
  version?: string,
): Promise<LoadedDesign> {
  const loaded = await loadDesignInput(
    { name: design, files: flags.filename, rename: flags.name, version },
    readOptions(inv, flags),
    byName(inv),
  );
  const errors = loaded.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw issuesError(errors, loaded.design.sources);
  for (const w of loaded.issues) if (w.severity === 'warning') inv.log.warn(formatIssueLine(w));
  return loaded.design;
}

/** Finds a named design in the library of the context's provider. */
export function byName(inv: Invocation): (name: string) => Promise<LoadResult> {
  return async (name) => (await openDesignLibrary(inv)).load(name);
}

export interface DesignOnCluster {
  design: LoadedDesign;
  connection: Connection;
  concurrency: number;
}

/** Checks the flags, reads the design, opens the cluster, does the work, and closes the cluster. */
export async function withDesignOnCluster<T>(
  inv: Invocation,
  name: string | undefined,
  flags: InputFlags & { concurrency: string },
  work: (run: DesignOnCluster) => Promise<T>,
): Promise<T> {
  const concurrency = parseConcurrency(flags.concurrency);
  const requestTimeoutMs = parseDuration(flags.requestTimeout, '--request-timeout');
  const design = await readDesign(inv, name, flags);
  const connection = await openCluster(inv, { requestTimeoutMs, concurrency });
  try {
    return await work({ design, connection, concurrency });
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

export function parseConcurrency(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new UsageError(`--concurrency "${text}" must be a whole number from 1 to 256`);
  }
  return n;
}

/** "deployment.apps/web -n shop configured (server dry run)", kubectl's shape. */
export function resultLine(r: ObjectResult, dryRun: boolean): string {
  const note = r.message ? `: ${r.message}` : '';
  return `${r.what} ${r.action}${dryRun && r.action !== 'failed' ? ' (server dry run)' : ''}${note}`;
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
