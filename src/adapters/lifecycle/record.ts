// The install record: a ConfigMap in the mesh's namespace saying what meshdeck installed (a contract shared
// with `meshdeck check`; keep the names and keys exactly). Name meshdeck-mesh-<mesh>[-<revision>]; labels
// app.kubernetes.io/managed-by=meshdeck, meshdeck.io/mesh, meshdeck.io/revision; data mesh, version,
// revision, manifestDigest, installedAt, installedBy, simulated. The version it replaced, for `mesh
// rollback`, is kept in an annotation so the data keys stay exactly the contract's.
import type { ClusterClient, LiveObject } from '../../k8s/client.js';
import { DEFAULT_REVISION } from './render.js';
import { listAll } from './cluster.js';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MESH_LABEL = 'meshdeck.io/mesh';
export const REVISION_LABEL = 'meshdeck.io/revision';
export const PREVIOUS_VERSION = 'meshdeck.io/previous-version';
export const PREVIOUS_REVISION = 'meshdeck.io/previous-revision';

export interface InstallRecord {
  mesh: string;
  version: string;
  revision: string;
  manifestDigest: string;
  installedAt: string;
  installedBy: string;
  simulated: boolean;
  namespace: string;
  previousVersion?: string;
  previousRevision?: string;
}

export function recordName(mesh: string, revision: string): string {
  return revision === DEFAULT_REVISION ? `meshdeck-mesh-${mesh}` : `meshdeck-mesh-${mesh}-${revision}`;
}

export function recordObject(r: InstallRecord) {
  const annotations: Record<string, string> = {};
  if (r.previousVersion) annotations[PREVIOUS_VERSION] = r.previousVersion;
  if (r.previousRevision) annotations[PREVIOUS_REVISION] = r.previousRevision;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: recordName(r.mesh, r.revision),
      namespace: r.namespace,
      labels: { [MANAGED_BY]: 'meshdeck', [MESH_LABEL]: r.mesh, [REVISION_LABEL]: r.revision },
      annotations,
    },
    data: {
      mesh: r.mesh,
      version: r.version,
      revision: r.revision,
      manifestDigest: r.manifestDigest,
      installedAt: r.installedAt,
      installedBy: r.installedBy,
      simulated: String(r.simulated),
    },
  };
}

export async function writeRecord(client: ClusterClient, r: InstallRecord): Promise<void> {
  const resource = await client.resource('v1', 'ConfigMap');
  await client.apply(resource, recordObject(r), { force: true });
}

export async function deleteRecord(client: ClusterClient, r: InstallRecord): Promise<void> {
  const resource = await client.resource('v1', 'ConfigMap');
  await client.delete(resource, r.namespace, recordName(r.mesh, r.revision));
}

function fromConfigMap(cm: LiveObject): InstallRecord | undefined {
  const d = (cm as { data?: Record<string, string> }).data ?? {};
  if (!d.mesh || !d.version) return undefined;
  const a = cm.metadata.annotations ?? {};
  return {
    mesh: d.mesh,
    version: d.version,
    revision: d.revision || DEFAULT_REVISION,
    manifestDigest: d.manifestDigest ?? '',
    installedAt: d.installedAt ?? '',
    installedBy: d.installedBy ?? '',
    simulated: d.simulated === 'true',
    namespace: cm.metadata.namespace ?? '',
    previousVersion: a[PREVIOUS_VERSION],
    previousRevision: a[PREVIOUS_REVISION],
  };
}

/** Every install record in the cluster (of one mesh, when named), oldest first. */
export async function readRecords(client: ClusterClient, mesh?: string): Promise<InstallRecord[]> {
  const selector = `${MANAGED_BY}=meshdeck,${mesh ? `${MESH_LABEL}=${mesh}` : MESH_LABEL}`;
  const items = await listAll(client, 'v1', 'ConfigMap', { labelSelector: selector });
  return items
    .map(fromConfigMap)
    .filter((r): r is InstallRecord => !!r)
    .sort((a, b) => a.installedAt.localeCompare(b.installedAt));
}
