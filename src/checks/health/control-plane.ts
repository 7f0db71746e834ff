// control-plane: per installed mesh, its workloads are ready, its admission webhooks have a caBundle and a
// service with ready endpoints, its CRDs are Established and its webhook certificates are valid.
import type { LiveObject } from '../../k8s/client.js';
import { DAY_MS, fromBase64, parsePemBundle } from '../certs.js';
import { rollUp, type Category, type CheckReturn, type SubResult } from '../framework.js';
import type { InstalledMesh } from '../installed.js';
import type { CheckContext } from './context.js';

/** Upstream linkerd check warns when a certificate has less than this left. */
export const CERT_WARNING_DAYS = 60;

const NONE: CheckReturn = { outcome: 'info', message: 'no mesh installed' };

function meshLabel(m: InstalledMesh): string {
  return `${m.profile.mesh}${m.revision !== 'default' ? ` (${m.revision})` : ''}`;
}

function readiness(w: LiveObject): { ready: number; want: number } {
  const status = (w.status ?? {}) as Record<string, number | undefined>;
  if (w.kind === 'DaemonSet')
    return { ready: status.numberReady ?? 0, want: status.desiredNumberScheduled ?? 0 };
  const spec = (w.spec ?? {}) as { replicas?: number };
  return { ready: status.readyReplicas ?? 0, want: spec.replicas ?? 1 };
}

function workloadsReady(m: InstalledMesh): SubResult[] {
  const out: SubResult[] = m.workloads.map((w) => {
    const { ready, want } = readiness(w);
    const ok = want > 0 && ready >= want;
    return {
      name: `${meshLabel(m)} ${w.kind.toLowerCase()}/${w.metadata.name}`,
      outcome: ok ? 'passed' : 'failed',
      message: `${ready}/${want} ready in ${m.namespace}`,
    };
  });
  for (const w of m.missing) {
    out.push({
      name: `${meshLabel(m)} ${w.kind.toLowerCase()}/${w.name ?? w.labelSelector}`,
      outcome: 'failed',
      message: `not found in ${m.namespace}`,
    });
  }
  return out;
}

interface WebhookEntry {
  config: LiveObject;
  name: string;
  caBundle?: string;
  service?: { namespace: string; name: string };
  url?: string;
}

function webhookEntries(config: LiveObject): WebhookEntry[] {
  const hooks = (config as { webhooks?: unknown[] }).webhooks ?? [];
  return hooks.map((raw) => {
    const h = raw as {
      name: string;
      clientConfig?: { caBundle?: string; url?: string; service?: { namespace: string; name: string } };
    };
    return {
      config,
      name: h.name,
      caBundle: h.clientConfig?.caBundle,
      service: h.clientConfig?.service,
      url: h.clientConfig?.url,
    };
  });
}

function ownsWebhook(m: InstalledMesh, e: WebhookEntry): boolean {
  if (m.profile.webhookName.test(e.config.metadata.name ?? '')) return true;
  return m.namespace !== 'kube-system' && e.service?.namespace === m.namespace;
}

async function meshWebhooks(ctx: CheckContext, m: InstalledMesh): Promise<WebhookEntry[]> {
  const [mutating, validating] = await Promise.all([
    ctx.list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'),
    ctx.list('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'),
  ]);
  return [...mutating, ...validating].flatMap(webhookEntries).filter((e) => ownsWebhook(m, e));
}

function readyAddresses(endpoints: LiveObject | undefined): number {
  const subsets = (endpoints as { subsets?: Array<{ addresses?: unknown[] }> } | undefined)?.subsets ?? [];
  return subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
}

async function webhookHealth(ctx: CheckContext, m: InstalledMesh, e: WebhookEntry): Promise<SubResult> {
  const name = `${meshLabel(m)} ${e.config.kind === 'MutatingWebhookConfiguration' ? 'mutating' : 'validating'} ${e.name}`;
  const problems: string[] = [];
  if (!e.caBundle) problems.push('caBundle is empty');
  else {
    try {
      parsePemBundle(fromBase64(e.caBundle));
    } catch (err) {
      problems.push(`caBundle is not a certificate (${(err as Error).message})`);
    }
  }
  if (e.service) {
    const endpoints = (await ctx.list('v1', 'Endpoints', e.service.namespace)).find(
      (x) => x.metadata.name === e.service!.name,
    );
    const services = await ctx.list('v1', 'Service', e.service.namespace);
    if (!services.some((s) => s.metadata.name === e.service!.name))
      problems.push(`service ${e.service.namespace}/${e.service.name} does not exist`);
    else if (readyAddresses(endpoints) === 0)
      problems.push(`service ${e.service.namespace}/${e.service.name} has no ready endpoints`);
  }
  const target = e.service ? `service ${e.service.namespace}/${e.service.name}` : (e.url ?? 'no target');
  return problems.length > 0
    ? { name, outcome: 'failed', message: problems.join('; ') }
    : { name, outcome: 'passed', message: `caBundle set, ${target} reachable` };
}

function certificateResult(name: string, pem: string, now: number): SubResult[] {
  let certs;
  try {
    certs = parsePemBundle(pem);
  } catch (err) {
    return [{ name, outcome: 'failed', message: (err as Error).message }];
  }
  return certs.map((c) => {
    const days = Math.floor((c.notAfter.getTime() - now) / DAY_MS);
    const when = c.notAfter.toISOString();
    if (c.notAfter.getTime() <= now)
      return { name, outcome: 'failed', message: `${c.subject} expired on ${when}` };
    if (c.notBefore.getTime() > now)
      return {
        name,
        outcome: 'failed',
        message: `${c.subject} is not valid before ${c.notBefore.toISOString()}`,
      };
    if (days < CERT_WARNING_DAYS)
      return { name, outcome: 'info', message: `${c.subject} expires in ${days} days (${when})` };
    return { name, outcome: 'passed', message: `${c.subject} valid until ${when}` };
  });
}

async function perMesh(
  ctx: CheckContext,
  each: (m: InstalledMesh) => Promise<SubResult[]>,
): Promise<CheckReturn> {
  const meshes = await ctx.meshes();
  const children = (await Promise.all(meshes.map(each))).flat();
  return rollUp(children, meshes.length === 0 ? NONE : { outcome: 'info', message: 'nothing to check' });
}

export const controlPlane: Category<CheckContext> = {
  id: 'control-plane',
  checks: [
    {
      id: 'installed',
      description: 'meshes installed',
      hint: 'install one with meshdeck mesh deploy',
      anchor: 'control-plane-installed',
      dependsOn: ['kubernetes-api/reachable'],
      run: async (ctx) => {
        const meshes = await ctx.meshes();
        const children: SubResult[] = meshes.map((m) => ({
          name: meshLabel(m),
          outcome: 'info',
          message: `${m.version ?? 'unknown version'} in ${m.namespace}, ${m.installedBy === 'meshdeck' ? 'installed by meshdeck' : 'found by its control plane'}${m.simulated ? ' (simulated)' : ''}`,
        }));
        return {
          outcome: 'info',
          message: meshes.length ? meshes.map(meshLabel).join(', ') : 'none',
          children,
        };
      },
    },
    {
      id: 'pods-ready',
      description: 'control-plane workloads are ready',
      hint: 'kubectl -n <namespace> describe pods of the workload; its events and logs say why it is not ready',
      anchor: 'control-plane-pods-ready',
      dependsOn: ['kubernetes-api/reachable'],
      run: (ctx) => perMesh(ctx, async (m) => workloadsReady(m)),
    },
    {
      id: 'webhooks',
      description: 'admission webhooks have a caBundle and a reachable service',
      hint: "the mesh's certificate manager patches caBundle; restart the control plane, and check its Service's endpoints",
      anchor: 'control-plane-webhooks',
      dependsOn: ['kubernetes-api/reachable'],
      run: (ctx) =>
        perMesh(ctx, async (m) =>
          Promise.all((await meshWebhooks(ctx, m)).map((e) => webhookHealth(ctx, m, e))),
        ),
    },
    {
      id: 'crds',
      description: 'mesh CRDs are established',
      hint: 'apply the mesh CRDs again (meshdeck mesh deploy does), then wait for the Established condition',
      anchor: 'control-plane-crds',
      dependsOn: ['kubernetes-api/reachable'],
      run: (ctx) =>
        perMesh(ctx, async (m) => {
          const crds = (await ctx.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).filter((c) =>
            m.profile.crdGroups.includes((c.spec as { group?: string }).group ?? ''),
          );
          if (crds.length === 0) {
            return [
              {
                name: meshLabel(m),
                outcome: m.profile.mesh === 'cilium' ? 'info' : 'failed',
                message: `no CRDs of ${m.profile.crdGroups.join(', ')}`,
              },
            ];
          }
          const notEstablished = crds.filter((c) => {
            const conditions =
              (c.status as { conditions?: Array<{ type: string; status: string }> } | undefined)
                ?.conditions ?? [];
            return !conditions.some((x) => x.type === 'Established' && x.status === 'True');
          });
          return [
            notEstablished.length === 0
              ? { name: meshLabel(m), outcome: 'passed', message: `${crds.length} established` }
              : {
                  name: meshLabel(m),
                  outcome: 'failed',
                  message: `not established: ${notEstablished.map((c) => c.metadata.name).join(', ')}`,
                },
          ];
        }),
    },
    {
      id: 'certificates',
      description: 'webhook certificates are valid',
      hint: `renew the webhook certificates (restart the control plane, or rotate its TLS Secret); meshdeck warns under ${CERT_WARNING_DAYS} days`,
      anchor: 'control-plane-certificates',
      dependsOn: ['kubernetes-api/reachable'],
      run: (ctx) =>
        perMesh(ctx, async (m) => {
          const now = ctx.now();
          const out: SubResult[] = [];
          for (const e of await meshWebhooks(ctx, m)) {
            if (e.caBundle)
              out.push(
                ...certificateResult(`${meshLabel(m)} ${e.name} caBundle`, fromBase64(e.caBundle), now),
              );
          }
          const secrets = await ctx.list('v1', 'Secret', m.namespace);
          for (const s of secrets.filter((x) => m.profile.webhookSecrets.includes(x.metadata.name ?? ''))) {
            const data = (s as { data?: Record<string, string> }).data ?? {};
            out.push(
              ...certificateResult(
                `${meshLabel(m)} secret ${s.metadata.name}`,
                fromBase64(data['tls.crt']),
                now,
              ),
            );
          }
          return out;
        }),
    },
  ],
};
