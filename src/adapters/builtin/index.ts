// The built-in mesh adapters: they run in this process. Each registers itself here (the mesh lifecycle
// adds them); the registry (../registry.ts) lists them beside the external adapters of the context.
import type { MeshAdapter } from '../types.js';

export interface BuiltinAdapterEntry {
  /** The name commands use, e.g. "istio". */
  name: string;
  /** Builds the adapter when a command needs it (so an unused adapter costs nothing). */
  create(): MeshAdapter | Promise<MeshAdapter>;
}

const entries: BuiltinAdapterEntry[] = [];

export function registerBuiltinAdapter(entry: BuiltinAdapterEntry): void {
  if (entries.some((e) => e.name === entry.name))
    throw new Error(`built-in adapter "${entry.name}" registered twice`);
  entries.push(entry);
}

export function builtinAdapterEntries(): readonly BuiltinAdapterEntry[] {
  return entries;
}
