// Cluster: namespaces and workloads from the live snapshot (list + watch), with injection, ready counts,
// pods with sidecars and their proxy versions (two at once: skew, e.g. halfway through a canary); `/` filters by namespace, name or kind.
import { Box, Text, useInput } from 'ink';
import { useMemo, useState, type ReactNode } from 'react';
import type { Snapshot, WorkloadSummary } from '../../k8s/snapshot/model.js';
import { row, windowAround } from '../base/text.js';
import { Line, Prompt, useColor, useLineEditor } from '../base/ui.js';

export interface ClusterProps {
  snapshot?: Snapshot;
  trouble?: string;
  height: number;
  width: number;
  active: boolean;
  /** The filter, kept by the caller so that it outlives a switch to another view. */
  filter: string;
  onFilter: (filter: string) => void;
}

export const CLUSTER_KEYS = 'Up/Down scroll | / filter | Esc clear filter';

interface WorkloadRow {
  w: WorkloadSummary;
  sidecars: number;
  pods: number;
  /** Its pods' proxy versions, distinct: more than one is version skew. */
  proxies: string[];
  nsInjection: string;
}

/** Pods belong to a workload by owner: the workload itself, or a ReplicaSet named after a Deployment. */
function ownedBy(owner: string | undefined, w: WorkloadSummary): boolean {
  if (!owner) return false;
  const [kind, name] = owner.split('/');
  if (kind === w.kind) return name === w.name;
  return w.kind === 'Deployment' && kind === 'ReplicaSet' && name.startsWith(`${w.name}-`);
}

export function workloadRows(s: Snapshot): WorkloadRow[] {
  const injection = new Map(s.namespaces.map((n) => [n.name, n.injection.join(',')]));
  return s.workloads.map((w) => {
    const pods = s.pods.filter((p) => p.namespace === w.namespace && ownedBy(p.owner, w));
    return {
      w,
      pods: pods.length,
      sidecars: pods.filter((p) => p.sidecars.length > 0).length,
      proxies: [...new Set(pods.flatMap((p) => p.proxyVersions ?? []))].sort(),
      nsInjection: injection.get(w.namespace) ?? '',
    };
  });
}

/** One version as it is; several (skew) as the oldest and how many more, to fit the column. */
function proxyCell(versions: string[]): string {
  if (versions.length === 0) return '-';
  return versions.length === 1 ? versions[0] : `${versions[0]}+${versions.length - 1}`;
}

export function matches(r: WorkloadRow, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return [r.w.namespace, r.w.name, r.w.kind].some((t) => t.toLowerCase().includes(f));
}

export function ClusterView(p: ClusterProps): ReactNode {
  const c = useColor();
  const { filter, onFilter: setFilter } = p;
  const [selected, setSelected] = useState(0);
  const all = useMemo(() => (p.snapshot ? workloadRows(p.snapshot) : []), [p.snapshot]);
  const rows = all.filter((r) => matches(r, filter));
  const editor = useLineEditor((text) => {
    if (text !== undefined) setFilter(text);
    setSelected(0);
  });
  useInput(
    (input, key) => {
      if (editor.handle(input, key)) return;
      if (input === '/') editor.start(filter);
      else if (key.escape) setFilter('');
      else if (key.upArrow) setSelected((s) => Math.max(0, s - 1));
      else if (key.downArrow) setSelected((s) => Math.min(rows.length - 1, s + 1));
    },
    { isActive: p.active },
  );
  const s = p.snapshot;
  const widths = [12, 15, 10, 5, 8, 8, 9, Math.max(5, p.width - 75)];
  const { start, shown } = windowAround(rows, selected, Math.max(1, p.height - 4));
  const injected = s ? s.namespaces.filter((n) => n.injection.length > 0).length : 0;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {s
          ? `${s.namespaces.length} namespaces (${injected} injected) | ${s.workloads.length} workloads | ${s.pods.length} pods (${s.pods.filter((x) => x.sidecars.length > 0).length} sidecars) | meshes: ${s.meshes.map((m) => m.mesh).join(', ') || 'none found'}`
          : 'listing the cluster...'}
      </Text>
      {p.trouble ? <Text color={c('yellow')}>{p.trouble}</Text> : null}
      {editor.text !== undefined ? (
        <Prompt label="filter: " text={editor.text} />
      ) : (
        <Text wrap="truncate">
          {filter ? `filter: ${filter} (${rows.length} of ${all.length})` : `${all.length} workloads`}
        </Text>
      )}
      <Text bold wrap="truncate">
        {' '}
        {row(['NAMESPACE', 'NAME', 'KIND', 'READY', 'SIDECARS', 'PROXY', 'INJECTION', 'NS INJ'], widths)}
      </Text>
      {shown.map((r, i) => (
        <Line key={`${r.w.kind}/${r.w.namespace}/${r.w.name}`} selected={start + i === selected && p.active}>
          {row(
            [
              r.w.namespace,
              r.w.name,
              r.w.kind,
              `${r.w.ready}/${r.w.desired}`,
              `${r.sidecars}/${r.pods}`,
              proxyCell(r.proxies),
              r.w.injection.join(',') || '-',
              r.nsInjection || '-',
            ],
            widths,
          )}
        </Line>
      ))}
    </Box>
  );
}
