import { BUILTIN_MESHES } from '../../adapters/builtin/index.js';
import { meshStatus, type NamespaceStatus, type RevisionStatus } from '../../adapters/lifecycle/status.js';
import type { Invocation } from '../shared/invocation.js';
import { findMesh, withLifecycle } from './common.js';
import { document, isTable } from './print.js';

interface Row {
  mesh: string;
  rev: RevisionStatus;
}

export function complete(_inv: Invocation, name: string | undefined, _flags: object): { name?: string } {
  if (name) findMesh(name);
  return { name };
}

export async function run(inv: Invocation, { name }: { name?: string }): Promise<void> {
  const meshes = name ? [findMesh(name)] : BUILTIN_MESHES;
  await withLifecycle(inv, {}, async (ctx) => {
    const report = await meshStatus(ctx, meshes, BUILTIN_MESHES);
    if (!isTable(inv)) {
      await document(inv, 'MeshStatus', { ...report });
      return;
    }
    const rows: Row[] = report.meshes.flatMap((m) => m.revisions.map((rev) => ({ mesh: m.mesh, rev })));
    const sim = report.simulated ? ' (simulated)' : '';
    if (rows.length === 0) inv.log.info(`no mesh installed by meshdeck${name ? ` (${name})` : ''}${sim}`);
    else inv.out.write(renderTables(inv, rows, report.namespaces, report.simulated));
    for (const c of report.conflicts) inv.log.warn(`conflict: ${c}`);
  });
}

function renderTables(
  inv: Invocation,
  rows: Row[],
  namespaces: NamespaceStatus[],
  simulated: boolean,
): string {
  const wide = inv.format === 'wide';
  const pad = (cells: string[][]) => {
    const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    return (
      cells
        .map((r) =>
          r
            .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3)))
            .join('')
            .trimEnd(),
        )
        .join('\n') + '\n'
    );
  };
  const cp = [
    [
      'MESH',
      'REVISION',
      'VERSION',
      'READY',
      'CONTROL PLANE',
      ...(wide ? ['WEBHOOKS', 'INSTALLED', 'BY'] : []),
    ],
    ...rows.map(({ mesh, rev }) => [
      mesh,
      rev.revision,
      rev.version + (simulated ? ' (simulated)' : ''),
      `${rev.components.filter((c) => c.ready).length}/${rev.components.length}`,
      rev.components.map((c) => `${c.name}${c.ready ? '' : ` (${c.message})`}`).join(', ') || '-',
      ...(wide ? [String(rev.webhooks.length), rev.installedAt, rev.installedBy] : []),
    ]),
  ];
  let out = pad(cp);
  if (namespaces.length > 0) {
    const dp = [
      ['NAMESPACE', 'MESH', 'INJECTION', 'REVISION', 'PODS', 'PROXIES', 'SKEW'],
      ...namespaces.map((n) => [
        n.namespace,
        n.mesh,
        n.injected ? 'enabled' : 'disabled',
        n.revision ?? '-',
        String(n.pods),
        Object.entries(n.proxies)
          .map(([v, c]) => `${c}x ${v}`)
          .join(', ') || '-',
        n.skew ? 'yes' : 'no',
      ]),
    ];
    out += `\n${pad(dp)}`;
  }
  return out;
}
