import { API_VERSION } from '../../core/output/formats.js';
import type { ListView } from '../../core/output/printer.js';
import { isOffline } from '../../provider/client/errors.js';
import type { UserProfile } from '../../provider/protocol/auth.js';
import type { Invocation } from '../shared/invocation.js';
import { parseProviderFlag, type ProviderOptions } from '../shared/flags/provider.js';

interface WhoamiRow {
  profile: Pick<UserProfile, 'id' | 'username'> & Partial<UserProfile>;
  provider: string;
  credential: string;
  stale: boolean;
}

const view: ListView<WhoamiRow> = {
  kind: 'User',
  columns: [
    { header: 'user', value: (r) => r.profile.username },
    { header: 'name', value: (r) => r.profile.displayName ?? '' },
    { header: 'role', value: (r) => r.profile.role ?? '' },
    { header: 'provider', value: (r) => r.provider },
    { header: 'credential', value: (r) => r.credential },
    { header: 'id', value: (r) => r.profile.id, wide: true },
    { header: 'email', value: (r) => r.profile.email ?? '', wide: true },
  ],
  toData: (r) => ({
    apiVersion: API_VERSION,
    kind: 'User',
    id: r.profile.id,
    username: r.profile.username,
    displayName: r.profile.displayName,
    email: r.profile.email,
    role: r.profile.role,
    provider: r.provider,
    providerType: r.profile.providerType,
    credential: r.credential,
    stale: r.stale,
  }),
};

export function complete(_inv: Invocation, flags: { provider?: string }): ProviderOptions {
  return parseProviderFlag(flags);
}

export async function run(inv: Invocation, o: ProviderOptions): Promise<void> {
  const session = await inv.factory.providerSession({ url: o.providerUrl });
  const provider = session.target.builtin ? `built-in (${session.target.url})` : session.target.url;
  try {
    const profile = await session.api.me();
    await inv.out.item({ profile, provider, credential: session.source, stale: false }, view);
  } catch (err) {
    const user = session.credential?.credential.user;
    if (!isOffline(err) || !user) throw err;
    inv.log.warn(`${(err as Error).message}; showing the user stored at sign-in`);
    await inv.out.item({ profile: user, provider, credential: session.source, stale: true }, view);
  }
}
