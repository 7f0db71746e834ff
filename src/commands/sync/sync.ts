import { OperationError } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import type { ListView } from '../../core/output/printer.js';
import { conflictLines } from '../../provider/client/sync/conflicts.js';
import type { Invocation } from '../shared/invocation.js';
import { parseProviderFlag, type ProviderOptions } from '../shared/flags/provider.js';

interface SyncRow {
  kind: string;
  name: string;
  change: string;
  result: string;
  version?: number;
}

const view: ListView<SyncRow> = {
  kind: 'SyncResult',
  columns: [
    { header: 'kind', value: (r) => r.kind },
    { header: 'name', value: (r) => r.name },
    { header: 'change', value: (r) => r.change },
    { header: 'result', value: (r) => r.result },
    { header: 'version', value: (r) => (r.version === undefined ? '' : String(r.version)) },
  ],
  toData: (r) => ({
    apiVersion: API_VERSION,
    kind: 'SyncResult',
    objectKind: r.kind,
    name: r.name,
    change: r.change,
    result: r.result,
    version: r.version,
  }),
};

export function complete(_inv: Invocation, flags: { provider?: string }): ProviderOptions {
  return parseProviderFlag(flags);
}

export async function run(inv: Invocation, o: ProviderOptions): Promise<void> {
  const session = await inv.factory.providerSession({ url: o.providerUrl });
  const engine = await inv.factory.syncEngine(session);
  const report = await engine.replay();
  const rows: SyncRow[] = [
    ...report.sent.map((s) => ({
      kind: s.kind,
      name: s.name,
      change: s.op,
      result: s.replayed ? 'sent (already applied)' : 'sent',
      version: s.version,
    })),
    ...report.conflicts.map((c) => ({
      kind: c.kind,
      name: c.name,
      change: 'queued change',
      result: 'conflict',
      version: c.remote?.version,
    })),
  ];
  await inv.out.list(rows, view);
  if (report.remaining > 0) {
    throw new OperationError(
      `${report.offlineReason ?? 'the provider is unreachable'}; ${report.remaining} change(s) remain queued`,
      {
        hint: 'run meshdeck sync again when the provider is back',
      },
    );
  }
  const counts = await engine.refresh();
  inv.log.info(
    `synced with ${session.target.url}: sent ${report.sent.length} queued change(s); cache refreshed (${counts.map((c) => `${c.count} ${c.kind}`).join(', ')})`,
  );
  if (report.conflicts.length > 0) {
    throw new OperationError(
      `${report.conflicts.length} queued change(s) conflicted with the provider; both versions are kept`,
      {
        details: report.conflicts.flatMap((c) => [c.reason, ...conflictLines(c).map((l) => `  ${l}`)]),
        hint: 'merge each pair, then push the result again with --force',
      },
    );
  }
}
