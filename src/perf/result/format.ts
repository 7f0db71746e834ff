// Number formats shared by the summary, tables and comparisons.

/** Milliseconds with precision that suits the size: 0.306, 5.43, 191.2, 1203. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '-';
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1);
}

export function formatPercent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A signed relative change: +5.2%, -12.0%. */
export function formatDelta(from: number, to: number): string {
  if (from === 0) return to === 0 ? '0.0%' : 'new';
  const d = ((to - from) / Math.abs(from)) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
