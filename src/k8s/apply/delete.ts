// `design delete`: removes what the design owns (found by its label), the rest first and Namespaces last,
// then waits until each object is really gone (finalizers included). Objects of the design that someone else
// owns are left alone and said so.
import type { LoadedDesign } from '../../design/model.js';
import type { ClusterClient } from '../client.js';
import { KubeApiError } from '../http/errors.js';
import { checkPermissions, missingPermissionsError } from '../preflight/preflight.js';
import { DELETE_VERBS, permissionsFor } from '../preflight/permissions.js';
import { settleLimit } from '../util/concurrency.js';
import { waitForDeletion, type WaitStatus } from '../wait/wait.js';
import { pruneObjects, type ObjectResult } from './apply.js';
import { describeUnreadable, ownedInventory } from './inventory.js';
import { ownedBySelector, ownerOf } from './ownership.js';
import { prepareDesign } from './prepare.js';

export interface DeleteOptions {
  concurrency?: number;
  /** Where every namespaced object goes, over the design's own namespace (kubectl's -n). */
  namespace?: string;

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
  const prepared = await prepareDesign(client, design, { lenient: true, namespace: options.namespace });
  const inventory = await ownedInventory(client, name, prepared.objects, concurrency);
  if (inventory.unreadable.length > 0) {
    options.onWarning?.(
      `cannot list ${describeUnreadable(inventory.unreadable, prepared.objects)} (not permitted): objects of those kinds the design owns are not deleted`,
    );
  }
  const owned = new Set(inventory.objects.map((o) => o.key));

  // Finding what the design owns takes list, waiting takes watch: asked for every kind the design holds
  // as well as for what was found, so a user who may not even see some of its objects learns it here.
  const verbs = [...DELETE_VERBS, 'list', ...(options.wait === false ? [] : ['watch'])];
  const needed = permissionsFor([
    ...inventory.objects.map((o) => ({ resource: { ...o.resource, namespace: o.ref.namespace }, verbs })),
    ...prepared.objects.flatMap((o) =>
      o.resource ? [{ resource: { ...o.resource, namespace: o.object.metadata.namespace }, verbs }] : [],
    ),
  ]);
  const preflight = await checkPermissions(client, needed, concurrency);
  if (!preflight.checked)
    options.onWarning?.(
      'the cluster does not answer access reviews; permissions were not checked before deleting',
    );
  if (preflight.missing.length > 0)
    throw missingPermissionsError(preflight.missing, `delete design "${name}"`, client.describe);

  // The design's objects that are not owned by it: absent, or someone else's.
  const others = prepared.objects.filter((o) => !owned.has(o.key));
  const lookups = await settleLimit(others, concurrency, async (o): Promise<ObjectResult> => {
    const base = { what: o.what, ref: o.ref, origin: o.entry.origin };
    let live;
    try {
      live = o.resource ? await client.get(o.resource, o.object.metadata.namespace, o.ref.name) : undefined;
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 403)) throw err;
      return { ...base, action: 'skipped', message: 'not permitted to read it' };
    }
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
