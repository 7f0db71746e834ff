// `meshdeck token create NAME`: an API token for CI; its secret goes to stdout once and nowhere else.
import { UsageError } from '../../core/errors.js';
import type { Invocation } from '../shared/invocation.js';
import { parseProviderFlag } from '../shared/flags/provider.js';

interface Options {
  name: string;
  expiresInDays?: number;
  providerUrl?: string;
}

export function complete(
  _inv: Invocation,
  name: string,
  flags: { expiresInDays?: string; provider?: string },
): Options {
  let expiresInDays: number | undefined;
  if (flags.expiresInDays !== undefined) {
    expiresInDays = Number(flags.expiresInDays);
    if (!Number.isInteger(expiresInDays) || expiresInDays < 1) {
      throw new UsageError(`--expires-in-days must be a whole number of days, not "${flags.expiresInDays}"`, {
        hint: 'API tokens always expire; the provider sets the longest it allows (365 days by default)',
      });
    }
  }
  return { name, expiresInDays, ...parseProviderFlag(flags) };
}

export async function run(inv: Invocation, o: Options): Promise<void> {
  const session = await inv.factory.providerSession({ url: o.providerUrl });
  const created = await session.api.createApiToken({ name: o.name, expiresInDays: o.expiresInDays });
  inv.out.write(`${created.token}\n`);
  inv.log.info(
    `created API token "${created.name}" (id ${created.id}), expires ${created.expiresAt}; ` +
      'it is shown only this once: store it in your CI secrets (MESHDECK_TOKEN)',
  );
}
