// Which meshes a cluster runs: those meshdeck installed (a record ConfigMap per install, written by the mesh
// lifecycle) and those installed some other way (their control-plane workloads, per the mesh tables).
import { UnknownKindError, type ClusterClient, type LiveObject } from '../k8s/client.js';
import { KubeApiError } from '../k8s/http/errors.js';
import { imageTag } from '../kube/image.js';
import { MESH_PROFILES, profileOf, type ControlPlaneWorkload, type MeshProfile } from './meshes.js';

export const INSTALL_RECORD_SELECTOR = 'app.kubernetes.io/managed-by=meshdeck,meshdeck.io/mesh';

export interface InstalledMesh {
  profile: MeshProfile;
  namespace: string;
  revision: string;
  /** From meshdeck's record, else the control plane's image tag. */
  version?: string;
  installedBy: 'meshdeck' | 'detected';
  simulated: boolean;
  /** Its control-plane workloads as found (may be fewer than the table lists when some are missing). */
  workloads: LiveObject[];
  /** Table entries with no workload found. */
  missing: ControlPlaneWorkload[];
}

const APPS = 'apps/v1';

/** Lists, treating "not served" and "not found" as empty (a cluster without the kind has none of it). */
export async function listOrEmpty(
  client: ClusterClient,
  apiVersion: string,
  kind: string,
  options: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
): Promise<LiveObject[]> {
  let resource;
  try {
    resource = await client.resource(apiVersion, kind);
  } catch (err) {
    if (err instanceof UnknownKindError) return [];
    throw err;
  }
  try {
    return (await client.list(resource, options)).items;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return [];
    throw err;
  }
}

async function findWorkloads(client: ClusterClient, namespace: string, w: ControlPlaneWorkload) {
  return listOrEmpty(client, APPS, w.kind, {
    namespace,
    labelSelector: w.labelSelector,
    fieldSelector: w.name ? `metadata.name=${w.name}` : undefined,
  });
}

async function describeMesh(
  client: ClusterClient,
  profile: MeshProfile,
  namespace: string,
  record?: LiveObject,
): Promise<InstalledMesh | undefined> {
  const workloads: LiveObject[] = [];
  const missing: ControlPlaneWorkload[] = [];
  for (const w of profile.controlPlane) {
    const found = await findWorkloads(client, namespace, w);
    if (found.length === 0) missing.push(w);
    workloads.push(...found);
  }
  const data = (record?.data ?? {}) as Record<string, string>;
  if (!record && !profile.controlPlane.some((w) => w.detects && !missing.includes(w))) return undefined;
  const first = workloads[0] as
    { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } } | undefined;
  return {
    profile,
    namespace,
    revision: data.revision || record?.metadata.labels?.['meshdeck.io/revision'] || 'default',
    version: data.version || imageTag(first?.spec?.template?.spec?.containers?.[0]?.image),
    installedBy: record ? 'meshdeck' : 'detected',
    simulated: data.simulated === 'true',
    workloads,
    missing,
  };
}

/** Every mesh installed on the cluster, meshdeck's records first, then meshes found by their signals. */
export async function findInstalledMeshes(client: ClusterClient): Promise<InstalledMesh[]> {
  const records = await listOrEmpty(client, 'v1', 'ConfigMap', { labelSelector: INSTALL_RECORD_SELECTOR });
  const found: InstalledMesh[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    const profile = profileOf(record.metadata.labels?.['meshdeck.io/mesh'] ?? '');
    const namespace = record.metadata.namespace;
    if (!profile || !namespace) continue;
    const mesh = await describeMesh(client, profile, namespace, record);
    if (mesh) {
      found.push(mesh);
      seen.add(`${profile.mesh}/${namespace}`);
    }
  }
  const detected = await Promise.all(
    MESH_PROFILES.filter((p) => !seen.has(`${p.mesh}/${p.namespace}`)).map((p) =>
      describeMesh(client, p, p.namespace),
    ),
  );
  for (const mesh of detected) if (mesh) found.push(mesh);
  return found;
}
