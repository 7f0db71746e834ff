// `mesh remove`: refuses while workloads are still in the mesh (unless --force), then deletes exactly what
// meshdeck installed, found by ownership label: each revision's control plane, the install records, the
// shared objects, and the CRDs last and only with --purge-crds (deleting them deletes every resource of
// those kinds). Namespace labels and already-injected sidecars stay, as with the meshes' own uninstallers.
import { OperationError, ProblemFoundError, TimeoutError } from '../../core/errors.js';
import type { ObjectResult } from '../../k8s/apply/apply.js';
import { deleteDesign } from '../../k8s/apply/delete.js';
import { ownedBySelector } from '../../k8s/apply/ownership.js';
import { listAll } from './cluster.js';
import type { LifecycleContext } from './context.js';
import { recordInstall } from './history.js';
import { deleteRecord, readRecords, type InstallRecord } from './record.js';
import { designNames, emptyDesign } from './render.js';
import { meshStatus } from './status.js';
import type { MeshLifecycle } from './types.js';

/** Polls the namespaces among the deleted objects until they are gone (their finalizers done). */
async function untilGone(
  ctx: LifecycleContext,
  results: readonly ObjectResult[],
  timeoutMs: number,
): Promise<void> {
  const namespaces = results
    .filter((r) => r.action === 'deleted' && r.ref.kind === 'Namespace')
    .map((r) => r.ref.name);
  if (namespaces.length === 0) return;
  const resource = await ctx.client.resource('v1', 'Namespace');
  const deadline = Date.now() + timeoutMs;
  for (const ns of namespaces) {
    while (await ctx.client.get(resource, undefined, ns)) {
      if (Date.now() > deadline)
        throw new TimeoutError(`namespace ${ns} is still being deleted after ${timeoutMs / 1000}s`, {
          hint: `kubectl get namespace ${ns} -o yaml shows what it waits for`,
        });
      ctx.log.progress(`waiting for namespace ${ns} to be deleted`);
      await new Promise((r) => setTimeout(r, 200));
      if (ctx.signal.aborted) throw ctx.signal.reason;
    }
  }
}

export interface RemoveOptions {
  force?: boolean;
  purgeCrds?: boolean;
  timeoutMs: number;
}

export interface RemoveReport {
  mesh: string;
  revisions: string[];
  results: ObjectResult[];
  crdsKept: number;
  stillInjected: string[];
}

export async function removeMesh(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  options: RemoveOptions,
): Promise<RemoveReport> {
  const records = await readRecords(ctx.client, mesh.name);
  const names = designNames(mesh.name, 'default');
  const crds = await listAll(ctx.client, 'apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
    labelSelector: ownedBySelector(names.crds),
  });
  if (records.length === 0 && crds.length === 0)
    throw new OperationError(`${mesh.title} is not installed by meshdeck in this cluster`, {
      hint: 'meshdeck mesh status lists what is installed',
    });
  const status = await meshStatus(ctx, [mesh]);
  const injected = status.namespaces.filter((n) => n.injected || Object.keys(n.proxies).length > 0);
  const stillInjected = injected.map(
    (n) =>
      `${n.namespace}: ${n.injected ? 'injection on' : 'injection off'}, ${Object.values(n.proxies).reduce((a, b) => a + b, 0)} pod(s) with a proxy`,
  );
  if (injected.length > 0 && !options.force)
    throw new ProblemFoundError(
      `${mesh.title} still has workloads in ${injected.length} namespace${injected.length === 1 ? '' : 's'}`,
      {
        details: stillInjected,
        hint: `take them out first (meshdeck mesh inject NS --mesh ${mesh.name} --disable --restart), or remove anyway with --force`,
      },
    );
  if (injected.length > 0)
    ctx.log.warn(
      `removing ${mesh.title} while workloads still use it (--force): their proxies lose the control plane`,
    );
  const results: ObjectResult[] = [];
  const remove = async (design: string) => {
    results.push(
      ...(await deleteDesign(ctx.client, emptyDesign(design), {
        // Watching every kind while their namespace goes away leaves a watch hanging (it is reset and
        // retried); waiting for the namespaces themselves (below) covers what they held.
        wait: false,
        signal: ctx.signal,
        onWarning: (m) => ctx.log.warn(m),
      })),
    );
    await untilGone(ctx, results, options.timeoutMs);
  };
  for (const r of records) {
    await remove(designNames(mesh.name, r.revision).controlPlane);
    await deleteRecord(ctx.client, r);
  }
  await remove(names.base);
  if (options.purgeCrds) await remove(names.crds);
  else if (crds.length > 0)
    ctx.log.info(
      `${crds.length} CustomResourceDefinitions kept (with the resources of their kinds); --purge-crds removes them`,
    );
  await recordRemoval(ctx, mesh, records);
  return {
    mesh: mesh.name,
    revisions: records.map((r) => r.revision),
    results,
    crdsKept: options.purgeCrds ? 0 : crds.length,
    stillInjected,
  };
}

/** One install-history record per revision removed (one with no version when only CRDs were left). */
async function recordRemoval(ctx: LifecycleContext, mesh: MeshLifecycle, records: InstallRecord[]) {
  const removed = records.length > 0 ? records : [undefined];
  for (const r of removed)
    await recordInstall(ctx, {
      action: 'remove',
      outcome: 'removed',
      mesh: mesh.name,
      version: r?.version ?? '',
      revision: r?.revision ?? 'default',
      manifestDigest: r?.manifestDigest ?? '',
      namespace: mesh.namespace,
    });
}
