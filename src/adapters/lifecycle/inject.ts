// `mesh inject NAMESPACE --mesh MESH [--revision R] [--restart]` and `--disable`: the mesh's own switch
// (a namespace label or annotation, or each workload's pod template for a mesh without one), then, when
// asked, a rolling restart so existing pods are replaced through the injector.
import { OperationError, UsageError } from '../../core/errors.js';
import { annotationsOf, labelsOf, mergePatch } from './cluster.js';
import type { LifecycleContext } from './context.js';
import { readRecords } from './record.js';
import { DEFAULT_REVISION } from './render.js';
import type { MeshLifecycle } from './types.js';
import { patchTemplates, restartNamespace, waitForRollouts, type Workload } from './workloads.js';

export interface InjectOptions {
  revision?: string;
  disable?: boolean;
  restart?: boolean;
  timeoutMs: number;
}

export interface InjectReport {
  namespace: string;
  mesh: string;
  injection: 'enabled' | 'disabled';
  revision?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  restarted: string[];
}

/** The revision new namespaces go to: the one asked for (which must be installed), else the newest. */
export async function targetRevision(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  asked: string | undefined,
): Promise<string> {
  const records = await readRecords(ctx.client, mesh.name);
  if (records.length === 0)
    throw new OperationError(`${mesh.title} is not installed in this cluster`, {
      hint: `meshdeck mesh deploy ${mesh.name}`,
    });
  if (asked !== undefined) {
    if (!mesh.revisions && asked !== DEFAULT_REVISION)
      throw new UsageError(`${mesh.title} has no revisions: --revision is for Istio`);
    if (!records.some((r) => r.revision === asked))
      throw new UsageError(`${mesh.title} has no revision "${asked}" installed`, {
        hint: `installed: ${records.map((r) => r.revision).join(', ')}`,
      });
    return asked;
  }
  return records[records.length - 1].revision;
}

export async function setInjection(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  namespace: string,
  revision: string | undefined,
  enable: boolean,
): Promise<{ labels: Record<string, string>; annotations: Record<string, string>; patched: Workload[] }> {
  const patch = enable ? mesh.injection.enable(revision) : mesh.injection.disable();
  const resource = await ctx.client.resource('v1', 'Namespace');
  const live = await ctx.client.get(resource, undefined, namespace);
  if (!live)
    throw new UsageError(`namespace "${namespace}" does not exist`, {
      hint: 'kubectl create namespace ' + namespace,
    });
  if (mesh.injection.scope === 'pod-template') {
    const patched = await patchTemplates(ctx, namespace, patch);
    return { labels: labelsOf(live), annotations: annotationsOf(live), patched };
  }
  const after = await mergePatch(ctx.client, resource, undefined, namespace, {
    metadata: { labels: patch.labels, annotations: patch.annotations },
  });
  return { labels: labelsOf(after), annotations: annotationsOf(after), patched: [] };
}

export async function injectNamespace(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  namespace: string,
  options: InjectOptions,
): Promise<InjectReport> {
  const revision = options.disable ? undefined : await targetRevision(ctx, mesh, options.revision);
  const enable = !options.disable;
  const { labels, annotations, patched } = await setInjection(ctx, mesh, namespace, revision, enable);
  let restarted = patched;
  if (options.restart && patched.length === 0) restarted = await restartNamespace(ctx, namespace);
  if (restarted.length > 0) await waitForRollouts(ctx, restarted, options.timeoutMs);
  return {
    namespace,
    mesh: mesh.name,
    injection: enable ? 'enabled' : 'disabled',
    revision: mesh.revisions ? revision : undefined,
    labels,
    annotations,
    restarted: restarted.map((w) => `${w.kind.toLowerCase()}.apps/${w.name}`),
  };
}
