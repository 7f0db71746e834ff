// `design diff`: what applying the design would change. The desired state is the server's own answer to
// a dry-run apply (defaults, admission and merging included), compared with the live object; objects the
// design owns but no longer contains would be pruned. Any difference is drift.
import type { LoadedDesign } from '../../design/model.js';
import { describeRef, type ObjectRef } from '../../design/object-ref.js';
import type { ClusterClient, LiveObject } from '../client.js';
import { KubeApiError } from '../http/errors.js';
import { ownedInventory } from './inventory.js';
import { prepareDesign, type PreparedObject } from './prepare.js';
import { settleLimit } from '../util/concurrency.js';
import type { UnifiedOptions } from '../diff/lines.js';
import { objectDiff } from '../diff/objects.js';
import { setting } from '../../core/settings.js';

export type Change = 'create' | 'update' | 'delete' | 'none';

export interface DiffEntry {
  what: string;
  ref: ObjectRef;
  change: Change;
  /** Unified diff text ("" when nothing changes). */
  diff: string;
  /** Something the user should know: conflicts the apply would meet, checks the server could not make. */
  note?: string;
}

export interface DiffOptions {
  concurrency?: number;
  /** Where every namespaced object goes, over the design's own namespace (kubectl's -n). */
  namespace?: string;

  color?: UnifiedOptions['color'];
  /** Include owned objects no longer in the design (they would go with apply --prune). */
  prune?: boolean;
  onWarning?: (message: string) => void;
}

export async function diffDesign(
  client: ClusterClient,
  design: LoadedDesign,
  options: DiffOptions = {},
): Promise<DiffEntry[]> {
  const concurrency = options.concurrency ?? 16;
  const prepared = await prepareDesign(client, design, { namespace: options.namespace });
  for (const w of prepared.warnings) options.onWarning?.(w.message);
  const outcomes = await settleLimit(prepared.objects, concurrency, (o) => diffOne(client, o, options));
  const entries = outcomes.map((outcome) => {
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  });
  if (options.prune !== false) {
    const keep = new Set(prepared.objects.map((o) => o.key));
    const inventory = await ownedInventory(client, design.meta.name, prepared.objects, concurrency);
    for (const o of inventory.objects) {
      if (keep.has(o.key)) continue;
      const what = describeRef(o.ref);
      entries.push({
        what,
        ref: o.ref,
        change: 'delete',
        diff: objectDiff(what, o.object, undefined, { color: options.color }),
        note: `owned by the design but no longer in it: apply ${setting('prune')} removes it`,
      });
    }
  }
  return entries;
}

async function diffOne(client: ClusterClient, o: PreparedObject, options: DiffOptions): Promise<DiffEntry> {
  const base = { what: o.what, ref: o.ref };
  const ns = o.object.metadata.namespace;
  const resource = o.resource;
  const live = resource ? await client.get(resource, ns, o.ref.name) : undefined;
  let desired: LiveObject = o.object;
  let note: string | undefined;
  if (!resource) {
    note = 'not checked by the server: its kind comes with a CRD of this design';
  } else if (!live && ns && (await namespaceMissing(client, ns))) {
    note = `not checked by the server: its namespace ${ns} comes with this design`;
  } else {
    try {
      desired = (await client.apply(resource, o.object, { dryRun: true, force: false })).object;
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 409)) throw err;
      // What the apply would do once it takes the fields over.
      desired = (await client.apply(resource, o.object, { dryRun: true, force: true })).object;
      note = `apply needs ${setting('force-conflicts')}: ${err.details.join('; ') || err.message}`;
    }
  }
  const diff = objectDiff(o.what, live, desired, { color: options.color });
  return { ...base, change: !live ? 'create' : diff ? 'update' : 'none', diff, note };
}

async function namespaceMissing(client: ClusterClient, ns: string): Promise<boolean> {
  return (await client.get(await client.resource('v1', 'Namespace'), undefined, ns)) === undefined;
}
