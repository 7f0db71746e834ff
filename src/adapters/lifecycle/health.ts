// The health checks a canary step must pass: the control plane is ready, the moved namespaces' workloads
// rolled out, their pods run the expected proxy version and are ready, and nothing crash-loops. Each check
// is named, so a failed step says which one failed.
import { MeshdeckError } from '../../core/errors.js';
import { ownedBySelector } from '../../k8s/apply/ownership.js';
import type { LiveObject } from '../../k8s/client.js';
import { waitForReady } from '../../k8s/wait/wait.js';
import { listAll } from './cluster.js';
import type { LifecycleContext } from './context.js';
import type { MeshLifecycle } from './types.js';
import { podMeta, podStatus, waitForRollouts, type Workload } from './workloads.js';

export interface HealthCheck {
  name: 'control-plane-ready' | 'workloads-ready' | 'proxy-version' | 'no-crash-loops' | 'perf-gate';
  ok: boolean;
  message: string;
}

function failure(name: HealthCheck['name'], err: unknown): HealthCheck {
  if (!(err instanceof MeshdeckError)) throw err;
  const detail = err.details.length > 0 ? `: ${err.details.slice(0, 3).join('; ')}` : '';
  return { name, ok: false, message: `${err.message}${detail}` };
}

async function controlPlaneWorkloads(ctx: LifecycleContext, design: string): Promise<Workload[]> {
  const out: Workload[] = [];
  for (const kind of ['Deployment', 'DaemonSet', 'StatefulSet'])
    for (const object of await listAll(ctx.client, 'apps/v1', kind, {
      labelSelector: ownedBySelector(design),
    }))
      out.push({
        kind,
        namespace: object.metadata.namespace ?? '',
        name: object.metadata.name ?? '',
        object,
      });
  return out;
}

export async function controlPlaneReady(
  ctx: LifecycleContext,
  design: string,
  timeoutMs: number,
): Promise<HealthCheck> {
  const workloads = await controlPlaneWorkloads(ctx, design);
  if (workloads.length === 0)
    return {
      name: 'control-plane-ready',
      ok: false,
      message: `no control-plane workloads of ${design} found`,
    };
  try {
    await waitForRollouts(ctx, workloads, timeoutMs);
    return {
      name: 'control-plane-ready',
      ok: true,
      message: `${workloads.map((w) => w.name).join(', ')} ready`,
    };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return failure('control-plane-ready', err);
  }
}

export async function workloadsReady(
  ctx: LifecycleContext,
  workloads: readonly Workload[],
  timeoutMs: number,
): Promise<HealthCheck> {
  try {
    await waitForRollouts(ctx, workloads, timeoutMs);
    return {
      name: 'workloads-ready',
      ok: true,
      message: `${workloads.length} workload${workloads.length === 1 ? '' : 's'} rolled out`,
    };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return failure('workloads-ready', err);
  }
}

async function podsOf(ctx: LifecycleContext, namespaces: readonly string[]): Promise<LiveObject[]> {
  const out: LiveObject[] = [];
  for (const ns of namespaces)
    out.push(
      ...(await listAll(ctx.client, 'v1', 'Pod', { namespace: ns })).filter(
        (p) => !p.metadata.deletionTimestamp,
      ),
    );
  return out;
}

/**
 * Pods of the moved namespaces are ready and run the expected proxy (on the sandbox too: its simulated
 * injector adds the sidecar as the mesh's would).
 */
export async function proxiesAt(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  namespaces: readonly string[],
  expected: string,
): Promise<HealthCheck> {
  const pods = await podsOf(ctx, namespaces);
  const name = (p: LiveObject) => `${p.metadata.namespace}/${p.metadata.name}`;
  const notReady = pods.filter((p) => !podStatus(p).ready);
  if (notReady.length > 0)
    return {
      name: 'proxy-version',
      ok: false,
      message: `${notReady.length} pod(s) not ready: ${notReady.slice(0, 3).map(name).join(', ')}`,
    };
  if (!mesh.proxy.container)
    return {
      name: 'proxy-version',
      ok: true,
      message: `${pods.length} pods ready (no sidecars in ${mesh.title})`,
    };
  const versions = pods.map((p) => ({ pod: p, version: mesh.proxy.versionOf(podMeta(p)) }));
  const wrong = versions.filter((v) => v.version && v.version !== expected);
  if (wrong.length > 0)
    return {
      name: 'proxy-version',
      ok: false,
      message: `${wrong.length} pod(s) run another proxy version than ${expected}: ${wrong
        .slice(0, 3)
        .map((w) => `${name(w.pod)} (${w.version})`)
        .join(', ')}`,
    };
  const missing = versions.filter((v) => !v.version);
  if (missing.length > 0)
    return {
      name: 'proxy-version',
      ok: false,
      message: `${missing.length} pod(s) without a ${mesh.proxy.container} sidecar: ${missing
        .slice(0, 3)
        .map((m) => name(m.pod))
        .join(', ')}`,
    };
  return { name: 'proxy-version', ok: true, message: `${pods.length} pods ready with proxy ${expected}` };
}

export async function noCrashLoops(
  ctx: LifecycleContext,
  namespaces: readonly string[],
  controlPlaneDesign: string,
): Promise<HealthCheck> {
  const pods = await podsOf(ctx, namespaces);
  for (const w of await controlPlaneWorkloads(ctx, controlPlaneDesign)) {
    const selector = (w.object.spec as { selector?: { matchLabels?: Record<string, string> } })?.selector
      ?.matchLabels;
    if (!selector) continue;
    const labelSelector = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    pods.push(...(await listAll(ctx.client, 'v1', 'Pod', { namespace: w.namespace, labelSelector })));
  }
  const bad = pods.filter((p) => {
    const s = podStatus(p);
    return s.crashLooping.length > 0 || s.restarts > 0;
  });
  if (bad.length > 0)
    return {
      name: 'no-crash-loops',
      ok: false,
      message: `${bad.length} pod(s) restarting: ${bad
        .slice(0, 3)
        .map((p) => `${p.metadata.namespace}/${p.metadata.name} (${podStatus(p).restarts} restarts)`)
        .join(', ')}`,
    };
  return { name: 'no-crash-loops', ok: true, message: `${pods.length} pods, no restarts` };
}

/** Every workload of the given namespaces, ready (used after a rollback's restarts, best effort). */
export async function settle(
  ctx: LifecycleContext,
  workloads: readonly Workload[],
  timeoutMs: number,
  signal: AbortSignal,
) {
  if (workloads.length === 0) return;
  const targets = await Promise.all(
    workloads.map(async (w) => ({
      resource: await ctx.client.resource('apps/v1', w.kind),
      namespace: w.namespace,
      name: w.name,
      what: `${w.kind.toLowerCase()}/${w.name} -n ${w.namespace}`,
    })),
  );
  await waitForReady(ctx.client, targets, { timeoutMs, signal });
}
