// What each mesh's sidecar injector adds to a pod, as a JSONPatch: the containers (names and images as the
// real injectors write them), and the annotations and labels the mesh's tools read back (the proxy version
// and revision among them). The pods are simulated, so the containers carry only what Kubernetes shows:
// no iptables rules, no Envoy. Facts: /work/shared/docs/reference/meshes.md sections 2.4, 3.4, 4.4, 5.4.
import { createHash } from 'node:crypto';

export interface Pod {
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind?: string; name?: string }>;
  };
  spec?: {
    containers?: Array<{ name?: string; image?: string }>;
    initContainers?: Array<{ name?: string; image?: string }>;
    volumes?: unknown[];
  };
}

export interface InjectorSettings {
  mesh: string;
  /** The control plane's version: the proxies' version. */
  version: string;
  /** "default" for the unrevisioned control plane. */
  revision: string;
  /** The control plane's namespace. */
  namespace: string;
  /** The sidecar's image, as the control plane's configuration names it. */
  proxyImage: string;
  /** The init container's image, where it differs from the proxy's. */
  initImage?: string;
}

/** What the webhook's caller tells the injector beyond the pod. */
export interface InjectRequest {
  namespace: string;
  /** The namespace's annotations, for meshes whose injector reads them (Linkerd). */
  namespaceAnnotations?: Record<string, string>;
}

type Op = { op: 'add' | 'replace'; path: string; value: unknown };

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Ops adding containers, init containers, annotations and labels to a pod (creating the lists and maps). */
function ops(
  pod: Pod,
  add: {
    containers?: unknown[];
    initContainers?: unknown[];
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  },
): Op[] {
  const out: Op[] = [];
  const list = (field: 'containers' | 'initContainers', items: unknown[] | undefined, first: boolean) => {
    if (!items?.length) return;
    const existing = pod.spec?.[field];
    if (!existing) out.push({ op: 'add', path: `/spec/${field}`, value: items });
    else if (first)
      out.push(...items.reverse().map((v) => ({ op: 'add' as const, path: `/spec/${field}/0`, value: v })));
    else out.push(...items.map((v) => ({ op: 'add' as const, path: `/spec/${field}/-`, value: v })));
  };
  // Init containers go first (the proxy must run before the app's own init containers), sidecars last.
  list('initContainers', add.initContainers, true);
  list('containers', add.containers, false);
  for (const field of ['annotations', 'labels'] as const) {
    const entries = add[field];
    if (!entries || Object.keys(entries).length === 0) continue;
    if (!pod.metadata?.[field]) {
      out.push({ op: 'add', path: `/metadata/${field}`, value: entries });
      continue;
    }
    for (const [k, v] of Object.entries(entries))
      out.push({ op: 'add', path: `/metadata/${field}/${escape(k)}`, value: v });
  }
  return out;
}

const names = (list: Array<{ name?: string }> | undefined) => (list ?? []).map((c) => c.name ?? '');
const hasContainer = (pod: Pod, name: string) =>
  [...names(pod.spec?.containers), ...names(pod.spec?.initContainers)].includes(name);

/** The workload that owns the pod: a Deployment's name from its ReplicaSet's, as the meshes derive it. */
function owner(pod: Pod): { kind: string; name: string } | undefined {
  const ref = pod.metadata?.ownerReferences?.[0];
  if (!ref?.kind || !ref.name) return undefined;
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`))
    return { kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1) };
  return { kind: ref.kind, name: ref.name };
}

function istio(pod: Pod, s: InjectorSettings): Op[] | undefined {
  if (hasContainer(pod, 'istio-proxy') || pod.metadata?.annotations?.['sidecar.istio.io/status'])
    return undefined;
  const labels = pod.metadata?.labels ?? {};
  if (labels['sidecar.istio.io/inject'] === 'false') return undefined;
  const workload = owner(pod);
  const app = names(pod.spec?.containers)[0];
  const status = {
    initContainers: ['istio-init'],
    containers: ['istio-proxy'],
    volumes: ['istio-envoy', 'istio-data'],
    imagePullSecrets: null,
    revision: s.revision,
  };
  const newVolumes = [
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
  ];
  const out = ops(pod, {
    initContainers: [
      {
        name: 'istio-init',
        image: s.proxyImage,
        args: [
          'istio-iptables',
          '-p',
          '15001',
          '-z',
          '15006',
          '-u',
          '1337',
          '-m',
          'REDIRECT',
          '-i',
          '*',
          '-x',
          '',
          '-b',
          '*',
          '-d',
          '15090,15021,15020',
          '--log_output_level=default:info',
        ],
      },
    ],
    containers: [
      {
        name: 'istio-proxy',
        image: s.proxyImage,
        args: [
          'proxy',
          'sidecar',
          '--domain',
          '$(POD_NAMESPACE).svc.cluster.local',
          '--proxyLogLevel=warning',
          '--proxyComponentLogLevel=misc:error',
          '--log_output_level=default:info',
        ],
        ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
        env: [
          { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
          {
            name: 'CA_ADDR',
            value: `istiod${s.revision === 'default' ? '' : `-${s.revision}`}.${s.namespace}.svc:15012`,
          },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'ISTIO_META_WORKLOAD_NAME', value: workload?.name ?? pod.metadata?.name ?? '' },
        ],
        volumeMounts: [
          { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
          { name: 'istio-data', mountPath: '/var/lib/istio/data' },
        ],
      },
    ],
    annotations: {
      'sidecar.istio.io/status': JSON.stringify(status),
      'istio.io/rev': s.revision,
      ...(app ? { 'kubectl.kubernetes.io/default-container': app } : {}),
    },
    labels: {
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name':
        labels['app.kubernetes.io/name'] ?? labels.app ?? workload?.name ?? pod.metadata?.name ?? '',
      'service.istio.io/canonical-revision':
        labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest',
    },
  });
  if (pod.spec?.volumes)
    out.push(...newVolumes.map((v) => ({ op: 'add' as const, path: '/spec/volumes/-', value: v })));
  else out.push({ op: 'add', path: '/spec/volumes', value: newVolumes });
  return out;
}

function linkerd(pod: Pod, s: InjectorSettings, r: InjectRequest): Op[] | undefined {
  if (hasContainer(pod, 'linkerd-proxy')) return undefined;
  // The pod's own annotation wins over its namespace's (linkerd2 pkg/inject).
  const mode =
    pod.metadata?.annotations?.['linkerd.io/inject'] ?? r.namespaceAnnotations?.['linkerd.io/inject'];
  if (mode !== 'enabled' && mode !== 'ingress') return undefined;
  const workload = owner(pod);
  const kind = workload?.kind.toLowerCase();
  return ops(pod, {
    initContainers: [
      {
        name: 'linkerd-init',
        image: s.proxyImage,
        args: [
          '--ipv6=false',
          '--incoming-proxy-port',
          '4143',
          '--outgoing-proxy-port',
          '4140',
          '--proxy-uid',
          '2102',
          '--inbound-ports-to-ignore',
          '4190,4191,4567,4568',
          '--outbound-ports-to-ignore',
          '4567,4568',
        ],
      },
      {
        // Native sidecar: proxy.nativeSidecar is on by default in this edge release.
        name: 'linkerd-proxy',
        image: s.proxyImage,
        restartPolicy: 'Always',
        ports: [
          { name: 'linkerd-proxy', containerPort: 4143 },
          { name: 'linkerd-admin', containerPort: 4191 },
        ],
        env: [
          { name: 'LINKERD2_PROXY_LOG', value: 'warn,linkerd=info,hickory=error' },
          {
            name: 'LINKERD2_PROXY_DESTINATION_SVC_ADDR',
            value: `linkerd-dst-headless.${s.namespace}.svc.cluster.local.:8086`,
          },
          { name: '_pod_ns', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        ],
      },
    ],
    annotations: {
      'linkerd.io/created-by': `linkerd/proxy-injector ${s.version}`,
      'linkerd.io/proxy-version': s.version,
      'linkerd.io/trust-root-sha256': createHash('sha256').update(`${s.namespace}/trust-roots`).digest('hex'),
      ...(mode === 'ingress' ? { 'linkerd.io/inject': 'ingress' } : {}),
    },
    labels: {
      'linkerd.io/control-plane-ns': s.namespace,
      'linkerd.io/workload-ns': r.namespace,
      ...(kind && workload ? { [`linkerd.io/proxy-${kind}`]: workload.name } : {}),
    },
  });
}

function kuma(pod: Pod, s: InjectorSettings): Op[] | undefined {
  if (hasContainer(pod, 'kuma-sidecar') || pod.metadata?.annotations?.['kuma.io/sidecar-injected'] === 'true')
    return undefined;
  if (pod.metadata?.labels?.['kuma.io/sidecar-injection'] === 'disabled') return undefined;
  const mesh =
    pod.metadata?.annotations?.['kuma.io/mesh'] ?? pod.metadata?.labels?.['kuma.io/mesh'] ?? 'default';
  return ops(pod, {
    initContainers: [
      {
        name: 'kuma-init',
        image: s.initImage ?? s.proxyImage,
        args: [
          '--config',
          '/tmp/kumactl/config',
          '--redirect-outbound-port',
          '15001',
          '--redirect-inbound-port',
          '15006',
          '--kuma-dp-uid',
          '5678',
          '--exclude-inbound-ports',
          '',
          '--exclude-outbound-ports',
          '',
          '--verbose',
          '--ip-family-mode',
          'dualstack',
        ],
      },
      {
        // Native sidecar (KUMA_EXPERIMENTAL_SIDECAR_CONTAINERS=true in the render).
        name: 'kuma-sidecar',
        image: s.proxyImage,
        restartPolicy: 'Always',
        args: ['run', '--log-level=info', '--concurrency=2'],
        env: [
          { name: 'KUMA_CONTROL_PLANE_URL', value: `https://kuma-control-plane.${s.namespace}:5678` },
          { name: 'KUMA_DATAPLANE_MESH', value: mesh },
          { name: 'KUMA_DATAPLANE_DRAIN_TIME', value: '30s' },
        ],
      },
    ],
    annotations: {
      'kuma.io/sidecar-injected': 'true',
      'kuma.io/mesh': mesh,
      'kuma.io/sidecar-uid': '5678',
      'kuma.io/envoy-admin-port': '9901',
      'kuma.io/transparent-proxying': 'enabled',
      'kuma.io/transparent-proxying-inbound-port': '15006',
      'kuma.io/transparent-proxying-outbound-port': '15001',
      'kuma.io/builtin-dns': 'enabled',
      'kuma.io/builtin-dns-port': '15053',
    },
  });
}

function consul(pod: Pod, s: InjectorSettings): Op[] | undefined {
  const annotations = pod.metadata?.annotations ?? {};
  // connectInject.default is false: pods opt in (meshes.md 5.4).
  if (annotations['consul.hashicorp.com/connect-inject'] !== 'true') return undefined;
  if (annotations['consul.hashicorp.com/connect-inject-status'] === 'injected') return undefined;
  const original = JSON.stringify(pod);
  const firstPort = (pod.spec?.containers?.[0] as { ports?: Array<{ containerPort?: number }> } | undefined)
    ?.ports?.[0]?.containerPort;
  return ops(pod, {
    initContainers: [
      {
        name: 'consul-connect-inject-init',
        image: s.initImage ?? s.proxyImage,
        command: [
          '/bin/sh',
          '-ec',
          'consul-k8s-control-plane connect-init -pod-name=${POD_NAME} -pod-namespace=${POD_NAMESPACE}',
        ],
      },
    ],
    containers: [
      {
        name: 'consul-dataplane',
        image: s.proxyImage,
        args: [
          '-addresses',
          `consul-server.${s.namespace}.svc`,
          '-grpc-port=8502',
          '-proxy-service-id-path=/consul/connect-inject/proxyid',
          '-log-level=info',
        ],
        ports: [{ name: 'public-listener', containerPort: 20000 }],
      },
    ],
    annotations: {
      'consul.hashicorp.com/connect-inject-status': 'injected',
      'consul.hashicorp.com/consul-k8s-version': `v${s.version}`,
      'consul.hashicorp.com/connect-k8s-version': `v${s.version}`,
      'consul.hashicorp.com/original-pod': original,
      ...(firstPort ? { 'consul.hashicorp.com/connect-service-port': String(firstPort) } : {}),
    },
    labels: {
      'consul.hashicorp.com/connect-inject-status': 'injected',
      'consul.hashicorp.com/connect-inject-managed-by': 'consul-k8s-endpoints-controller',
    },
  });
}

/** The patch injecting the mesh's sidecar into this pod; undefined when the injector leaves it alone. */
export function injectionPatch(pod: Pod, s: InjectorSettings, r: InjectRequest): Op[] | undefined {
  switch (s.mesh) {
    case 'istio':
      return istio(pod, s);
    case 'linkerd':
      return linkerd(pod, s, r);
    case 'kuma':
      return kuma(pod, s);
    case 'consul':
      return consul(pod, s);
    default:
      return undefined;
  }
}

/** The webhook paths that inject (every other path the mesh's webhooks call answers "allowed"). */
export const INJECT_PATHS: Record<string, string> = {
  istio: '/inject',
  linkerd: '/',
  kuma: '/inject-sidecar',
  consul: '/mutate',
};
