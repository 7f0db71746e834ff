// From the installer's output to the designs meshdeck applies: the mesh's CRDs, the objects every revision
// shares (its namespace when meshdeck creates it, base objects), and the revision's own control plane. Each
// is a design of its own, so removing a revision never touches what another revision still uses, and CRDs
// go only when asked for.
import { createHash } from 'node:crypto';
import { issuesError } from '../../design/issues.js';
import { loadDesign } from '../../design/load.js';
import type { DesignObject, KubeObject, LoadedDesign } from '../../design/model.js';
import type { MeshLifecycle } from './types.js';

export interface RenderedMesh {
  mesh: string;
  version: string;
  /** "default" for the unrevisioned control plane. */
  revision: string;
  /** sha256 of the installer's output. */
  digest: string;
  crds: LoadedDesign;
  base: LoadedDesign;
  controlPlane: LoadedDesign;
  /** Every object, in the installer's order. */
  objects: KubeObject[];
}

export const DEFAULT_REVISION = 'default';

export function designNames(mesh: string, revision: string) {
  return {
    crds: `mesh-${mesh}-crds`,
    base: `mesh-${mesh}-base`,
    controlPlane: revision === DEFAULT_REVISION ? `mesh-${mesh}` : `mesh-${mesh}-${revision}`,
  };
}

/** Designs are versioned semantically: edge-26.8.3 becomes 0.0.0-edge-26.8.3. */
function designVersion(version: string): string {
  return /^\d+\.\d+\.\d+/.test(version) ? version : `0.0.0-${version.replace(/[^0-9A-Za-z.-]/g, '-')}`;
}

export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function splitRender(
  mesh: MeshLifecycle,
  text: string,
  source: string,
  version: string,
  revision: string,
): RenderedMesh {
  const loaded = loadDesign([{ name: source, text }], {
    name: `mesh-${mesh.name}`,
    version: designVersion(version),
  });
  const errors = loaded.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw issuesError(errors, loaded.design.sources);
  const all = loaded.design.objects;
  const names = designNames(mesh.name, revision);
  const crds = all.filter((o) => o.object.kind === 'CustomResourceDefinition');
  const shared = all.filter((o) => o.object.kind !== 'CustomResourceDefinition' && mesh.isShared(o.object));
  const own = all.filter((o) => !mesh.isShared(o.object) && o.object.kind !== 'CustomResourceDefinition');
  if (mesh.createsNamespace)
    shared.unshift(synthetic({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: mesh.namespace } }));
  const as = (name: string, objects: DesignObject[]): LoadedDesign => ({
    ...loaded.design,
    meta: { name, version: designVersion(version) },
    objects,
    components: [],
  });
  return {
    mesh: mesh.name,
    version,
    revision,
    digest: digestOf(text),
    crds: as(names.crds, crds),
    base: as(names.base, shared),
    controlPlane: as(names.controlPlane, own),
    objects: all.map((o) => o.object),
  };
}

export function synthetic(object: KubeObject): DesignObject {
  const origin = { file: 'meshdeck', line: 1, col: 1 };
  return { object, origin, locate: () => origin };
}

/** A design with no objects: enough for deleteDesign, which finds what a design owns by its label. */
export function emptyDesign(name: string): LoadedDesign {
  const origin = { file: 'meshdeck', line: 1, col: 1 };
  return {
    meta: { name, version: '0.0.0' },
    origin,
    metaAt: () => origin,
    objects: [],
    components: [],
    format: 'manifests',
    sources: new Map(),
  };
}
