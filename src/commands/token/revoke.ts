// `meshdeck token revoke ID`: one of the signed-in user's API tokens stops working at once.
import { OperationError } from '../../core/errors.js';
import type { Invocation } from '../shared/invocation.js';
import { parseProviderFlag } from '../shared/flags/provider.js';

interface Options {
  id: string;
  providerUrl?: string;
}

export function complete(_inv: Invocation, id: string, flags: { provider?: string }): Options {
  return { id, ...parseProviderFlag(flags) };
}

export async function run(inv: Invocation, o: Options): Promise<void> {
  const session = await inv.factory.providerSession({ url: o.providerUrl });
  if (!(await session.api.revokeApiToken(o.id))) {
    throw new OperationError(`you have no API token with id ${o.id} at ${session.target.url}`, {
      hint: 'meshdeck token list shows your API tokens and their ids',
    });
  }
  inv.log.info(`revoked API token ${o.id}`);
}
