// Mesh-agnostic Kubernetes rules that matter behind a mesh: protocol selection from Service port names,
// readiness probes, proxy resource limits, app labels, Service selectors; and Kuma's deny-by-default mTLS.
import { hasSidecar } from '../../meshes.js';
import { rec, str, type PodShape } from '../base/object-index.js';
import type { Rule } from '../base/model.js';
import { asPodLike, meshedBy, sidecarMeshes, spec } from './helpers.js';

/** Istio's protocol prefixes (meshes.md 2.8, pkg/config/kube/conversion.go). */
const PROTOCOL_PREFIXES = new Set([
  'http',
  'http2',
  'https',
  'http_proxy',
  'grpc',
  'grpc-web',
  'tcp',
  'tls',
  'udp',
  'mongo',
  'redis',
  'mysql',
]);
/** Ports forced to TCP whatever their name. */
const FORCED_TCP = new Set([25, 53, 3306, 27017]);

function hasProtocol(port: Record<string, unknown>): boolean {
  if (port.protocol === 'UDP' || port.appProtocol || FORCED_TCP.has(Number(port.port))) return true;
  const name = str(port.name ?? '').toLowerCase();
  if (name.startsWith('grpc-web')) return true;
  return PROTOCOL_PREFIXES.has(name.split('-')[0]);
}

/** Each pod or template a mesh injects, once, with the meshes that inject it. */
function* meshedWorkloads(index: Parameters<Rule['check']>[0]): Generator<{ p: PodShape; meshes: string[] }> {
  for (const ns of index.namespaceNames()) {
    for (const p of index.pods(ns)) {
      if (p.live && p.owned) continue;
      const meshes = sidecarMeshes()
        .filter((m) => meshedBy(index, m, p))
        .map((m) => m.mesh);
      if (meshes.length) yield { p, meshes };
    }
  }
}

export const KUBERNETES_RULES: Rule[] = [
  {
    code: 'MD0009',
    name: 'PortWithoutProtocol',
    severity: 'info',
    scope: 'kubernetes',
    control: 'observability',
    title:
      'a Service port has no appProtocol and no protocol-prefixed name (the mesh must guess the protocol)',
    fileLevel: true,
    check(index, ctx) {
      for (const svc of index.kind('/Service')) {
        ((spec(svc).ports as unknown[] | undefined) ?? []).forEach((raw, i) => {
          const port = rec(raw);
          if (!hasProtocol(port)) {
            ctx.report(
              svc,
              `port ${str(port.name ?? port.port)} of Service ${svc.namespace}/${svc.name} has no appProtocol and its name has no protocol prefix (http-, grpc-, tcp-...): the protocol is sniffed`,
              ['spec', 'ports', i],
            );
          }
        });
      }
    },
  },
  {
    code: 'MD0026',
    name: 'MeshedWorkloadWithoutReadinessProbe',
    severity: 'warning',
    scope: 'kubernetes',
    control: 'resilience',
    title: 'a workload behind a mesh has a container without a readiness probe',
    fileLevel: true,
    check(index, ctx) {
      for (const { p, meshes } of meshedWorkloads(index)) {
        const sidecars = new Set(sidecarMeshes().flatMap((m) => m.sidecars));
        (p.spec.containers ?? []).forEach((c, i) => {
          if (sidecars.has(c.name) || c.readinessProbe) return;
          ctx.report(
            p.entry,
            `container ${c.name} of ${p.entry.object.kind} ${p.entry.namespace}/${p.entry.name} has no readiness probe: the ${meshes.join('/')} proxy sends it traffic before it is ready`,
            [...p.specPath, 'containers', i],
          );
        });
      }
    },
  },
  {
    code: 'MD0027',
    name: 'SidecarWithoutResourceLimits',
    severity: 'warning',
    scope: 'kubernetes',
    control: 'resilience',
    title: 'an injected sidecar runs without CPU and memory limits',
    fileLevel: true,
    check(index, ctx) {
      for (const { p } of meshedWorkloads(index)) {
        for (const profile of sidecarMeshes()) {
          const pod = asPodLike(p);
          if (hasSidecar(profile, pod)) {
            const all = [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])];
            const proxy = all.find((c) => profile.sidecars.includes(c.name));
            const limits = rec(rec(proxy?.resources).limits);
            if (!limits.cpu || !limits.memory) {
              ctx.report(
                p.entry,
                `sidecar ${proxy?.name} of ${p.entry.object.kind} ${p.entry.namespace}/${p.entry.name} has no ${!limits.cpu ? 'CPU' : 'memory'} limit`,
              );
            }
          } else if (!p.live && meshedBy(index, profile, p) && profile.proxyLimitAnnotations.length) {
            const missing = profile.proxyLimitAnnotations.filter((a) => !p.annotations[a]);
            if (missing.length) {
              ctx.report(
                p.entry,
                `${p.entry.object.kind} ${p.entry.namespace}/${p.entry.name} is injected by ${profile.mesh} without proxy limits (annotations ${missing.join(', ')})`,
                [...p.specPath.slice(0, -1), 'metadata'],
              );
            }
          }
        }
      }
    },
  },
  {
    code: 'MD0028',
    name: 'MeshedWorkloadWithoutAppLabel',
    severity: 'info',
    scope: 'kubernetes',
    control: 'observability',
    title: 'a meshed workload has no app or app.kubernetes.io/name label (telemetry cannot name it)',
    fileLevel: true,
    check(index, ctx) {
      for (const { p } of meshedWorkloads(index)) {
        if (!p.labels.app && !p.labels['app.kubernetes.io/name']) {
          ctx.report(
            p.entry,
            `${p.entry.object.kind} ${p.entry.namespace}/${p.entry.name} has no app or app.kubernetes.io/name label: mesh telemetry names it after its pod`,
            [...p.specPath.slice(0, -1), 'metadata'],
          );
        }
      }
    },
  },
  {
    code: 'MD0029',
    name: 'ServiceSelectsNoPods',
    severity: 'warning',
    scope: 'kubernetes',
    control: 'resilience',
    title: "a Service's selector matches no pods or pod templates",
    fileLevel: false,
    check(index, ctx) {
      for (const svc of index.kind('/Service')) {
        const selector = spec(svc).selector as Record<string, string> | undefined;
        if (!selector || Object.keys(selector).length === 0 || !svc.namespace) continue;
        if (index.select(svc.namespace, selector).length === 0) {
          ctx.report(
            svc,
            `Service ${svc.namespace}/${svc.name} selects no pods (${Object.entries(selector)
              .map(([k, v]) => `${k}=${v}`)
              .join(',')}): it has no endpoints`,
            ['spec', 'selector'],
          );
        }
      }
    },
  },
  {
    code: 'MD0030',
    name: 'KumaMtlsWithoutTrafficPermission',
    severity: 'error',
    scope: 'kuma',
    control: 'least-privilege',
    title: 'a Kuma Mesh enables mTLS and no MeshTrafficPermission allows any traffic',
    fileLevel: true,
    check(index, ctx) {
      const permissions =
        index.kind('kuma.io/MeshTrafficPermission').length + index.kind('kuma.io/TrafficPermission').length;
      for (const mesh of index.kind('kuma.io/Mesh')) {
        const backend = rec(spec(mesh).mtls).enabledBackend ?? rec(mesh.object.mtls).enabledBackend;
        if (backend && permissions === 0) {
          ctx.report(
            mesh,
            `Kuma Mesh ${mesh.name} enables mTLS (backend ${str(backend)}) and no MeshTrafficPermission exists: all traffic between its data planes is denied`,
            ['spec', 'mtls', 'enabledBackend'],
          );
        }
      }
    },
  },
];
