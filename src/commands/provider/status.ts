import { API_VERSION } from '../../core/output/formats.js';
import type { ListView } from '../../core/output/printer.js';
import { ExitCode, isMeshdeckError } from '../../core/errors.js';
import { Outbox } from '../../provider/client/sync/outbox.js';
import type { Invocation } from '../shared/invocation.js';
import { parseProviderFlag, type ProviderOptions } from '../shared/flags/provider.js';

interface StatusRow {
  url: string;
  builtin: boolean;
  type?: string;
  name?: string;
  version?: string;
  status: 'ready' | 'unreachable' | 'error';
  problem?: string;
  user?: string;
  credential: string;
  queued: number;
  features: string[];
}

const view: ListView<StatusRow> = {
  kind: 'ProviderStatus',
  columns: [
    { header: 'provider', value: (r) => (r.builtin ? `built-in (${r.url})` : r.url) },
    { header: 'type', value: (r) => r.type ?? '' },
    { header: 'status', value: (r) => r.status },
    { header: 'user', value: (r) => r.user ?? '' },
    { header: 'queued', value: (r) => String(r.queued) },
    { header: 'version', value: (r) => r.version ?? '', wide: true },
    { header: 'features', value: (r) => r.features.join(','), wide: true },
  ],
  toData: (r) => ({ apiVersion: API_VERSION, kind: 'ProviderStatus', ...r }),
};

export function complete(_inv: Invocation, flags: { provider?: string }): ProviderOptions {
  return parseProviderFlag(flags);
}

export async function run(inv: Invocation, opts: ProviderOptions): Promise<number> {
  const session = await inv.factory.providerSession({ url: opts.providerUrl, requireAuth: false });
  const row: StatusRow = {
    url: session.target.url,
    builtin: session.target.builtin,
    status: 'ready',
    credential: session.source,
    queued: (await new Outbox(session.folders.outbox).entries()).length,
    features: [],
  };
  try {
    const caps = await session.capabilities();
    row.type = caps.document.providerType;
    row.name = caps.document.providerName;
    row.version = caps.document.packageVersion;
    row.features = caps.document.capabilities.map((c) => c.feature);
    if (session.source !== 'none') row.user = (await session.api.me()).username;
  } catch (err) {
    if (!isMeshdeckError(err) || err.exitCode === ExitCode.INTERRUPTED) throw err;
    row.status = (err as { offline?: boolean }).offline ? 'unreachable' : 'error';
    row.problem = err.message;
    inv.log.warn(err.message);
  }
  await inv.out.item(row, view);
  return row.status === 'ready' ? ExitCode.OK : ExitCode.FAILED;
}
