// The design format (apiVersion meshdeck/v1, kind Design): a named, versioned bundle of Kubernetes objects
// plus mesh components. docs/designs.md is the user-facing description; this is the in-memory model.

export const DESIGN_API_VERSION = 'meshdeck/v1';
export const DESIGN_KIND = 'Design';
/** A new design, and an imported one without a version, starts here (as Meshery's do). */
export const FIRST_VERSION = '0.0.1';

/** Where something came from: a file (or URL, or "stdin") and a 1-based line and column. */
export interface Origin {
  file: string;
  line: number;
  col: number;
}

import type { KubeObject } from '../kube/object.js';

export type { KubeObject, ObjectMeta } from '../kube/object.js';

export const MESHES = ['istio', 'linkerd', 'kuma', 'consul', 'cilium'] as const;
export type MeshName = (typeof MESHES)[number];
export const MTLS_MODES = ['strict', 'permissive', 'disabled'] as const;
export type MtlsMode = (typeof MTLS_MODES)[number];

/**
 * A mesh component: settings of a mesh the design relies on. meshdeck renders them into Kubernetes
 * objects (injection labels on the design's namespaces, mTLS policy objects); installing the mesh itself is
 * `meshdeck mesh deploy`.
 */
export interface MeshComponent {
  name: string;
  mesh: MeshName;
  version?: string;
  /** The mesh's control-plane namespace (where mesh-wide policy lives). */
  namespace?: string;
  /** Namespaces of this design whose pods get the mesh's sidecar. */
  injection?: string[];
  mtls?: MtlsMode;
}

export interface DesignMeta {
  name: string;
  version: string;
  /** Assigned by a provider; kept when present. */
  id?: string;
  description?: string;
  /** Namespace for namespaced objects that name none; else -n or the context's namespace. */
  namespace?: string;
  labels?: Record<string, string>;
}

/** The document users write and meshdeck stores. */
export interface DesignDocument {
  apiVersion: typeof DESIGN_API_VERSION;
  kind: typeof DESIGN_KIND;
  metadata: DesignMeta;
  spec: {
    components?: MeshComponent[];
    objects: KubeObject[];
  };
}

/** An object of a loaded design, with where it was written. */
export interface DesignObject {
  object: KubeObject;
  origin: Origin;
  /** Position of a field inside this object, for precise messages; computed on demand. */
  locate(path: readonly (string | number)[]): Origin;
}

export interface DesignComponent {
  component: MeshComponent;
  origin: Origin;
}

/** A design as loaded from its sources, ready to validate, store or apply. */
export interface LoadedDesign {
  meta: DesignMeta;
  /** Where the metadata was written (or the first source, for plain manifests). */
  origin: Origin;
  /** Where one metadata field was written, as far as it is known. */
  metaAt(field: keyof DesignMeta): Origin;
  objects: DesignObject[];
  components: DesignComponent[];
  /** The format the sources were in. */
  format: SourceFormat;
  /** Each source's text by name, for code frames in messages. */
  sources: Map<string, string>;
}

export type SourceFormat = 'design' | 'manifests' | 'meshery';

export function toDocument(design: LoadedDesign): DesignDocument {
  const spec: DesignDocument['spec'] = { objects: design.objects.map((o) => o.object) };
  if (design.components.length > 0) spec.components = design.components.map((c) => c.component);
  return { apiVersion: DESIGN_API_VERSION, kind: DESIGN_KIND, metadata: { ...design.meta }, spec };
}
