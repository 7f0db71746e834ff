// `mesh status`: per mesh, each installed revision (version, when, by whom, control-plane workloads and
// their readiness, webhooks); per namespace, which mesh and revision it asks for, its pods' proxies by
// version, and skew against the control plane; conflicts between meshes' injectors; whether the cluster is
// the sandbox (whose control planes are simulated).
import { readiness } from '../../k8s/wait/readiness.js';
import { ownedBySelector } from '../../k8s/apply/ownership.js';
import type { LiveObject } from '../../k8s/client.js';
import { annotationsOf, isSimulated, labelsOf, listAll } from './cluster.js';
import { describeConflict, findConflicts, liveInjectors } from './conflicts.js';
import type { LifecycleContext } from './context.js';
import { readRecords, type InstallRecord } from './record.js';
import { designNames } from './render.js';
import type { MeshLifecycle } from './types.js';
import { podMeta, podStatus } from './workloads.js';

export interface ComponentStatus {
  kind: string;
  name: string;
  ready: boolean;
  message: string;
}

export interface RevisionStatus {
  revision: string;
  version: string;
  installedAt: string;
  installedBy: string;
  manifestDigest: string;
  ready: boolean;
  components: ComponentStatus[];
  webhooks: string[];
}

export interface NamespaceStatus {
  namespace: string;
  mesh: string;
  /** Injection is asked for (label/annotation, or pod templates). */
  injected: boolean;
  revision?: string;
  pods: number;
  /** Pods with the mesh's proxy, by proxy version. */
  proxies: Record<string, number>;
  withoutProxy: number;
  /** Proxies at a version no installed control plane has. */
  skew: boolean;
}

export interface MeshStatus {
  mesh: string;
  title: string;
  installed: boolean;
  namespace: string;
  revisions: RevisionStatus[];
}

export interface StatusReport {
  simulated: boolean;
  meshes: MeshStatus[];
  namespaces: NamespaceStatus[];
  conflicts: string[];
}

async function revisionStatus(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  record: InstallRecord,
  mwcs: LiveObject[],
): Promise<RevisionStatus> {
  const design = designNames(mesh.name, record.revision).controlPlane;
  const components: ComponentStatus[] = [];
  for (const kind of ['Deployment', 'DaemonSet', 'StatefulSet']) {
    for (const o of await listAll(ctx.client, 'apps/v1', kind, { labelSelector: ownedBySelector(design) })) {
      const r = readiness(o);
      components.push({ kind, name: o.metadata.name ?? '', ready: r.state === 'ready', message: r.message });
    }
  }
  const webhooks = mwcs
    .filter((m) => labelsOf(m)['meshdeck.io/design'] === design)
    .flatMap((m) =>
      ((m.webhooks as Array<{ name: string }> | undefined) ?? []).map((w) => `${m.metadata.name}/${w.name}`),
    );
  return {
    revision: record.revision,
    version: record.version,
    installedAt: record.installedAt,
    installedBy: record.installedBy,
    manifestDigest: record.manifestDigest,
    ready: components.length > 0 && components.every((c) => c.ready),
    components,
    webhooks,
  };
}

export async function meshStatus(
  ctx: LifecycleContext,
  meshes: readonly MeshLifecycle[],
  all: readonly MeshLifecycle[] = meshes,
): Promise<StatusReport> {
  const [records, namespaces, pods, mwcs, simulated] = await Promise.all([
    readRecords(ctx.client),
    listAll(ctx.client, 'v1', 'Namespace'),
    listAll(ctx.client, 'v1', 'Pod'),
    listAll(ctx.client, 'admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'),
    isSimulated(ctx.client),
  ]);
  const report: StatusReport = { simulated, meshes: [], namespaces: [], conflicts: [] };
  const podsByNs = new Map<string, LiveObject[]>();
  for (const p of pods) {
    const ns = p.metadata.namespace ?? '';
    podsByNs.set(ns, [...(podsByNs.get(ns) ?? []), p]);
  }
  for (const mesh of meshes) {
    const mine = records.filter((r) => r.mesh === mesh.name);
    const revisions = await Promise.all(mine.map((r) => revisionStatus(ctx, mesh, r, mwcs)));
    report.meshes.push({
      mesh: mesh.name,
      title: mesh.title,
      installed: mine.length > 0,
      namespace: mesh.namespace,
      revisions,
    });
    if (mine.length === 0) continue;
    const versions = new Set(mine.map((r) => mesh.proxy.expected(r.version)));
    for (const ns of namespaces) {
      const name = ns.metadata.name ?? '';
      if (name === mesh.namespace) continue;
      const nsPods = (podsByNs.get(name) ?? []).filter((p) => podStatus(p) && !p.metadata.deletionTimestamp);
      let requested = mesh.injection.requested({ labels: labelsOf(ns), annotations: annotationsOf(ns) });
      if (mesh.injection.scope === 'pod-template' && !requested) {
        const asked = nsPods.find((p) =>
          mesh.injection.requested({ labels: labelsOf(p), annotations: annotationsOf(p) }),
        );
        if (asked) requested = { revision: mine[0].revision };
      }
      const proxies: Record<string, number> = {};
      let withoutProxy = 0;
      for (const p of nsPods) {
        const v = mesh.proxy.versionOf(podMeta(p));
        if (v) proxies[v] = (proxies[v] ?? 0) + 1;
        else withoutProxy++;
      }
      if (!requested && Object.keys(proxies).length === 0) continue;
      report.namespaces.push({
        namespace: name,
        mesh: mesh.name,
        injected: !!requested,
        revision: mesh.revisions ? requested?.revision : undefined,
        pods: nsPods.length,
        proxies,
        withoutProxy,
        skew: Object.keys(proxies).some((v) => !versions.has(v)),
      });
    }
  }
  const installedMeshes = all.filter((m) => records.some((r) => r.mesh === m.name));
  if (installedMeshes.length > 1) {
    const webhooks = await liveInjectors(ctx.client, installedMeshes);
    const own = new Set(installedMeshes.map((m) => m.namespace));
    report.conflicts = findConflicts(namespaces, webhooks, own).map(describeConflict);
  }
  return report;
}
