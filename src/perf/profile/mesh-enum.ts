// SMP's ServiceMesh.Type enum (service-mesh-performance, protos/service_mesh.proto), for files that name
// the mesh by number. Newer Meshery files use a free string instead; both are accepted.
export const SMP_MESH_TYPES = [
  'INVALID_MESH',
  'APP_MESH',
  'CONSUL',
  'ISTIO',
  'KUMA',
  'LINKERD',
  'TRAEFIK_MESH',
  'OCTARINE',
  'NETWORK_SERVICE_MESH',
  'TANZU',
  'OPEN_SERVICE_MESH',
  'NGINX_SERVICE_MESH',
  'CILIUM_SERVICE_MESH',
] as const;

/** "ISTIO" -> "istio"; "" for INVALID_MESH. */
export function meshNameFromEnum(value: number | string): string | undefined {
  const name = typeof value === 'number' ? SMP_MESH_TYPES[value] : value.toUpperCase();
  if (name === undefined || !(SMP_MESH_TYPES as readonly string[]).includes(name)) return undefined;
  return name === 'INVALID_MESH' ? '' : name.toLowerCase();
}

/** The enum number for a mesh name, 0 (INVALID_MESH) when it has none. */
export function meshEnumFromName(name: string): number {
  const i = (SMP_MESH_TYPES as readonly string[]).indexOf(
    name
      .trim()
      .toUpperCase()
      .replace(/[\s-]+/g, '_'),
  );
  return i === -1 ? 0 : i;
}
