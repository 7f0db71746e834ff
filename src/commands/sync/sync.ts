import { OperationError, UsageError } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import type { ListView } from '../../core/output/printer.js';
import { conflictLines } from '../../provider/client/sync/conflicts.js';
import { setAsideMessage } from '../../provider/client/sync/engine.js';
import type { FailedChange } from '../../provider/client/sync/outbox.js';
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

const failedView: ListView<FailedChange> = {
  kind: 'FailedChange',
  columns: [
    { header: 'id', value: (f) => f.id },
    { header: 'kind', value: (f) => f.change?.kind ?? '?' },
    { header: 'name', value: (f) => f.change?.name ?? '(damaged file)' },
    { header: 'change', value: (f) => f.change?.op ?? '' },
    { header: 'failed', value: (f) => f.failedAt },
    { header: 'reason', value: (f) => f.reason },
  ],
  toData: (f) => ({ apiVersion: API_VERSION, kind: 'FailedChange', ...f }),
};

/** What to do with changes set aside (--failed, --retry ID, --drop ID); none: a plain sync. */
interface SyncOptions extends ProviderOptions {
  failed?: true;
  retry?: string;
  drop?: string;
}

export function complete(
  _inv: Invocation,
  flags: { provider?: string; failed?: true; retry?: string; drop?: string },
): SyncOptions {
  return { ...parseProviderFlag(flags), failed: flags.failed, retry: flags.retry, drop: flags.drop };
}

export async function run(inv: Invocation, o: SyncOptions): Promise<void> {
  const session = await inv.factory.providerSession({
    url: o.providerUrl,
    requireAuth: !(o.failed || o.drop !== undefined),
  });
  const engine = await inv.factory.syncEngine(session);
  if (o.failed) return inv.out.list(await engine.outbox.failed(), failedView);
  if (o.drop !== undefined) {
    if (!(await engine.outbox.drop(o.drop))) throw unknownFailed(o.drop);
    inv.log.info(`dropped failed change ${o.drop}`);
    return;
  }
  if (o.retry !== undefined) {
    const id = o.retry;
    const requeued = await engine.outbox.exclusive(() => engine.outbox.retry(id));
    if (requeued === 'unknown') throw unknownFailed(id);
    if (requeued === 'unreadable') {
      throw new UsageError(`failed change ${id} is a damaged file and cannot be sent`, {
        hint: `look at it with meshdeck sync --failed -o json, then drop it with meshdeck sync --drop ${id}`,
      });
    }
    inv.log.info(`failed change ${id} queued again`);
  }
  const report = await engine.replay();
  const rows: SyncRow[] = [
    ...report.sent.map((s) => ({
      kind: s.kind,
      name: s.name,
      change: s.op,
      result: s.replayed ? 'sent (already applied)' : 'sent',
      version: s.version,
    })),
    ...report.setAside.map((f) => ({
      kind: f.change?.kind ?? '?',
      name: f.change?.name ?? '(damaged file)',
      change: f.change ? `queued ${f.change.op}` : 'queued change',
      result: `set aside (failed change ${f.id})`,
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
  if (report.setAside.length > 0) {
    // Conflicts were warned about by now (their lines are in the table too); this is the exit status.
    for (const c of report.conflicts) inv.log.warn(`${c.reason}; both versions kept in ${c.dir}`);
    throw new OperationError(
      `${report.setAside.length} queued change(s) could not be sent and were set aside`,
      {
        details: report.setAside.map(setAsideMessage),
        hint: 'meshdeck sync --failed lists them; --retry ID queues one again, --drop ID deletes it',
      },
    );
  }
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

function unknownFailed(id: string): UsageError {
  return new UsageError(`no failed change with id "${id}"`, { hint: 'meshdeck sync --failed lists them' });
}
