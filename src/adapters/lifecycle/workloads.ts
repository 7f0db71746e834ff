// Workloads of a namespace: rolling restarts (kubectl rollout restart's annotation), pod-template patches
// (for meshes whose injection switch is on the pod), waiting for their rollouts, and their pods.
import type { LiveObject } from '../../k8s/client.js';
import { waitForReady, type WaitTarget } from '../../k8s/wait/wait.js';
import { annotationsOf, labelsOf, listAll, mergePatch } from './cluster.js';
import type { LifecycleContext } from './context.js';
import type { MetadataPatch, PodMeta } from './types.js';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export interface Workload {
  kind: string;
  namespace: string;
  name: string;
  object: LiveObject;
}

export async function workloadsIn(ctx: LifecycleContext, namespace: string): Promise<Workload[]> {
  const out: Workload[] = [];
  for (const kind of WORKLOAD_KINDS) {
    for (const object of await listAll(ctx.client, 'apps/v1', kind, { namespace }))
      out.push({ kind, namespace, name: object.metadata.name ?? '', object });
  }
  return out;
}

/** Patches each workload's pod template (a restart, as the pods are replaced); returns the workloads. */
export async function patchTemplates(
  ctx: LifecycleContext,
  namespace: string,
  patch: MetadataPatch,
): Promise<Workload[]> {
  const workloads = await workloadsIn(ctx, namespace);
  for (const w of workloads) {
    const resource = await ctx.client.resource('apps/v1', w.kind);
    await mergePatch(ctx.client, resource, namespace, w.name, {
      spec: { template: { metadata: { labels: patch.labels, annotations: patch.annotations } } },
    });
  }
  return workloads;
}

/** `kubectl rollout restart` of every workload in the namespace. */
export function restartNamespace(ctx: LifecycleContext, namespace: string): Promise<Workload[]> {
  return patchTemplates(ctx, namespace, { annotations: { [RESTARTED_AT]: new Date().toISOString() } });
}

export function waitTargets(ctx: LifecycleContext, workloads: readonly Workload[]): Promise<WaitTarget[]> {
  return Promise.all(
    workloads.map(async (w) => ({
      resource: await ctx.client.resource('apps/v1', w.kind),
      namespace: w.namespace,
      name: w.name,
      what: `${w.kind.toLowerCase()}.apps/${w.name} -n ${w.namespace}`,
    })),
  );
}

/** Until every rollout is done (kubectl rollout status), or the time is up. */
export async function waitForRollouts(
  ctx: LifecycleContext,
  workloads: readonly Workload[],
  timeoutMs: number,
  signal: AbortSignal = ctx.signal,
): Promise<void> {
  if (workloads.length === 0) return;
  await waitForReady(ctx.client, await waitTargets(ctx, workloads), {
    timeoutMs,
    signal,
    onProgress: (s) => {
      const next = s.find((x) => x.state !== 'ready');
      ctx.log.progress(
        `rollout: ${s.filter((x) => x.state === 'ready').length}/${s.length} ready${next ? `; ${next.target.what}: ${next.message}` : ''}`,
      );
    },
  });
}

export function podMeta(pod: LiveObject): PodMeta {
  const spec = (pod.spec ?? {}) as {
    containers?: Array<{ name: string; image: string }>;
    initContainers?: Array<{ name: string; image: string }>;
  };
  return {
    labels: labelsOf(pod),
    annotations: annotationsOf(pod),
    containers: spec.containers ?? [],
    initContainers: spec.initContainers ?? [],
  };
}

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string } };
}

export function podStatus(pod: LiveObject): { ready: boolean; restarts: number; crashLooping: string[] } {
  const status = (pod.status ?? {}) as {
    conditions?: Array<{ type?: string; status?: string }>;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
  const all = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])];
  return {
    ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: all.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    crashLooping: all
      .filter((c) => ['CrashLoopBackOff', 'Error', 'OOMKilled'].includes(c.state?.waiting?.reason ?? ''))
      .map((c) => c.name ?? '?'),
  };
}
