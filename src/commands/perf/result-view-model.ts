// How stored results look in `perf result list`.
import type { ListView } from '../../core/output/printer.js';
import { formatMs, formatPercent, formatRate } from '../../perf/result/format.js';
import { primaryLatency, type PerfResult } from '../../perf/result/model.js';

export const resultListView: ListView<PerfResult> = {
  kind: 'PerfResult',
  columns: [
    { header: 'id', value: (r) => r.id.slice(0, 8) },
    { header: 'name', value: (r) => r.name },
    { header: 'profile', value: (r) => r.profile?.name ?? '' },
    { header: 'generator', value: (r) => r.load_generator.name },
    { header: 'rate', value: (r) => `${formatRate(r.actual_qps)}/s`, align: 'right' },
    { header: 'p50', value: (r) => `${formatMs(primaryLatency(r)?.p50)}ms`, align: 'right' },
    { header: 'p99', value: (r) => `${formatMs(primaryLatency(r)?.p99)}ms`, align: 'right' },
    { header: 'errors', value: (r) => formatPercent(r.errors.rate), align: 'right' },
    { header: 'started', value: (r) => r.start_time.replace('T', ' ').replace(/\.\d+Z$/, 'Z') },
    { header: 'url', value: (r) => r.test.url, wide: true },
    {
      header: 'mode',
      value: (r) => (r.test.mode === 'open' ? `open ${formatRate(r.test.rate ?? 0)}/s` : 'closed'),
      wide: true,
    },
    { header: 'interrupted', value: (r) => (r.interrupted ? 'yes' : ''), wide: true },
  ],
  toData: (r) => r,
};
