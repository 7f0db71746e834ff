import { createHash } from 'node:crypto';
import { API_VERSION } from '../../core/output/formats.js';
import type { ListView } from '../../core/output/printer.js';
import { builtinPaths } from '../../provider/builtin/daemon.js';
import { notSignedIn } from '../../provider/client/errors.js';
import { credentialsFor } from '../../provider/client/session.js';
import type { Invocation } from '../shared/invocation.js';
import { parseProviderFlag, type ProviderOptions } from '../shared/flags/provider.js';

interface TokenRow {
  provider: string;
  source: string;
  location: string;
  user?: string;
  method?: string;
  expiresAt?: string;
  refreshable: boolean;
  /** A SHA-256 prefix: tells two tokens apart without revealing either. */
  fingerprint?: string;
}

const view: ListView<TokenRow> = {
  kind: 'Token',
  columns: [
    { header: 'provider', value: (r) => r.provider },
    { header: 'user', value: (r) => r.user ?? '' },
    { header: 'source', value: (r) => r.source },
    { header: 'expires', value: (r) => (r.expiresAt ? describeExpiry(r.expiresAt) : 'never') },
    { header: 'refresh', value: (r) => (r.refreshable ? 'yes' : 'no') },
    { header: 'location', value: (r) => r.location, wide: true },
    { header: 'fingerprint', value: (r) => r.fingerprint ?? '', wide: true },
  ],
  toData: (r) => ({ apiVersion: API_VERSION, kind: 'Token', ...r }),
};

export function complete(_inv: Invocation, flags: { provider?: string }): ProviderOptions {
  return parseProviderFlag(flags);
}

export async function run(inv: Invocation, o: ProviderOptions): Promise<void> {
  const target = await inv.factory.providerTarget(o.providerUrl);
  if (!('url' in target)) {
    await inv.out.item(
      {
        provider: 'built-in',
        source: 'builtin',
        location: builtinPaths(inv.paths.stateDir).stateFile,
        user: 'meshdeck',
        refreshable: false,
      },
      view,
    );
    return;
  }
  const found = await credentialsFor(inv.factory.sessionHost()).find(target.url);
  if (!found) throw notSignedIn(target.url);
  const c = found.credential;
  await inv.out.item(
    {
      provider: target.url,
      source: found.source,
      location: found.source === 'env' ? 'MESHDECK_TOKEN' : (found.store?.location ?? ''),
      user: c.user?.username,
      method: c.method,
      expiresAt: c.expiresAt,
      refreshable: Boolean(c.refreshToken),
      fingerprint: `sha256:${createHash('sha256').update(c.accessToken).digest('hex').slice(0, 12)}`,
    },
    view,
  );
}

function describeExpiry(iso: string): string {
  const ms = Date.parse(iso) - Date.now();
  if (ms <= 0) return `expired ${iso}`;
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `in ${minutes} min` : `in ${Math.round(minutes / 60)} h`;
}
