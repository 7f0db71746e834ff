// kubectl-style tables: upper-case headers, columns padded to the widest cell, three spaces between.
import { visibleLength } from './color.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | undefined | null;
  /** Shown only with -o wide. */
  wide?: boolean;
  align?: 'left' | 'right';
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], wide = false): string {
  const shown = columns.filter((c) => wide || !c.wide);
  const cells = rows.map((row) => shown.map((c) => cellText(c.value(row))));
  const headers = shown.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...cells.map((r) => visibleLength(r[i]))));
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(widths[i] - visibleLength(v));
        if (i === values.length - 1 && shown[i].align !== 'right') return v;
        return shown[i].align === 'right' ? pad + v : v + pad;
      })
      .join('   ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

function cellText(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null || value === '') return '';
  return String(value);
}
