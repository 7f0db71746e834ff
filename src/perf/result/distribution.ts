// The latency distribution drawn as text: the histogram regrouped into bins of equal width on a log
// scale between the fastest and the slowest response, one bar each.
import type { Histogram } from '../histogram/histogram.js';
import { formatMs } from './format.js';

export interface DistributionOptions {
  bins?: number;
  width?: number;
  /** Block characters on a terminal; '#' otherwise. */
  unicode?: boolean;
}

export function renderDistribution(h: Histogram, options: DistributionOptions = {}): string[] {
  if (h.count === 0) return [];
  const bins = options.bins ?? 12;
  const width = options.width ?? 40;
  const low = Math.max(1, h.min);
  const high = Math.max(low + 1, h.max);
  const ratio = (high / low) ** (1 / bins);
  const edges = Array.from({ length: bins }, (_, i) => (i === bins - 1 ? high : low * ratio ** (i + 1)));
  const counts = new Array<number>(bins).fill(0);
  h.forEachBucket((bucketLow, bucketHigh, count) => {
    const v = Math.min(Math.max((bucketLow + bucketHigh) / 2, low), high);
    let i = 0;
    while (i < bins - 1 && v > edges[i]) i++;
    counts[i] += count;
  });
  const peak = Math.max(...counts);
  const labels = edges.map((e) => `<= ${formatMs(e / 1000)} ms`);
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const full = options.unicode ? '█' : '#';
  const partials = options.unicode ? ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] : [''];
  return counts.map((count, i) => {
    const cells = (count / peak) * width;
    let bar = full.repeat(Math.floor(cells));
    const rest = Math.floor((cells - Math.floor(cells)) * partials.length);
    bar += partials[rest] ?? '';
    if (count > 0 && bar === '') bar = options.unicode ? '▏' : '.';
    const pct = ((count / h.count) * 100).toFixed(2).padStart(6);
    return `${labels[i].padStart(labelWidth)}  ${pct}%  ${bar}`;
  });
}
