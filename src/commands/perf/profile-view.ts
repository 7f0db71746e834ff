import { toSmpConfig } from '../../perf/profile/smp-export.js';
import type { Invocation } from '../shared/invocation.js';
import { profileListView } from './profile-view-model.js';
import { findProfile } from './refs.js';

interface Options {
  ref: string;
}

export function complete(_inv: Invocation, ref: string, _flags: object): Options {
  return { ref };
}

export async function run(inv: Invocation, { ref }: Options): Promise<void> {
  const s = await inv.factory.perfStores();
  const profile = await findProfile(s, ref);
  if (inv.format === 'smp') {
    const { toYaml } = await import('../../core/output/yaml-text.js');
    inv.out.write(toYaml(toSmpConfig(profile)));
    return;
  }
  const mine = (await s.results.list()).filter((r) => r.profile?.id === profile.id);
  await inv.out.item({ profile, results: mine.length, lastRun: mine[0]?.start_time ?? '' }, profileListView);
}
