import { logout } from '../../provider/client/login.js';
import { providerTarget } from '../../provider/client/session.js';
import type { Invocation } from '../shared/invocation.js';
import { contextProvider, sessionHost } from '../provider/host.js';

export async function run(inv: Invocation, opts: { provider?: string }): Promise<void> {
  const target = providerTarget(await contextProvider(inv), opts.provider);
  if (!('url' in target)) {
    inv.log.info('the built-in provider has no sign-in, so there is nothing to sign out of');
    return;
  }
  const result = await logout(sessionHost(inv), target);
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
