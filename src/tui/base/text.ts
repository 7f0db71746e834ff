// Plain-text pieces of the dashboard's frames: cells cut to a width, sparklines and bars. Pure
// functions, so the views stay declarative and the shapes are testable without a terminal.

const BLOCKS = '▁▂▃▄▅▆▇█';

/** The text cut (with …) or padded to exactly `width` columns. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return text.padEnd(width);
}

/** Cells laid out at the given widths, one space apart; the last cell is not padded. */
export function row(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? fit(c, widths[i]).trimEnd() : fit(c, widths[i])))
    .join(' ');
}

/** The last `width` values as a sparkline scaled to their maximum; non-numbers are blanks. */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-width);
  const finite = shown.filter((v) => Number.isFinite(v));
  const max = Math.max(0, ...finite);
  return shown
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      if (max === 0) return BLOCKS[0];
      return BLOCKS[Math.min(BLOCKS.length - 1, Math.floor((v / max) * (BLOCKS.length - 1) + 0.5))];
    })
    .join('');
}

/** A horizontal bar of `value` against `max`, `width` columns at most. */
export function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0)) return '';
  return '█'.repeat(Math.max(1, Math.round((value / max) * width)));
}

export interface Bucket {
  /** Upper bound of the bucket. */
  upTo: number;
  count: number;
}

/** Values counted into `n` equal buckets between their minimum and maximum. */
export function buckets(values: readonly number[], n: number): Bucket[] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [];
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const step = max > min ? (max - min) / n : 1;
  const out = Array.from({ length: max > min ? n : 1 }, (_, i) => ({ upTo: min + step * (i + 1), count: 0 }));
  for (const v of finite) out[Math.min(out.length - 1, Math.floor((v - min) / step))].count++;
  return out;
}

/** Microseconds as milliseconds with sensible precision ("0.42ms", "12.3ms", "140ms"). */
export function usAsMs(us: number | undefined): string {
  if (us === undefined || !Number.isFinite(us)) return '-';
  const ms = us / 1000;
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 100) return `${ms.toFixed(1)}ms`;
  return `${Math.round(ms)}ms`;
}

/** The rows of a list that fit `height`, keeping `selected` in view. */
export function windowAround<T>(
  items: readonly T[],
  selected: number,
  height: number,
): { start: number; shown: T[] } {
  if (items.length <= height) return { start: 0, shown: [...items] };
  const start = Math.max(0, Math.min(selected - Math.floor(height / 2), items.length - height));
  return { start, shown: items.slice(start, start + height) };
}
