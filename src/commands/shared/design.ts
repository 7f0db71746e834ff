// What commands of several groups (design, demo) do with designs: read the one the user named, keep it
// with the provider and say so, and word the result of applying it.
import { formatIssueLine, issuesError } from '../../design/issues.js';
import { loadDesignInput } from '../../design/input.js';
import type { LoadResult } from '../../design/load.js';
import type { LoadedDesign } from '../../design/model.js';
import type { ObjectResult } from '../../k8s/apply/apply.js';
import type { DesignLibrary } from '../../provider/client/sync/designs.js';
import type { PushResult } from '../../provider/client/sync/engine.js';
import type { DesignSource } from './flags/design-input.js';
import type { Invocation } from './invocation.js';

/** Reads the design's sources; issues are returned, not reported. */
export function loadDesignSource(
  inv: Invocation,
  source: DesignSource,
  version?: string,
): Promise<LoadResult> {
  return loadDesignInput(
    { name: source.design, files: source.files, rename: source.rename, version },
    {
      recursive: source.recursive,
      timeoutMs: source.requestTimeoutMs,
      signal: inv.signal,
      stdin: () => process.stdin,
    },
    byName(inv),
  );
}

/** The design named by the argument or -f; input errors stop here (exit 2), warnings are printed. */
export async function readDesign(
  inv: Invocation,
  source: DesignSource,
  version?: string,
): Promise<LoadedDesign> {
  const loaded = await loadDesignSource(inv, source, version);
  const errors = loaded.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw issuesError(errors, loaded.design.sources);
  for (const w of loaded.issues) if (w.severity === 'warning') inv.log.warn(formatIssueLine(w));
  return loaded.design;
}

/** Finds a named design in the library of the context's provider. */
function byName(inv: Invocation): (name: string) => Promise<LoadResult> {
  return async (name) => (await inv.factory.designLibrary()).load(name);
}

/** Stores a design with the provider and says what happened (queued while it is unreachable). */
export async function publishDesign(
  inv: Invocation,
  library: DesignLibrary,
  design: LoadedDesign,
  options: { force?: boolean },
): Promise<PushResult> {
  const result = await library.publish(design, options);
  const label = `design "${design.meta.name}"`;
  if (result.status === 'queued') {
    inv.log.warn(
      `${result.reason}; ${label} is queued in the outbox and will be sent by the next command or meshdeck sync`,
    );
  } else if (result.status === 'unchanged') {
    inv.log.success(`${label} is up to date on ${library.provider} (version ${result.version})`);
  } else {
    inv.log.success(`${label} ${result.status} on ${library.provider} (version ${result.doc.version})`);
  }
  return result;
}

/** "deployment.apps/web -n shop configured (server dry run)", kubectl's shape. */
export function resultLine(r: ObjectResult, dryRun: boolean): string {
  const note = r.message ? `: ${r.message}` : '';
  return `${r.what} ${r.action}${dryRun && r.action !== 'failed' ? ' (server dry run)' : ''}${note}`;
}
