// The snapshot as tables, one section after another; pods in full only with -o wide (they can be many).
import { renderTable, type Column } from '../../core/output/table.js';
import type { Snapshot } from './model.js';

function section<T>(title: string, rows: readonly T[], columns: readonly Column<T>[], wide: boolean): string {
  if (rows.length === 0) return '';
  return `${title}\n${renderTable(rows, columns, wide)}`;
}

export function renderSnapshot(s: Snapshot, wide: boolean): string {
  const podsByNamespace = new Map<string, { pods: number; ready: number; sidecars: number }>();
  for (const p of s.pods) {
    const entry = podsByNamespace.get(p.namespace) ?? { pods: 0, ready: 0, sidecars: 0 };
    entry.pods++;
    if (p.ready) entry.ready++;
    if (p.sidecars.length > 0) entry.sidecars++;
    podsByNamespace.set(p.namespace, entry);
  }
  const parts = [
    section(
      'MESHES',
      s.meshes,
      [
        { header: 'mesh', value: (m) => m.mesh },
        { header: 'crds', value: (m) => m.crds, align: 'right' },
        { header: 'resources', value: (m) => m.resources, align: 'right' },
        { header: 'injected namespaces', value: (m) => m.injectedNamespaces, align: 'right' },
        { header: 'pods with sidecars', value: (m) => m.podsWithSidecars, align: 'right' },
      ],
      wide,
    ),
    section(
      'NAMESPACES',
      s.namespaces,
      [
        { header: 'name', value: (n) => n.name },
        { header: 'phase', value: (n) => n.phase },
        {
          header: 'injection',
          value: (n) => n.injection.join(',') + (n.revision ? ` (rev ${n.revision})` : ''),
        },
        { header: 'pods', value: (n) => podsByNamespace.get(n.name)?.pods ?? 0, align: 'right' },
        { header: 'with sidecars', value: (n) => podsByNamespace.get(n.name)?.sidecars ?? 0, align: 'right' },
      ],
      wide,
    ),
    section(
      'WORKLOADS',
      s.workloads,
      [
        { header: 'namespace', value: (w) => w.namespace },
        { header: 'workload', value: (w) => `${w.kind.toLowerCase()}/${w.name}` },
        { header: 'ready', value: (w) => `${w.ready}/${w.desired}` },
        { header: 'injection', value: (w) => w.injection.join(',') },
      ],
      wide,
    ),
    wide
      ? section(
          'PODS',
          s.pods,
          [
            { header: 'namespace', value: (p) => p.namespace },
            { header: 'pod', value: (p) => p.name },
            { header: 'phase', value: (p) => p.phase },
            { header: 'ready', value: (p) => (p.ready ? 'yes' : 'no') },
            { header: 'sidecars', value: (p) => p.sidecars.join(',') },
            { header: 'node', value: (p) => p.node ?? '' },
            { header: 'owner', value: (p) => p.owner ?? '' },
          ],
          wide,
        )
      : '',
    section(
      'SERVICES',
      s.services,
      [
        { header: 'namespace', value: (v) => v.namespace },
        { header: 'service', value: (v) => v.name },
        { header: 'type', value: (v) => v.type },
        { header: 'cluster-ip', value: (v) => v.clusterIP ?? '' },
        { header: 'ports', value: (v) => v.ports },
      ],
      wide,
    ),
    section(
      'MESH CRDS',
      s.crds,
      [
        { header: 'mesh', value: (c) => c.mesh },
        { header: 'crd', value: (c) => c.name },
        { header: 'kind', value: (c) => c.kind },
        { header: 'version', value: (c) => c.version },
      ],
      wide,
    ),
    section(
      'MESH RESOURCES',
      s.resources,
      [
        { header: 'mesh', value: (r) => r.mesh },
        { header: 'namespace', value: (r) => r.namespace ?? '' },
        { header: 'resource', value: (r) => `${r.kind.toLowerCase()}.${r.group}/${r.name}` },
      ],
      wide,
    ),
  ].filter(Boolean);
  return parts.join('\n');
}
