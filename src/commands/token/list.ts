// `meshdeck token list`: the signed-in user's API tokens, never their secrets.
import { API_VERSION } from '../../core/output/formats.js';
import type { ListView } from '../../core/output/printer.js';
import type { ApiTokenInfo } from '../../provider/protocol/auth.js';
import type { Invocation } from '../shared/invocation.js';
import { parseProviderFlag, type ProviderOptions } from '../shared/flags/provider.js';

const view: ListView<ApiTokenInfo> = {
  kind: 'ApiToken',
  columns: [
    { header: 'id', value: (t) => t.id },
    { header: 'name', value: (t) => t.name },
    { header: 'created', value: (t) => t.createdAt },
    { header: 'expires', value: (t) => t.expiresAt ?? 'never' },
    { header: 'last used', value: (t) => t.lastUsedAt ?? 'never' },
  ],
  toData: (t) => ({ apiVersion: API_VERSION, kind: 'ApiToken', ...t }),
};

export function complete(_inv: Invocation, flags: { provider?: string }): ProviderOptions {
  return parseProviderFlag(flags);
}

export async function run(inv: Invocation, o: ProviderOptions): Promise<void> {
  const session = await inv.factory.providerSession({ url: o.providerUrl });
  await inv.out.list(await session.api.listApiTokens(), view);
}
