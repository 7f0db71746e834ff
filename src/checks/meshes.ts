// What meshdeck knows about each mesh, in one table per mesh: where its control plane lives, how a
// namespace or pod asks for injection, what an injected pod looks like and which version its proxy runs.
// Checks and analyzer rules read these tables; none of them spells a mesh's labels itself.
// Sources: docs reference meshes.md sections x.4 (injection) and x.6 (health signals).
import { imageTag } from '../kube/image.js';
import type { MeshName } from '../design/model.js';

export interface ObjectLike {
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: unknown;
}

export type Injection = 'enabled' | 'disabled' | undefined;

export interface ControlPlaneWorkload {
  kind: 'Deployment' | 'DaemonSet' | 'StatefulSet';
  /** A name, or a label selector for workloads whose names vary (istiod-<revision>). */
  name?: string;
  labelSelector?: string;
  /** The workload whose presence means the mesh is installed. */
  detects?: boolean;
}

export interface MeshProfile {
  mesh: MeshName;
  /** The default control-plane namespace. */
  namespace: string;
  controlPlane: ControlPlaneWorkload[];
  /** API groups of its CRDs. */
  crdGroups: string[];
  /** Names of its admission webhook configurations. */
  webhookName: RegExp;
  /** kubernetes.io/tls Secrets in its namespace that hold webhook serving certificates. */
  webhookSecrets: string[];
  /** Containers its injector adds (regular or native-sidecar init containers). */
  sidecars: string[];
  /** Pod annotations that set the injected proxy's CPU and memory limits (empty: not settable so). */
  proxyLimitAnnotations: string[];
  /** How the namespace asks for injection. */
  namespaceInjection(ns: ObjectLike): Injection;
  /** How a pod (or pod template) asks for injection, overriding its namespace. */
  podInjection(pod: ObjectLike): Injection;
  /** The proxy version of an injected pod, when it can be told. */
  proxyVersion(pod: PodLike): string | undefined;
}

export interface PodLike extends ObjectLike {
  spec?: { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
}

export interface ContainerLike {
  name: string;
  image?: string;
  restartPolicy?: string;
}

const labels = (o: ObjectLike) => o.metadata.labels ?? {};
const annotations = (o: ObjectLike) => o.metadata.annotations ?? {};

function word(value: string | undefined, on: string[], off: string[]): Injection {
  if (value === undefined) return undefined;
  if (on.includes(value)) return 'enabled';
  if (off.includes(value)) return 'disabled';
  return undefined;
}

export function allContainers(pod: PodLike): ContainerLike[] {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
}

function sidecarTag(pod: PodLike, name: string): string | undefined {
  return imageTag(allContainers(pod).find((c) => c.name === name)?.image);
}

const ISTIO: MeshProfile = {
  mesh: 'istio',
  namespace: 'istio-system',
  controlPlane: [{ kind: 'Deployment', labelSelector: 'app=istiod', detects: true }],
  crdGroups: ['networking.istio.io', 'security.istio.io'],
  webhookName: /^istio/,
  webhookSecrets: [],
  sidecars: ['istio-proxy'],
  proxyLimitAnnotations: ['sidecar.istio.io/proxyCPULimit', 'sidecar.istio.io/proxyMemoryLimit'],
  // istio-injection wins over istio.io/rev (meshes.md 2.4).
  namespaceInjection: (ns) =>
    word(labels(ns)['istio-injection'], ['enabled'], ['disabled']) ??
    (labels(ns)['istio.io/rev'] ? 'enabled' : undefined),
  podInjection: (pod) => word(labels(pod)['sidecar.istio.io/inject'], ['true'], ['false']),
  proxyVersion: (pod) => sidecarTag(pod, 'istio-proxy'),
};

const LINKERD: MeshProfile = {
  mesh: 'linkerd',
  namespace: 'linkerd',
  controlPlane: [
    { kind: 'Deployment', name: 'linkerd-destination', detects: true },
    { kind: 'Deployment', name: 'linkerd-identity' },
    { kind: 'Deployment', name: 'linkerd-proxy-injector' },
  ],
  crdGroups: ['policy.linkerd.io', 'linkerd.io'],
  webhookName: /^linkerd-/,
  webhookSecrets: [
    'linkerd-proxy-injector-k8s-tls',
    'linkerd-sp-validator-k8s-tls',
    'linkerd-policy-validator-k8s-tls',
  ],
  sidecars: ['linkerd-proxy'],
  proxyLimitAnnotations: ['config.linkerd.io/proxy-cpu-limit', 'config.linkerd.io/proxy-memory-limit'],
  namespaceInjection: (ns) =>
    word(annotations(ns)['linkerd.io/inject'], ['enabled', 'ingress'], ['disabled']),
  podInjection: (pod) => word(annotations(pod)['linkerd.io/inject'], ['enabled', 'ingress'], ['disabled']),
  proxyVersion: (pod) => annotations(pod)['linkerd.io/proxy-version'] ?? sidecarTag(pod, 'linkerd-proxy'),
};

const KUMA: MeshProfile = {
  mesh: 'kuma',
  namespace: 'kuma-system',
  controlPlane: [{ kind: 'Deployment', name: 'kuma-control-plane', detects: true }],
  crdGroups: ['kuma.io'],
  webhookName: /^kuma-/,
  webhookSecrets: ['kuma-tls-cert'],
  sidecars: ['kuma-sidecar'],
  proxyLimitAnnotations: [],
  namespaceInjection: (ns) =>
    word(labels(ns)['kuma.io/sidecar-injection'], ['enabled', 'true'], ['disabled', 'false']),
  podInjection: (pod) =>
    word(labels(pod)['kuma.io/sidecar-injection'], ['enabled', 'true'], ['disabled', 'false']),
  proxyVersion: (pod) => sidecarTag(pod, 'kuma-sidecar'),
};

const CONSUL: MeshProfile = {
  mesh: 'consul',
  namespace: 'consul',
  controlPlane: [
    { kind: 'StatefulSet', name: 'consul-server', detects: true },
    { kind: 'Deployment', name: 'consul-connect-injector', detects: true },
  ],
  crdGroups: ['consul.hashicorp.com'],
  webhookName: /^consul-/,
  webhookSecrets: [],
  sidecars: ['consul-dataplane'],
  proxyLimitAnnotations: [
    'consul.hashicorp.com/sidecar-proxy-cpu-limit',
    'consul.hashicorp.com/sidecar-proxy-memory-limit',
  ],
  // No namespace switch: pods opt in (connectInject.default false, meshes.md 5.4).
  namespaceInjection: () => undefined,
  podInjection: (pod) => word(annotations(pod)['consul.hashicorp.com/connect-inject'], ['true'], ['false']),
  proxyVersion: (pod) =>
    annotations(pod)['consul.hashicorp.com/consul-k8s-version']?.replace(/^v/, '') ??
    sidecarTag(pod, 'consul-dataplane'),
};

const CILIUM: MeshProfile = {
  mesh: 'cilium',
  namespace: 'kube-system',
  controlPlane: [
    { kind: 'DaemonSet', name: 'cilium', detects: true },
    { kind: 'Deployment', name: 'cilium-operator' },
  ],
  crdGroups: ['cilium.io'],
  webhookName: /^cilium-/,
  webhookSecrets: ['hubble-server-certs'],
  // Sidecar-less: nothing is injected, so no pod can lack a sidecar.
  sidecars: [],
  proxyLimitAnnotations: [],
  namespaceInjection: () => undefined,
  podInjection: () => undefined,
  proxyVersion: () => undefined,
};

export const MESH_PROFILES: readonly MeshProfile[] = [ISTIO, LINKERD, KUMA, CONSUL, CILIUM];

export function profileOf(mesh: string): MeshProfile | undefined {
  return MESH_PROFILES.find((p) => p.mesh === mesh);
}

/** Whether the pod carries this mesh's sidecar. */
export function hasSidecar(profile: MeshProfile, pod: PodLike): boolean {
  return allContainers(pod).some((c) => profile.sidecars.includes(c.name));
}

/** Whether this mesh's injector would inject a pod created now in that namespace. */
export function wantsInjection(
  profile: MeshProfile,
  namespace: ObjectLike | undefined,
  pod: ObjectLike,
): boolean {
  const own = profile.podInjection(pod);
  if (own !== undefined) return own === 'enabled';
  return namespace !== undefined && profile.namespaceInjection(namespace) === 'enabled';
}

/** "1.30.3" → [1, 30, 3]; undefined when it is not a version. */
export function parseVersion(text: string | undefined): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}
