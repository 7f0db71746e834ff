// `design apply`: checks first (kinds, rules, namespaces, ownership, permissions), then Namespaces and CRDs,
// a wait until the CRDs are established, then everything else with bounded parallelism, then (with prune)
// the removal of what the design owned before and no longer contains. One result per object.
import { issue, issuesError } from '../../design/issues.js';
import type { DesignMeta, LoadedDesign, Origin } from '../../design/model.js';
import { describeRef, type ObjectRef } from '../../design/object-ref.js';
import { MeshdeckError, OperationError } from '../../core/errors.js';
import { location } from '../../core/output/frame.js';
import type { ClusterClient, LiveObject } from '../client.js';
import { comparable } from '../diff/objects.js';
import { canonicalJson } from '../../kube/json.js';
import type { ApiResource } from '../discovery/resources.js';
import { KubeApiError } from '../http/errors.js';
import { checkPermissions, missingPermissionsError } from '../preflight/preflight.js';
import { APPLY_VERBS, DELETE_VERBS, permissionsFor } from '../preflight/permissions.js';
import { settleLimit } from '../util/concurrency.js';
import { waitForReady } from '../wait/wait.js';
import { currentOwners, describeUnreadable, ownedInventory, type OwnedObject } from './inventory.js';
import { ownedBySelector } from './ownership.js';
import { deletionStages, isCrd, waves } from './plan.js';
import { prepareDesign, type PreparedObject } from './prepare.js';
import { setting } from '../../core/settings.js';

export type Action =
  | 'created'
  | 'configured'
  | 'unchanged'
  | 'pruned'
  | 'deleted'
  /** design delete: in the design, but not in the cluster. */
  | 'absent'
  /** design delete: in the cluster, but not owned by this design, so left alone. */
  | 'kept'
  | 'failed'
  | 'skipped';

export interface ObjectResult {
  what: string;
  ref: ObjectRef;
  action: Action;
  /** Why it failed or was skipped. */
  message?: string;
  origin?: Origin;
  error?: MeshdeckError;
}

export interface ApplyOptions {
  dryRun?: boolean;
  prune?: boolean;
  /** Take over fields other managers own, and objects other designs own. */
  force?: boolean;
  /** Where every namespaced object goes, over the design's own namespace (kubectl's -n). */
  namespace?: string;
  concurrency?: number;
  /** Limit for CRDs to become established. */
  establishTimeoutMs?: number;
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
  /** Each result as soon as its wave is done, in design order. */
  onResults?: (results: readonly ObjectResult[]) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface ApplyReport {
  design: DesignMeta;
  dryRun: boolean;
  results: ObjectResult[];
  /** Objects applied, for a later wait. */
  applied: Array<{ prepared: PreparedObject; resource: ApiResource }>;
}

export async function applyDesign(
  client: ClusterClient,
  design: LoadedDesign,
  options: ApplyOptions = {},
): Promise<ApplyReport> {
  const concurrency = options.concurrency ?? 16;
  const dryRun = options.dryRun ?? false;
  const prepared = await prepareDesign(client, design, { namespace: options.namespace });
  for (const w of prepared.warnings)
    options.onWarning?.(w.at ? `${location(w.at.file, w.at.line, w.at.col)}: ${w.message}` : w.message);

  // Who owns the objects now, and (to prune) what the design owns now: independent reads, made together.
  const [state, inventory] = await Promise.all([
    currentOwners(client, prepared.objects, concurrency),
    options.prune ? ownedInventory(client, design.meta.name, prepared.objects, concurrency) : undefined,
  ]);
  // Objects another design owns are not taken silently.
  if (!options.force) {
    const taken = prepared.objects.flatMap((o) => {
      const owner = state.byKey.get(o.key)?.owner;
      return owner && owner !== design.meta.name
        ? [
            issue(
              'owned-elsewhere',
              `${o.what} belongs to design "${owner}"`,
              o.entry.origin,
              `an object belongs to one design: remove it from one of them, or take it over with ${setting('force-conflicts')}`,
            ),
          ]
        : [];
    });
    if (taken.length > 0) throw issuesError(taken, design.sources);
  }

  const keep = new Set(prepared.objects.map((o) => o.key));
  let prunable: OwnedObject[] = [];
  if (inventory) {
    if (inventory.unreadable.length > 0) {
      options.onWarning?.(
        `prune cannot see ${describeUnreadable(inventory.unreadable, prepared.objects)} (not permitted to list): objects of those kinds are not pruned`,
      );
    }
    prunable = inventory.objects.filter((o) => !keep.has(o.key));
  }

  const needed = permissionsFor([
    ...prepared.objects.map((o) => ({ resource: useOf(o), verbs: APPLY_VERBS })),
    ...prunable.map((o) => ({
      resource: { ...o.resource, namespace: o.ref.namespace },
      verbs: DELETE_VERBS,
    })),
  ]);
  const preflight = await checkPermissions(client, needed, concurrency);
  if (!preflight.checked)
    options.onWarning?.(
      'the cluster does not answer access reviews; permissions were not checked before applying',
    );
  if (preflight.missing.length > 0)
    throw missingPermissionsError(preflight.missing, `apply design "${design.meta.name}"`, client.describe);

  const results = new Map<PreparedObject, ObjectResult>();
  const applied: ApplyReport['applied'] = [];
  const total = prepared.objects.length + prunable.length;
  let done = 0;
  const tick = () => options.onProgress?.(++done, total);
  const { foundation, rest } = waves(prepared.objects, (o) => o.object);
  const nsChecks = new Map<string, Promise<boolean>>();
  const namespaceExists = (ns: string) => {
    let check = nsChecks.get(ns);
    if (!check)
      nsChecks.set(
        ns,
        (check = client
          .resource('v1', 'Namespace')
          .then(async (r) => (await client.get(r, undefined, ns)) !== undefined)),
      );
    return check;
  };

  const applyOne = async (o: PreparedObject): Promise<ObjectResult> => {
    const base = { what: o.what, ref: o.ref, origin: o.entry.origin };
    const resource = o.resource;
    if (!resource)
      return {
        ...base,
        action: 'skipped',
        message: `its kind is not served yet (the CustomResourceDefinition was not established)`,
      };
    const ns = o.object.metadata.namespace;
    if (dryRun && ns && prepared.ownNamespaces.has(ns) && !(await namespaceExists(ns))) {
      return {
        ...base,
        action: 'created',
        message: `not checked by the server: its namespace ${ns} comes with this design`,
      };
    }
    try {
      const answer = await client.apply(resource, o.object, { dryRun, force: options.force });
      // The server's warnings (unknown fields, deprecations, admission), as kubectl prints them.
      for (const w of answer.warnings) options.onWarning?.(`${o.what}: ${w}`);
      applied.push({ prepared: o, resource });
      if (answer.created) return { ...base, action: 'created' };
      const before = state.byKey.get(o.key)?.object;
      return {
        ...base,
        action: before && sameContent(before, answer.object, dryRun) ? 'unchanged' : 'configured',
      };
    } catch (err) {
      if (!(err instanceof MeshdeckError)) throw err;
      return { ...base, action: 'failed', message: err.message, error: err };
    } finally {
      tick();
    }
  };

  const runWave = async (wave: PreparedObject[]) => {
    const outcomes = await settleLimit(wave, concurrency, applyOne);
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) throw outcome.error;
      results.set(wave[i], outcome.value);
    });
  };

  await runWave(foundation);
  options.onResults?.(foundation.map((o) => results.get(o)!));
  const crds = foundation.filter((o) => isCrd(o.object) && results.get(o)?.action !== 'failed');
  if (crds.length > 0 && !dryRun) {
    await waitForReady(
      client,
      crds.map((o) => ({ resource: o.resource!, name: o.ref.name, what: o.what })),
      {
        timeoutMs: options.establishTimeoutMs ?? 60_000,
        signal: options.signal,
        labelSelector: ownedBySelector(design.meta.name),
      },
    );
    await client.discovery.refresh();
  }
  // Objects of kinds the design's CRDs bring, and objects in namespaces that failed, cannot go yet.
  const failedNamespaces = new Set(
    foundation
      .filter((o) => results.get(o)?.action === 'failed' && o.object.kind === 'Namespace')
      .map((o) => o.ref.name),
  );
  const ready: PreparedObject[] = [];
  for (const o of rest) {
    const ns = o.object.metadata.namespace;
    if (ns && failedNamespaces.has(ns)) {
      results.set(o, {
        what: o.what,
        ref: o.ref,
        origin: o.entry.origin,
        action: 'skipped',
        message: `namespace ${ns} could not be applied`,
      });
      tick();
      continue;
    }
    if (!o.resource && !dryRun)
      o.resource = await client.discovery.resolve(o.object.apiVersion, o.object.kind);
    if (!o.resource && dryRun) {
      results.set(o, {
        what: o.what,
        ref: o.ref,
        origin: o.entry.origin,
        action: 'created',
        message: 'not checked by the server: its kind comes with a CRD of this design',
      });
      tick();
      continue;
    }
    ready.push(o);
  }
  await runWave(ready);
  options.onResults?.(rest.map((o) => results.get(o)!));

  const ordered = prepared.objects.map((o) => results.get(o)!);
  const failures = ordered.filter((r) => r.action === 'failed');
  if (prunable.length > 0) {
    if (failures.length > 0) {
      options.onWarning?.(
        `nothing was pruned, because ${failures.length} object${failures.length === 1 ? '' : 's'} failed to apply`,
      );
    } else {
      const pruned = await pruneObjects(client, prunable, { dryRun, concurrency, onDone: tick });
      options.onResults?.(pruned);
      ordered.push(...pruned);
    }
  }
  return { design: design.meta, dryRun, results: ordered, applied };
}

/**
 * Whether an apply left the object as it was: its resourceVersion is the same, or else its content. A dry
 * run's answer keeps the resourceVersion whatever it would change, so only its content tells.
 */
function sameContent(before: LiveObject, after: LiveObject, dryRun: boolean): boolean {
  if (!dryRun && before.metadata.resourceVersion === after.metadata.resourceVersion) return true;
  return canonicalJson(comparable(before)) === canonicalJson(comparable(after));
}

function useOf(o: PreparedObject) {
  if (o.resource) return { ...o.resource, namespace: o.object.metadata.namespace };
  const d = o.declared!;
  return {
    group: d.group,
    plural: d.plural,
    namespaced: d.namespaced,
    namespace: o.object.metadata.namespace,
  };
}

/** Deletes owned objects no longer in the design, the foundation (CRDs, Namespaces) last. */
export async function pruneObjects(
  client: ClusterClient,
  objects: readonly OwnedObject[],
  options: { dryRun: boolean; concurrency: number; onDone?: () => void; action?: 'pruned' | 'deleted' },
): Promise<ObjectResult[]> {
  const action = options.action ?? 'pruned';
  const out: ObjectResult[] = [];
  for (const stage of deletionStages(objects, (o) => ({
    apiVersion: o.object.apiVersion,
    kind: o.resource.kind,
  }))) {
    const outcomes = await settleLimit(stage, options.concurrency, async (o): Promise<ObjectResult> => {
      try {
        await client.delete(o.resource, o.ref.namespace, o.ref.name, {
          dryRun: options.dryRun,
          uid: o.object.metadata.uid,
        });
        return { what: describeRef(o.ref), ref: o.ref, action };
      } catch (err) {
        if (!(err instanceof MeshdeckError)) throw err;
        return { what: describeRef(o.ref), ref: o.ref, action: 'failed', message: err.message, error: err };
      } finally {
        options.onDone?.();
      }
    });
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error;
      out.push(outcome.value);
    }
  }
  return out;
}

/** Exit 1 with every failure listed, when any object failed. */
export function failuresError(results: readonly ObjectResult[], verb: string): OperationError | undefined {
  const failed = results.filter((r) => r.action === 'failed');
  if (failed.length === 0) return undefined;
  const permission = failed.every((f) => f.error instanceof KubeApiError && f.error.status === 403);
  return new OperationError(
    `${failed.length} of ${results.length} object${results.length === 1 ? '' : 's'} failed to ${verb}`,
    {
      details: failed.map(
        (f) =>
          `${f.origin ? `${location(f.origin.file, f.origin.line, f.origin.col)}: ` : ''}${f.what}: ${f.message ?? ''}`,
      ),
      hint: permission
        ? 'ask a cluster admin for the permissions named above'
        : failed.find((f) => f.error?.hint)?.error?.hint,
    },
  );
}
