// The built-in mesh adapters: each mesh's lifecycle definition, and the MeshAdapter every one of them is
// seen through by the adapter registry (src/adapters/registry.ts imports builtinAdapters()).
import type { MeshAdapter } from '../types.js';
import type { MeshLifecycle } from '../lifecycle/types.js';
import { BuiltinMeshAdapter } from './adapter.js';
import { cilium } from './cilium/index.js';
import { consul } from './consul/index.js';
import { istio } from './istio/index.js';
import { kuma } from './kuma/index.js';
import { linkerd } from './linkerd/index.js';

export const BUILTIN_MESHES: readonly MeshLifecycle[] = [istio, linkerd, kuma, consul, cilium];

export function builtinMesh(name: string): MeshLifecycle | undefined {
  return BUILTIN_MESHES.find((m) => m.name === name);
}

/** One MeshAdapter per built-in mesh. */
export function builtinAdapters(): MeshAdapter[] {
  return BUILTIN_MESHES.map((m) => new BuiltinMeshAdapter(m, BUILTIN_MESHES));
}

export interface BuiltinAdapterEntry {
  /** The name commands use, e.g. "istio". */
  name: string;
  /** Builds the adapter when a command needs it (so an unused adapter costs nothing). */
  create(): MeshAdapter;
}

/** The built-in adapters as the registry lists them, beside the external adapters of the context. */
export function builtinAdapterEntries(): readonly BuiltinAdapterEntry[] {
  return BUILTIN_MESHES.map((m) => ({
    name: m.name,
    create: () => new BuiltinMeshAdapter(m, BUILTIN_MESHES),
  }));
}
