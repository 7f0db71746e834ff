import { parseCount } from '../../perf/spec/quantity.js';
import type { Invocation } from '../shared/invocation.js';
import { resultListView } from './result-view-model.js';

interface Options {
  profile?: string;
  limit: number;
}

export function complete(_inv: Invocation, flags: { profile?: string; limit: string }): Options {
  return { profile: flags.profile, limit: parseCount(flags.limit, '--limit') };
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const limit = opts.limit;
  const s = await inv.factory.perfStores();
  const results = await s.results.list(opts.profile !== undefined ? { profile: opts.profile } : {});
  if (results.length === 0 && (inv.format === 'table' || inv.format === 'wide')) {
    inv.log.info(
      `no results${opts.profile ? ` for profile "${opts.profile}"` : ''} yet; run one with: meshdeck perf run URL`,
    );
  }
  await inv.out.list(results.slice(0, limit), resultListView);
}
