// On the sandbox, meshdeck stands in for what a mesh's control plane does that Kubernetes can see: the pod
// behind the injector webhook's Service runs `meshdeck mesh simulate-injector` (the sandbox runs a
// container as meshdeck when its pod carries sandbox.meshdeck.dev/simulated-by), serving the webhooks over
// HTTPS with a certificate meshdeck issues for the Service's DNS name. meshdeck plays the part of istiod's
// and Consul's webhook-cert-manager (and of kumactl's and linkerd's render-time CA): it writes the CA into
// the caBundle of every webhook on that Service. The certificate and key (and, for Linkerd, whose injector
// reads namespace annotations, a service account token) reach the process as environment variables from
// a Secret of the control plane, `meshdeck-simulated-<workload>`; the API server's CA from the namespace's
// kube-root-ca.crt. An existing Secret's certificate is kept, so a new apply never breaks a running pod.
import type { KubeObject } from '../../design/model.js';
import { issueServingCertificate } from '../../sandbox/index.js';
import { synthetic, type RenderedMesh } from './render.js';
import type { LifecycleContext } from './context.js';
import type { MeshLifecycle } from './types.js';
import { ENV } from '../simulated/env.js';

export { ENV };
export const SIMULATED_BY = 'sandbox.meshdeck.dev/simulated-by';
const TOKEN_SECONDS = 365 * 24 * 3600;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

interface Images {
  proxy: string;
  init?: string;
}

function envValue(container: Json, name: string): string | undefined {
  const e = arr(container.env).find((x) => x.name === name);
  return typeof e?.value === 'string' ? e.value : undefined;
}

function flagValue(container: Json, flag: string): string | undefined {
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
  const all = [...list(container.command), ...list(container.args)];
  const hit = all.map(str).find((a) => a.startsWith(`${flag}=`));
  return hit?.slice(flag.length + 1);
}

/** The sidecar (and init) image, read where the mesh's control plane reads it. */
function imagesOf(
  mesh: string,
  version: string,
  objects: KubeObject[],
  workload: Json,
  container: Json,
): Images | undefined {
  switch (mesh) {
    case 'istio': {
      const cm = objects.find(
        (o) => o.kind === 'ConfigMap' && str(o.metadata.name).startsWith('istio-sidecar-injector'),
      );
      let values: { global?: { hub?: string; tag?: string; proxy?: { image?: string } } } = {};
      try {
        values = JSON.parse(str(obj(cm?.data).values) || '{}') as typeof values;
      } catch {
        // The defaults below.
      }
      const g = values.global ?? {};
      return { proxy: `${g.hub ?? 'docker.io/istio'}/${g.proxy?.image ?? 'proxyv2'}:${g.tag ?? version}` };
    }
    case 'linkerd': {
      const spec = obj(obj(obj(workload.spec).template).spec);
      const proxy = [...arr(spec.initContainers), ...arr(spec.containers)].find(
        (c) => c.name === 'linkerd-proxy',
      );
      return { proxy: str(proxy?.image) || `cr.l5d.io/linkerd/proxy:${version}` };
    }
    case 'kuma':
      return {
        proxy:
          envValue(container, 'KUMA_RUNTIME_KUBERNETES_INJECTOR_SIDECAR_CONTAINER_IMAGE') ??
          `docker.io/kumahq/kuma-dp:${version}`,
        init:
          envValue(container, 'KUMA_INJECTOR_INIT_CONTAINER_IMAGE') ??
          `docker.io/kumahq/kuma-init:${version}`,
      };
    case 'consul':
      return {
        proxy: flagValue(container, '-consul-dataplane-image') ?? `hashicorp/consul-dataplane:${version}`,
        init: flagValue(container, '-consul-k8s-image') ?? `hashicorp/consul-k8s-control-plane:${version}`,
      };
    default:
      return undefined;
  }
}

const matches = (selector: Json, labels: Json) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

function ports(container: Json): { byName: Map<string, number>; all: number[] } {
  const byName = new Map<string, number>();
  const all: number[] = [];
  for (const p of arr(container.ports)) {
    if (typeof p.containerPort !== 'number' || (p.protocol ?? 'TCP') !== 'TCP') continue;
    all.push(p.containerPort);
    if (typeof p.name === 'string') byName.set(p.name, p.containerPort);
  }
  const probe = obj(container.readinessProbe);
  const probePort = obj(probe.httpGet).port ?? obj(probe.tcpSocket).port;
  if (typeof probePort === 'number' && !all.includes(probePort)) all.push(probePort);
  return { byName, all };
}

interface Target {
  service: { namespace: string; name: string; port: number };
  workload: KubeObject;
  container: Json;
  webhookPort: number;
}

/** The workload and container behind an injector webhook's Service, and the port the webhook reaches. */
function targetOf(objects: KubeObject[], ref: Json, defaultNs: string): Target | undefined {
  const namespace = str(ref.namespace) || defaultNs;
  const name = str(ref.name);
  const port = typeof ref.port === 'number' ? ref.port : 443;
  const svc = objects.find(
    (o) =>
      o.kind === 'Service' && o.metadata.name === name && (o.metadata.namespace ?? defaultNs) === namespace,
  );
  if (!svc) return undefined;
  const spec = obj(svc.spec);
  const svcPort = arr(spec.ports).find((p) => p.port === port);
  const selector = obj(spec.selector);
  for (const workload of objects) {
    if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(workload.kind ?? '')) continue;
    if ((workload.metadata.namespace ?? defaultNs) !== namespace) continue;
    const template = obj(obj(workload.spec).template);
    if (!matches(selector, obj(obj(template.metadata).labels))) continue;
    const containers = arr(obj(template.spec).containers);
    const target = svcPort?.targetPort ?? port;
    for (const container of containers) {
      const p = ports(container);
      const webhookPort =
        typeof target === 'number'
          ? p.all.includes(target)
            ? target
            : undefined
          : p.byName.get(str(target));
      if (webhookPort !== undefined)
        return { service: { namespace, name, port }, workload, container, webhookPort };
    }
    const first = containers[0];
    if (first && typeof target === 'number')
      return { service: { namespace, name, port }, workload, container: first, webhookPort: target };
  }
  return undefined;
}

function webhooksOf(objects: KubeObject[]): Json[] {
  return objects
    .filter((o) => o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration')
    .flatMap((o) => arr((o as unknown as Json).webhooks));
}

export interface Simulation {
  /** What is simulated, for messages. */
  describe: string[];
  /** Before the control plane is applied (its namespace and ServiceAccount come with it): the token. */
  beforeControlPlane(dryRun: boolean): Promise<void>;
}

async function existingTls(ctx: LifecycleContext, namespace: string, name: string) {
  const secret = await ctx.client.get(await ctx.client.resource('v1', 'Secret'), namespace, name);
  const data = obj(secret?.data);
  const read = (k: string) =>
    typeof data[k] === 'string' ? Buffer.from(data[k], 'base64').toString('utf8') : '';
  const ca = read('ca.crt');
  const cert = read('tls.crt');
  const key = read('tls.key');
  return ca && cert && key ? { ca, cert, key } : undefined;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * Makes the rendered control plane simulated on the sandbox: the injector's workload runs meshdeck's
 * injector, its webhooks trust the CA meshdeck issued. Undefined when the mesh has no sidecar injector.
 */
export async function simulateControlPlane(
  ctx: LifecycleContext,
  mesh: MeshLifecycle,
  rendered: RenderedMesh,
): Promise<Simulation | undefined> {
  const objects = rendered.controlPlane.objects.map((o) => o.object);
  const all = [...rendered.base.objects.map((o) => o.object), ...objects];
  const injectors = webhooksOf(objects).filter((w) => mesh.isInjectorWebhook(str(w.name)));
  const refs = injectors.map((w) => obj(obj(w.clientConfig).service)).filter((s) => s.name);
  const seen = new Set<string>();
  const describe: string[] = [];
  const tokenSecrets: Array<{ secret: KubeObject; serviceAccount: string; namespace: string }> = [];
  for (const ref of refs) {
    const target = targetOf(all, ref, mesh.namespace);
    if (!target) continue;
    const { service, workload, container, webhookPort } = target;
    const key = `${service.namespace}/${service.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const images = imagesOf(mesh.name, rendered.version, all, workload, container);
    if (!images) continue;
    const secretName = `meshdeck-simulated-${workload.metadata.name}`;
    const dns = `${service.name}.${service.namespace}.svc`;
    const tls =
      (await existingTls(ctx, service.namespace, secretName)) ??
      (await issueServingCertificate(
        [service.name, `${service.name}.${service.namespace}`, dns, `${dns}.cluster.local`],
        `meshdeck-simulated-${mesh.name}-ca`,
      ));
    // Every webhook on this Service trusts the CA (what istiod and Consul's cert manager patch at runtime).
    for (const w of webhooksOf(objects)) {
      const s = obj(obj(w.clientConfig).service);
      if (str(s.name) === service.name && (str(s.namespace) || mesh.namespace) === service.namespace)
        (w.clientConfig as Json).caBundle = b64(tls.ca);
    }
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name: secretName,
        namespace: service.namespace,
        labels: { 'sandbox.meshdeck.dev/simulated': 'true' },
        annotations: {
          'sandbox.meshdeck.dev/simulates': `${mesh.name} control plane webhooks of service ${service.name}`,
        },
      },
      data: { 'ca.crt': b64(tls.ca), 'tls.crt': b64(tls.cert), 'tls.key': b64(tls.key) },
    };
    rendered.controlPlane.objects.push(synthetic(secret));
    const template = obj(obj(workload.spec).template);
    const meta = obj((template.metadata ??= {}));
    const annotations = obj((meta.annotations ??= {}));
    const args = [
      'mesh',
      'simulate-injector',
      '--mesh',
      mesh.name,
      '--version',
      rendered.version,
      '--revision',
      rendered.revision,
      '--control-plane-namespace',
      mesh.namespace,
      '--proxy-image',
      images.proxy,
      ...(images.init ? ['--init-image', images.init] : []),
      '--webhook-port',
      String(webhookPort),
      ...ports(container)
        .all.filter((p) => p !== webhookPort)
        .flatMap((p) => ['--port', String(p)]),
    ];
    annotations[SIMULATED_BY] = JSON.stringify({ container: container.name, args });
    const keyRef = (k: string) => ({ secretKeyRef: { name: secretName, key: k } });
    container.env = [
      ...arr(container.env).filter((e) => !Object.values(ENV).includes(str(e.name) as never)),
      { name: ENV.cert, valueFrom: keyRef('tls.crt') },
      { name: ENV.key, valueFrom: keyRef('tls.key') },
      {
        name: ENV.apiCa,
        valueFrom: { configMapKeyRef: { name: 'kube-root-ca.crt', key: 'ca.crt', optional: true } },
      },
      ...(mesh.name === 'linkerd'
        ? [
            {
              name: ENV.token,
              valueFrom: { secretKeyRef: { name: secretName, key: 'token', optional: true } },
            },
          ]
        : []),
    ];
    if (mesh.name === 'linkerd')
      tokenSecrets.push({
        secret,
        serviceAccount: str(obj(template.spec).serviceAccountName) || 'default',
        namespace: service.namespace,
      });
    describe.push(
      `${workload.kind?.toLowerCase()}/${workload.metadata.name} serves ${dns}:${service.port} (simulated)`,
    );
  }
  if (describe.length === 0) return undefined;
  return {
    describe,
    async beforeControlPlane(dryRun) {
      if (dryRun) return;
      for (const t of tokenSecrets)
        (t.secret as unknown as { data: Json }).data.token = b64(
          await mintToken(ctx, all, t.namespace, t.serviceAccount),
        );
    },
  };
}

/** A token of the injector's ServiceAccount (applied first, with the namespace it lives in). */
async function mintToken(
  ctx: LifecycleContext,
  objects: KubeObject[],
  namespace: string,
  serviceAccount: string,
): Promise<string> {
  const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
  if (ns) await ctx.client.apply(await ctx.client.resource('v1', 'Namespace'), ns);
  const sa = objects.find(
    (o) =>
      o.kind === 'ServiceAccount' &&
      o.metadata.name === serviceAccount &&
      (o.metadata.namespace ?? namespace) === namespace,
  ) ?? {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: serviceAccount, namespace },
  };
  await ctx.client.apply(await ctx.client.resource('v1', 'ServiceAccount'), {
    ...sa,
    metadata: { ...sa.metadata, namespace },
  });
  const res = await ctx.client.transport.request<{ status?: { token?: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(serviceAccount)}/token`,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: TOKEN_SECONDS },
    },
    what: `a token for serviceaccount/${serviceAccount} -n ${namespace}`,
  });
  return res.body.status?.token ?? '';
}
