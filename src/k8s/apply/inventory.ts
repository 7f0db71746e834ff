// What a design owns in the cluster, found by its label: the objects prune and delete may remove, and
// the current owners of the objects an apply is about to write.
import { refKey, type ObjectRef } from '../../design/object-ref.js';
import type { ClusterClient, LiveObject } from '../client.js';
import type { ApiResource } from '../discovery/resources.js';
import { KubeApiError } from '../http/errors.js';
import { settleLimit } from '../util/concurrency.js';
import { ANY_DESIGN_SELECTOR, ownedBySelector, ownerOf } from './ownership.js';
import type { PreparedObject } from './prepare.js';

export interface OwnedObject {
  resource: ApiResource;
  object: LiveObject;
  ref: ObjectRef;
  key: string;
}

export interface Inventory {
  objects: OwnedObject[];
  /** Resources that could not be listed (not permitted), so the inventory may be incomplete. */
  unreadable: string[];
}

/** Kinds never worth scanning: they are not written by designs, and some are huge. */
const SKIPPED = new Set([
  'events',
  'componentstatuses',
  'bindings',
  'tokenreviews',
  'localsubjectaccessreviews',
]);

export function liveRef(resource: ApiResource, object: LiveObject): ObjectRef {
  return {
    group: resource.group,
    version: resource.version,
    kind: resource.kind,
    namespace: resource.namespaced ? object.metadata.namespace : undefined,
    name: object.metadata.name ?? '',
  };
}

/**
 * Every object labelled as owned by the design, across every listable kind (cluster-wide, or in the given
 * namespaces where cluster-wide listing is not permitted). Copies made by controllers (with an owner
 * reference) are not the design's own objects and are left out.
 */
export async function ownedInventory(
  client: ClusterClient,
  design: string,
  declared: readonly PreparedObject[],
  concurrency = 8,
): Promise<Inventory> {
  // Where to look when listing across all namespaces is not permitted: the design's, and the default one.
  const namespaces = new Set(
    declared.map((o) => o.object.metadata.namespace).filter((n): n is string => !!n),
  );
  namespaces.add(client.namespace);
  const index = await client.discovery.index();
  const resources = index.listable().filter((r) => !SKIPPED.has(r.plural) && r.verbs.includes('delete'));
  const selector = ownedBySelector(design);
  const unreadable: string[] = [];
  const outcomes = await settleLimit(resources, concurrency, async (resource) => {
    try {
      return (await client.list(resource, { labelSelector: selector })).items;
    } catch (err) {
      if (!(forbidden(err) && resource.namespaced)) throw err;
      // Namespace by namespace: a user allowed in some of them still sees what the design has there.
      const items: LiveObject[] = [];
      let readable = 0;
      for (const ns of namespaces) {
        try {
          items.push(...(await client.list(resource, { namespace: ns, labelSelector: selector })).items);
          readable++;
        } catch (nsErr) {
          if (!forbidden(nsErr)) throw nsErr;
        }
      }
      if (readable === 0) throw err;
      return items;
    }
  });
  const objects: OwnedObject[] = [];
  outcomes.forEach((outcome, i) => {
    const resource = resources[i];
    if (!outcome.ok) {
      if (
        outcome.error instanceof KubeApiError &&
        (outcome.error.status === 403 || outcome.error.status === 404 || outcome.error.status === 405)
      ) {
        unreadable.push(resource.group ? `${resource.plural}.${resource.group}` : resource.plural);
        return;
      }
      throw outcome.error;
    }
    for (const object of outcome.value) {
      if (ownerOf(object) !== design || (object.metadata.ownerReferences?.length ?? 0) > 0) continue;
      const ref = liveRef(resource, object);
      objects.push({ resource, object, ref, key: refKey(ref) });
    }
  });
  return { objects, unreadable };
}

/**
 * The resources that could not be listed, for a warning: the design's own kinds by name, the others
 * counted (a user allowed in one namespace cannot list most of the cluster's kinds).
 */
export function describeUnreadable(
  unreadable: readonly string[],
  declared: readonly PreparedObject[],
): string {
  if (unreadable.length <= 4) return unreadable.join(', ');
  const own = new Set(
    declared.flatMap((o) =>
      o.resource ? [o.resource.group ? `${o.resource.plural}.${o.resource.group}` : o.resource.plural] : [],
    ),
  );
  const named = unreadable.filter((r) => own.has(r));
  const rest = unreadable.length - named.length;
  const others = `${rest} other kind${rest === 1 ? '' : 's'}`;
  return named.length > 0 ? `${named.join(', ')} and ${others}` : others;
}

function forbidden(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 403;
}

export interface CurrentState {
  /** Each existing object the design declares (that some design owns), with its owner, by key. */
  byKey: Map<string, { object: LiveObject; owner?: string }>;
}

/**
 * The existing objects among those about to be applied that some design owns, one list per kind and
 * namespace: enough to tell "unchanged" from "configured" and to see objects another design owns.
 */
export async function currentOwners(
  client: ClusterClient,
  objects: readonly PreparedObject[],
  concurrency = 8,
): Promise<CurrentState> {
  const groups = new Map<string, { resource: ApiResource; namespace?: string }>();
  for (const o of objects) {
    if (!o.resource) continue;
    const namespace = o.resource.namespaced ? o.object.metadata.namespace : undefined;
    groups.set(`${o.resource.group}|${o.resource.plural}|${namespace ?? ''}`, {
      resource: o.resource,
      namespace,
    });
  }
  const byKey = new Map<string, { object: LiveObject; owner?: string }>();
  const outcomes = await settleLimit([...groups.values()], concurrency, (g) =>
    client
      .list(g.resource, { namespace: g.namespace, labelSelector: ANY_DESIGN_SELECTOR })
      .then((list) => ({ g, list })),
  );
  for (const outcome of outcomes) {
    // Not allowed to list, or the namespace is not there yet: nothing is known, nothing is wrong.
    if (!outcome.ok) continue;
    const { g, list } = outcome.value;
    for (const item of list.items) {
      byKey.set(refKey(liveRef(g.resource, item)), { object: item, owner: ownerOf(item) });
    }
  }
  return { byKey };
}
