import { toSmpConfig } from '../../perf/profile/smp-export.js';
import type { Invocation } from '../shared/invocation.js';
import { profileListView } from './profile-view-model.js';
import { findProfile } from './refs.js';
import { stores } from './stores.js';

export async function run(inv: Invocation, ref: string, _opts: object): Promise<void> {
  const s = await stores(inv);
  const profile = await findProfile(s, ref);
  if (inv.format === 'smp') {
    const { toYaml } = await import('../../core/output/yaml-text.js');
    inv.out.write(toYaml(toSmpConfig(profile)));
    return;
  }
  const mine = (await s.results.list()).filter((r) => r.profile?.id === profile.id);
  await inv.out.item({ profile, results: mine.length, lastRun: mine[0]?.start_time ?? '' }, profileListView);
}
