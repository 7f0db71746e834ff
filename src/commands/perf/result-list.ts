import { parseCount } from '../../perf/spec/quantity.js';
import type { Invocation } from '../shared/invocation.js';
import { resultListView } from './result-view-model.js';
import { stores } from './stores.js';

export async function run(inv: Invocation, opts: { profile?: string; limit: string }): Promise<void> {
  const limit = parseCount(opts.limit, '--limit');
  const s = await stores(inv);
  const results = await s.results.list(opts.profile !== undefined ? { profile: opts.profile } : {});
  if (results.length === 0 && (inv.format === 'table' || inv.format === 'wide')) {
    inv.log.info(
      `no results${opts.profile ? ` for profile "${opts.profile}"` : ''} yet; run one with: meshdeck perf run URL`,
    );
  }
  await inv.out.list(results.slice(0, limit), resultListView);
}
