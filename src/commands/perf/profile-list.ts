import { noOptions } from '../shared/convention.js';
import type { Invocation } from '../shared/invocation.js';
import { profileListView, type ProfileRow } from './profile-view-model.js';

export const complete = noOptions;

export async function run(inv: Invocation): Promise<void> {
  const s = await inv.factory.perfStores();
  const profiles = await s.profiles.list();
  const results = profiles.length > 0 ? await s.results.list() : [];
  const rows: ProfileRow[] = profiles.map((profile) => {
    const mine = results.filter((r) => r.profile?.id === profile.id);
    return {
      profile,
      results: mine.length,
      lastRun: mine[0]?.start_time.replace('T', ' ').replace(/\.\d+Z$/, 'Z') ?? '',
    };
  });
  if (rows.length === 0 && (inv.format === 'table' || inv.format === 'wide')) {
    inv.log.info('no profiles yet; create one with: meshdeck perf profile create NAME --url URL');
  }
  await inv.out.list(rows, profileListView);
}
