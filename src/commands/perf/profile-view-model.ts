// How profiles look in `perf profile list` and `view`.
import type { ListView } from '../../core/output/printer.js';
import { formatDuration } from '../../core/duration.js';
import { formatRate } from '../../perf/result/format.js';
import type { PerfProfile } from '../../perf/store/types.js';

export interface ProfileRow {
  profile: PerfProfile;
  results: number;
  lastRun: string;
}

const s = (r: ProfileRow) => r.profile.settings;

export const profileListView: ListView<ProfileRow> = {
  kind: 'PerfProfile',
  columns: [
    { header: 'name', value: (r) => r.profile.name },
    { header: 'id', value: (r) => r.profile.id.slice(0, 8) },
    { header: 'url', value: (r) => s(r).url ?? '' },
    {
      header: 'rate',
      value: (r) => (s(r).rate == null ? 'max' : `${formatRate(s(r).rate!)}/s`),
      align: 'right',
    },
    { header: 'connections', value: (r) => s(r).connections ?? '', align: 'right' },
    {
      header: 'length',
      value: (r) =>
        s(r).requests ? `${s(r).requests} req` : s(r).duration_ms ? formatDuration(s(r).duration_ms!) : '',
    },
    { header: 'generator', value: (r) => s(r).load_generator ?? 'native' },
    { header: 'results', value: (r) => r.results, align: 'right' },
    { header: 'last run', value: (r) => r.lastRun },
    { header: 'mesh', value: (r) => r.profile.mesh, wide: true },
    { header: 'gates', value: (r) => r.profile.assertions.join(' '), wide: true },
  ],
  toData: (r) => r.profile,
};
