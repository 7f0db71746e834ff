// `design delete`: removes what the design owns (found by its label), the rest first and Namespaces last,
// then waits until each object is really gone (finalizers included). Objects of the design that someone else
// owns are left alone and said so.
import type { LoadedDesign } from '../../core/design/model.js';
import type { ClusterClient } from '../client.js';
import { checkPermissions, missingPermissionsError } from '../preflight/preflight.js';
import { DELETE_VERBS, permissionsFor } from '../preflight/permissions.js';
import { settleLimit } from '../util/concurrency.js';
import { waitForDeletion, type WaitStatus } from '../wait/wait.js';
import { pruneObjects, type ObjectResult } from './apply.js';
import { ownedInventory } from './inventory.js';
import { ownedBySelector, ownerOf } from './ownership.js';
import { prepareDesign } from './prepare.js';

export interface DeleteOptions {
  concurrency?: number;
  /** Wait until the objects are gone (default). */
  wait?: boolean;
  timeoutMs?: number;
  dryRun?: boolean;
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
  onResults?: (results: readonly ObjectResult[]) => void;
  onWaitProgress?: (statuses: readonly WaitStatus[]) => void;
}

export async function deleteDesign(
  client: ClusterClient,
  design: LoadedDesign,
  options: DeleteOptions = {},
): Promise<ObjectResult[]> {
  const concurrency = options.concurrency ?? 16;
  const name = design.meta.name;
  const prepared = await prepareDesign(client, design, { lenient: true });
  const inventory = await ownedInventory(client, name, prepared.objects, concurrency);
  if (inventory.unreadable.length > 0) {
    options.onWarning?.(
      `cannot list ${inventory.unreadable.join(', ')} (not permitted): objects of those kinds the design owns are not deleted`,
    );
  }
  const owned = new Set(inventory.objects.map((o) => o.key));

  // The design's objects that are not owned by it: absent, or someone else's.
  const others = prepared.objects.filter((o) => !owned.has(o.key));
  const lookups = await settleLimit(others, concurrency, async (o): Promise<ObjectResult> => {
    const base = { what: o.what, ref: o.ref, origin: o.entry.origin };
    const live = o.resource
      ? await client.get(o.resource, o.object.metadata.namespace, o.ref.name)
      : undefined;
    if (!live) return { ...base, action: 'absent', message: 'not in the cluster' };
    const owner = ownerOf(live);
    return {
      ...base,
      action: 'kept',
      message: owner ? `owned by design "${owner}"` : 'not created by this design',
    };
  });
  const notOwned = lookups.map((l) => {
    if (!l.ok) throw l.error;
    return l.value;
  });

  const waitVerbs = options.wait === false ? [] : ['list', 'watch'];
  const needed = permissionsFor(
    inventory.objects.map((o) => ({
      resource: { ...o.resource, namespace: o.ref.namespace },
      verbs: [...DELETE_VERBS, ...waitVerbs],
    })),
  );
  const preflight = await checkPermissions(client, needed, concurrency);
  if (!preflight.checked)
    options.onWarning?.(
      'the cluster does not answer access reviews; permissions were not checked before deleting',
    );
  if (preflight.missing.length > 0)
    throw missingPermissionsError(preflight.missing, `delete design "${name}"`, client.describe);

  const deleted = await pruneObjects(client, inventory.objects, {
    dryRun: options.dryRun ?? false,
    concurrency,
    action: 'deleted',
  });
  const results = [...deleted, ...notOwned];
  options.onResults?.(results);

  if (options.wait !== false && !options.dryRun) {
    const requested = new Map(deleted.filter((r) => r.action === 'deleted').map((r) => [r.ref, r.what]));
    const targets = inventory.objects
      .filter((o) => requested.has(o.ref))
      .map((o) => ({
        resource: o.resource,
        namespace: o.ref.namespace,
        name: o.ref.name,
        what: requested.get(o.ref)!,
      }));
    await waitForDeletion(client, targets, {
      timeoutMs: options.timeoutMs ?? 5 * 60_000,
      signal: options.signal,
      labelSelector: ownedBySelector(name),
      onProgress: options.onWaitProgress,
    });
  }
  return results;
}
