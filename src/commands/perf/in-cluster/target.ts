// The target of an in-cluster run as the cluster knows it: the Service its URL leads to (a Service DNS
// name, a load-balancer address or a cluster IP), the pods behind it, the mesh whose sidecar they carry
// and that proxy's version; and a sampler of those pods' and the mesh control plane's CPU and memory from
// metrics.k8s.io, when the cluster serves it.
import { hasSidecar, MESH_PROFILES, profileOf, type PodLike } from '../../../checks/meshes.js';
import type { ClusterClient, LiveObject } from '../../../k8s/client.js';
import type { ContainerUsage, ResourceSampler, TargetMesh } from '../../../perf/cluster/fleet.js';

/** The annotation the sandbox puts on PodMetrics: containers it only simulates (their usage is zero). */
export const SIMULATED_ANNOTATION = 'metrics.sandbox.meshdeck.dev/simulated-containers';

interface ServiceView extends LiveObject {
  spec?: {
    selector?: Record<string, string>;
    clusterIP?: string;
    ports?: Array<{ port?: number; name?: string }>;
  };
  status?: {
    loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string; ports?: Array<{ port?: number }> }> };
  };
}

const DNS_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.svc(\.cluster\.local)?)?$/;

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** The Service a URL leads to, or undefined when none of the cluster's does. */
export async function findService(client: ClusterClient, target: string): Promise<ServiceView | undefined> {
  const url = new URL(target);
  const host = url.hostname;
  const services = await client.resource('v1', 'Service');
  const named = DNS_NAME.exec(host);
  if (named && !/^\d+\.\d+$/.test(`${named[1]}.${named[3]}`)) {
    const svc = await client.get(services, named[3], named[1]);
    if (svc) return svc;
  }
  const port = portOf(url);
  const { items } = await client.list(services);
  return (items as ServiceView[]).find((svc) => {
    const ingress = svc.status?.loadBalancer?.ingress ?? [];
    if (
      ingress.some(
        (i) => (i.ip === host || i.hostname === host) && (i.ports ?? []).some((p) => p.port === port),
      )
    )
      return true;
    return svc.spec?.clusterIP === host && (svc.spec.ports ?? []).some((p) => p.port === port);
  });
}

export interface ResolvedTarget {
  mesh: TargetMesh;
  namespace?: string;
}

/** The target's pods and mesh; an empty description when the URL leads to no Service of this cluster. */
export async function describeTarget(client: ClusterClient, url: string): Promise<ResolvedTarget> {
  const svc = await findService(client, url);
  const selector = svc?.spec?.selector;
  if (!svc || !selector || Object.keys(selector).length === 0)
    return { mesh: { pods: [], mesh: null, injected: false } };
  const namespace = svc.metadata.namespace ?? '';
  const pods = await client.resource('v1', 'Pod');
  const labelSelector = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const { items } = await client.list(pods, { namespace, labelSelector });
  const live = (items as PodLike[]).filter(
    (p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp,
  );
  const profile = MESH_PROFILES.find((m) => live.some((p) => hasSidecar(m, p)));
  const version = profile ? live.map((p) => profile.proxyVersion(p)).find((v) => v !== undefined) : undefined;
  return {
    namespace,
    mesh: {
      service: { namespace, name: svc.metadata.name ?? '' },
      pods: live.map((p) => p.metadata.name ?? ''),
      mesh: profile?.mesh ?? null,
      injected: profile !== undefined,
      ...(version ? { proxy_version: version } : {}),
    },
  };
}

/** "250m", "123456n", "1", "2u" → millicores. */
export function cpuMillicores(q: string | undefined): number {
  const m = /^([0-9.]+)([num]?)$/.exec(q ?? '');
  if (!m) return 0;
  const v = Number(m[1]);
  return m[2] === 'n' ? v / 1e6 : m[2] === 'u' ? v / 1e3 : m[2] === 'm' ? v : v * 1000;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};

/** "123456Ki", "200Mi", "1000000" → MiB. */
export function memoryMib(q: string | undefined): number {
  const m = /^([0-9.]+)(Ki|Mi|Gi|k|M|G)?$/.exec(q ?? '');
  if (!m) return 0;
  return (Number(m[1]) * MEMORY_UNITS[m[2] ?? '']) / 1024 ** 2;
}

interface PodMetricsView {
  metadata: { name?: string; namespace?: string; annotations?: Record<string, string> };
  containers?: Array<{ name?: string; usage?: { cpu?: string; memory?: string } }>;
}

/**
 * A sampler of the target's pods (sidecar apart from the app) and of the mesh control plane's pods, or
 * undefined with the reason when the cluster serves no metrics.k8s.io.
 */
export async function metricsSampler(
  client: ClusterClient,
  target: ResolvedTarget,
): Promise<{ sampler?: ResourceSampler; reason?: string }> {
  let podMetrics;
  try {
    podMetrics = await client.resource('metrics.k8s.io/v1beta1', 'PodMetrics');
  } catch {
    return { reason: 'the cluster serves no metrics.k8s.io (install metrics-server)' };
  }
  if (!target.namespace || target.mesh.pods.length === 0)
    return { reason: 'the URL leads to no Service of this cluster with pods' };
  const profile = target.mesh.mesh ? profileOf(target.mesh.mesh) : undefined;
  const targetPods = new Set(target.mesh.pods);
  const read = async (namespace: string): Promise<PodMetricsView[]> =>
    (await client.list(podMetrics, { namespace })).items;
  const usage = (m: PodMetricsView, scope: ContainerUsage['scope']): ContainerUsage[] => {
    const simulated = new Set(
      (m.metadata.annotations?.[SIMULATED_ANNOTATION] ?? '').split(',').filter(Boolean),
    );
    return (m.containers ?? []).map((c) => ({
      scope,
      namespace: m.metadata.namespace ?? '',
      pod: m.metadata.name ?? '',
      container: c.name ?? '',
      role:
        scope === 'control-plane'
          ? 'control-plane'
          : profile?.sidecars.includes(c.name ?? '')
            ? 'sidecar'
            : 'app',
      cpu_m: cpuMillicores(c.usage?.cpu),
      memory_mib: memoryMib(c.usage?.memory),
      simulated: simulated.has(c.name ?? ''),
    }));
  };
  return {
    sampler: {
      async sample() {
        const own = (await read(target.namespace!)).filter((m) => targetPods.has(m.metadata.name ?? ''));
        const plane = profile ? await read(profile.namespace) : [];
        return [
          ...own.flatMap((m) => usage(m, 'target')),
          ...plane.flatMap((m) => usage(m, 'control-plane')),
        ];
      },
    },
  };
}

/**
 * The URL of a Service as generator pods reach it: its load-balancer address when it has one (the only
 * address the sandbox's process pods can reach too), else its cluster DNS name.
 */
export function serviceUrl(svc: LiveObject, port: string | undefined, path: string): string {
  const s = svc as ServiceView;
  const ports = s.spec?.ports ?? [];
  const index = port === undefined ? 0 : ports.findIndex((p) => String(p.port) === port || p.name === port);
  const slash = path.startsWith('/') ? path : `/${path}`;
  const ingress = s.status?.loadBalancer?.ingress?.[0];
  const lbPort = index >= 0 ? ingress?.ports?.[index]?.port : undefined;
  const host = ingress?.ip ?? ingress?.hostname;
  if (host && lbPort) return `http://${host}:${lbPort}${slash}`;
  const svcPort = index >= 0 ? (ports[index]?.port ?? 80) : Number(port);
  return `http://${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local:${svcPort}${slash}`;
}
