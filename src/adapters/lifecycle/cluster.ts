// Small cluster operations the lifecycle needs beyond the apply machinery: merge patches, listing across
// namespaces, the server's version, and whether the cluster is meshdeck's sandbox (whose mesh control planes
// are simulated).
import type { ClusterClient, LiveObject } from '../../k8s/client.js';
import type { ApiResource } from '../../k8s/discovery/resources.js';

export async function mergePatch(
  client: ClusterClient,
  resource: ApiResource,
  namespace: string | undefined,
  name: string,
  patch: unknown,
  dryRun = false,
): Promise<LiveObject> {
  const res = await client.transport.request<LiveObject>({
    method: 'PATCH',
    path: client.path(resource, namespace, name),
    query: { fieldManager: 'meshdeck', dryRun: dryRun ? 'All' : undefined },
    body: patch,
    contentType: 'application/merge-patch+json',
    what: `${resource.kind.toLowerCase()}/${name}${namespace ? ` -n ${namespace}` : ''}`,
  });
  return res.body;
}

export async function listAll(
  client: ClusterClient,
  apiVersion: string,
  kind: string,
  options: { namespace?: string; labelSelector?: string } = {},
): Promise<LiveObject[]> {
  const resource = await client.resource(apiVersion, kind);
  return (await client.list(resource, options)).items;
}

export async function serverVersion(client: ClusterClient): Promise<string> {
  try {
    const res = await client.transport.request<{ gitVersion?: string }>({
      method: 'GET',
      path: '/version',
      what: 'the server version',
    });
    return (res.body.gitVersion ?? 'v1.33.0').replace(/^v/, '').replace(/[-+].*$/, '');
  } catch {
    return '1.33.0';
  }
}

/** meshdeck's sandbox: its nodes' providerID is sandbox://<node>. */
export async function isSimulated(client: ClusterClient): Promise<boolean> {
  try {
    const nodes = await listAll(client, 'v1', 'Node');
    return (
      nodes.length > 0 &&
      nodes.every((n) =>
        String((n.spec as { providerID?: string })?.providerID ?? '').startsWith('sandbox://'),
      )
    );
  } catch {
    return false;
  }
}

export const labelsOf = (o: { metadata?: { labels?: Record<string, string> } }) => o.metadata?.labels ?? {};
export const annotationsOf = (o: { metadata?: { annotations?: Record<string, string> } }) =>
  o.metadata?.annotations ?? {};

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Requirement[];
}

/** Kubernetes' label selector semantics; an absent or empty selector selects everything. */
export function selects(selector: LabelSelector | null | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In':
        if (!has || !values.includes(labels[r.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[r.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
