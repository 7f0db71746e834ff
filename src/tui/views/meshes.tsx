// Meshes: control planes from the mesh adapters (revisions, versions, ready components) and the data
// plane by namespace (proxies by version, version skew); what the snapshot shows when none is installed.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { StatusReport } from '../../adapters/lifecycle/status.js';
import type { Snapshot } from '../../k8s/snapshot/model.js';
import { row } from '../base/text.js';
import { useColor } from '../base/ui.js';

export interface MeshesProps {
  report?: StatusReport;
  snapshot?: Snapshot;
  error?: string;
  height: number;
  width: number;
}

export const MESHES_KEYS = 'r refresh';

export function meshLines(report: StatusReport, width: number): string[] {
  const lines: string[] = [];
  const cp = [10, 10, 16, 6, Math.max(10, width - 46)];
  const revisions = report.meshes.flatMap((m) => m.revisions.map((rev) => ({ mesh: m.mesh, rev })));
  if (revisions.length > 0) {
    lines.push(row(['MESH', 'REVISION', 'VERSION', 'READY', 'CONTROL PLANE'], cp));
    for (const { mesh, rev } of revisions)
      lines.push(
        row(
          [
            mesh,
            rev.revision,
            rev.version + (report.simulated ? ' (sim)' : ''),
            `${rev.components.filter((x) => x.ready).length}/${rev.components.length}`,
            rev.components.map((x) => `${x.name}${x.ready ? '' : ` (${x.message})`}`).join(', ') || '-',
          ],
          cp,
        ),
      );
  }
  if (report.namespaces.length > 0) {
    const dp = [16, 9, 9, 9, 6, Math.max(10, width - 60), 4];
    lines.push('');
    lines.push(row(['NAMESPACE', 'MESH', 'INJECTION', 'REVISION', 'PODS', 'PROXIES', 'SKEW'], dp));
    for (const n of report.namespaces)
      lines.push(
        row(
          [
            n.namespace,
            n.mesh,
            n.injected ? 'enabled' : 'disabled',
            n.revision ?? '-',
            String(n.pods),
            Object.entries(n.proxies)
              .map(([v, count]) => `${count}×${v}`)
              .concat(n.withoutProxy > 0 ? [`${n.withoutProxy} without`] : [])
              .join(', ') || '-',
            n.skew ? 'yes' : 'no',
          ],
          dp,
        ),
      );
  }
  return lines;
}

/** Until a mesh is installed through meshdeck: what the snapshot finds (CRDs, injection, sidecars). */
export function snapshotMeshLines(s: Snapshot, width: number): string[] {
  if (s.meshes.length === 0) return ['no mesh found in the cluster'];
  const w = [12, 6, 10, 20, Math.max(8, width - 52)];
  return [
    row(['MESH', 'CRDS', 'RESOURCES', 'INJECTED NAMESPACES', 'PODS WITH SIDECARS'], w),
    ...s.meshes.map((m) =>
      row(
        [
          m.mesh,
          String(m.crds),
          String(m.resources),
          String(m.injectedNamespaces),
          String(m.podsWithSidecars),
        ],
        w,
      ),
    ),
  ];
}

export function MeshesView(p: MeshesProps): ReactNode {
  const c = useColor();
  const fromAdapters = p.report ? meshLines(p.report, p.width) : [];
  const lines =
    fromAdapters.length > 0
      ? fromAdapters
      : [
          ...(p.report ? ['no mesh installed by meshdeck; what the cluster shows:'] : []),
          ...(p.snapshot ? snapshotMeshLines(p.snapshot, p.width) : []),
        ];
  return (
    <Box flexDirection="column">
      {p.error ? <Text color={c('red')}>{p.error}</Text> : null}
      {!p.report && !p.error ? <Text>reading mesh status…</Text> : null}
      {p.report?.conflicts.map((x) => (
        <Text key={x} color={c('yellow')} wrap="truncate">
          conflict: {x}
        </Text>
      ))}
      {lines.slice(0, Math.max(1, p.height - 2)).map((l, i) => (
        <Text key={i} bold={i === 0} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}
