import { logout } from '../../provider/client/login.js';
import type { Invocation } from '../shared/invocation.js';
import { parseProviderFlag, type ProviderOptions } from '../shared/flags/provider.js';

export function complete(_inv: Invocation, flags: { provider?: string }): ProviderOptions {
  return parseProviderFlag(flags);
}

export async function run(inv: Invocation, o: ProviderOptions): Promise<void> {
  const target = await inv.factory.providerTarget(o.providerUrl);
  if (!('url' in target)) {
    inv.log.info('the built-in provider has no sign-in, so there is nothing to sign out of');
    return;
  }
  const result = await logout(inv.factory.sessionHost(), target);
  if (inv.env.MESHDECK_TOKEN)
    inv.log.warn('MESHDECK_TOKEN is still set in your environment; logout does not change it');
  if (result.removedFrom.length === 0) {
    inv.log.info(`not signed in to ${target.url}; nothing to do`);
    return;
  }
  if (!result.revoked) {
    inv.log.warn(
      `could not revoke the token on ${target.url}${result.revokeProblem ? ` (${result.revokeProblem})` : ''}; it stays valid there until it expires`,
    );
  }
  const where = result.removedFrom
    .map((s) => (s.name === 'file' ? s.location : 'the OS keychain'))
    .join(' and ');
  inv.log.success(
    `signed out of ${target.url}${result.revoked ? ' (token revoked)' : ''}; removed from ${where}`,
  );
}
