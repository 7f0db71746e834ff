// data-plane (--proxy): pods in namespaces a mesh injects that run without its sidecar, and proxies whose
// version is skewed from their control plane's.
import type { LiveObject } from '../../k8s/client.js';
import { rollUp, type Category, type SubResult } from '../framework.js';
import type { InstalledMesh } from '../installed.js';
import { hasSidecar, parseVersion, wantsInjection } from '../meshes.js';
import type { CheckContext } from './context.js';

function isRunning(pod: LiveObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

async function meshedPods(ctx: CheckContext) {
  const [meshes, namespaces, pods] = await Promise.all([
    ctx.meshes(),
    ctx.list('v1', 'Namespace'),
    ctx.list('v1', 'Pod', ctx.proxyNamespace),
  ]);
  const nsByName = new Map(namespaces.map((n) => [n.metadata.name, n]));
  const controlPlanes = new Set(meshes.map((m) => m.namespace));
  const candidates = pods.filter((p) => isRunning(p) && !controlPlanes.has(p.metadata.namespace ?? ''));
  return { meshes, nsByName, candidates };
}

/** The control plane's minor version minus the proxy's: how far the proxy lags (negative: ahead). */
export function skew(controlPlane: string | undefined, proxy: string | undefined): number | undefined {
  const cp = parseVersion(controlPlane);
  const dp = parseVersion(proxy);
  if (!cp || !dp || cp[0] !== dp[0]) return cp && dp ? Number.POSITIVE_INFINITY : undefined;
  return cp[1] - dp[1];
}

function versionResult(m: InstalledMesh, pod: LiveObject): SubResult | undefined {
  const version = m.profile.proxyVersion(pod);
  if (!version || !m.version) return undefined;
  const name = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const lag = skew(m.version, version);
  if (lag === undefined)
    return {
      name,
      outcome: 'info',
      message: `${m.profile.mesh} proxy ${version}, control plane ${m.version}: cannot compare`,
    };
  // Every mesh allows the control plane at most one minor ahead of its proxies (meshes.md section 7).
  if (lag < 0 || lag > 1)
    return {
      name,
      outcome: 'failed',
      message: `${m.profile.mesh} proxy ${version} is skewed from control plane ${m.version}`,
    };
  if (version.replace(/^v/, '') !== m.version.replace(/^v/, ''))
    return {
      name,
      outcome: 'info',
      message: `${m.profile.mesh} proxy ${version}, control plane ${m.version} (within the allowed skew)`,
    };
  return { name, outcome: 'passed', message: `${m.profile.mesh} proxy ${version}` };
}

export const dataPlane: Category<CheckContext> = {
  id: 'data-plane',
  checks: [
    {
      id: 'sidecars',
      description: 'pods in injected namespaces have their sidecar',
      hint: 'injection happens when a pod is created: restart the workload (kubectl rollout restart), or opt the pod out explicitly',
      anchor: 'data-plane-sidecars',
      dependsOn: ['kubernetes-api/reachable'],
      run: async (ctx) => {
        const { meshes, nsByName, candidates } = await meshedPods(ctx);
        const children: SubResult[] = [];
        let injected = 0;
        for (const m of meshes) {
          if (m.profile.sidecars.length === 0) continue;
          for (const pod of candidates) {
            if (!wantsInjection(m.profile, nsByName.get(pod.metadata.namespace), pod)) continue;
            if (hasSidecar(m.profile, pod)) injected++;
            else
              children.push({
                name: `${pod.metadata.namespace}/${pod.metadata.name}`,
                outcome: 'failed',
                message: `no ${m.profile.sidecars.join(' or ')} container (${m.profile.mesh} injects this namespace)`,
              });
          }
        }
        return rollUp(children, {
          outcome: 'passed',
          message: `${injected} injected pods, none missing a sidecar`,
        });
      },
    },
    {
      id: 'proxy-versions',
      description: 'proxies run a version their control plane supports',
      hint: 'restart the workloads so they get the current proxy (kubectl rollout restart)',
      anchor: 'data-plane-proxy-versions',
      dependsOn: ['kubernetes-api/reachable'],
      run: async (ctx) => {
        const { meshes, candidates } = await meshedPods(ctx);
        const children: SubResult[] = [];
        for (const m of meshes)
          for (const pod of candidates)
            if (hasSidecar(m.profile, pod)) {
              const r = versionResult(m, pod);
              if (r) children.push(r);
            }
        return rollUp(children, { outcome: 'info', message: 'no meshed pods' });
      },
    },
  ],
};
