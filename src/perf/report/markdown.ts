// `perf report -o md`: the report as GitHub-flavoured Markdown, for a CI job summary
// ($GITHUB_STEP_SUMMARY) or a merge-request comment: the comparison, the gates and the percentile table.
import type { PerfResult } from '../result/model.js';
import { headline, spectrum } from './data.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const num = (n: number | null, digits = 2) => (n === null ? '–' : n.toFixed(digits));

function change(value: number | null, base: number | null): string {
  if (value === null || base === null || base === 0) return '';
  const pct = ((value - base) / base) * 100;
  return ` (${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%)`;
}

function summary(results: PerfResult[]): string[] {
  const base = headline(results[0]);
  const lines = [
    '| result | mode | p50 ms | p90 ms | p99 ms | p99.9 ms | req/s | errors |',
    '|---|---|--:|--:|--:|--:|--:|--:|',
  ];
  results.forEach((r, i) => {
    const h = headline(r);
    const d = (v: number | null, b: number | null) => (i === 0 ? '' : change(v, b));
    lines.push(
      `| ${cell(h.name)} \`${h.id.slice(0, 8)}\` | ${h.mode} (${h.latency}) | ${num(h.p50)}${d(h.p50, base.p50)} | ` +
        `${num(h.p90)}${d(h.p90, base.p90)} | ${num(h.p99)}${d(h.p99, base.p99)} | ${num(h.p99_9)} | ` +
        `${num(h.rps, 1)}${d(h.rps, base.rps)} | ${(h.errorRate * 100).toFixed(3)}% |`,
    );
  });
  return lines;
}

function gates(results: PerfResult[]): string[] {
  const rows = results.flatMap((r) =>
    (r.gates ?? []).map(
      (g) =>
        `| ${cell(r.name)} | \`${cell(g.gate)}\` | ${cell(g.actual)} | ${g.passed ? '✅ passed' : '❌ failed'} | ${cell(g.reason)} |`,
    ),
  );
  if (rows.length === 0) return ['No gates were checked on these results.'];
  return ['| result | gate | actual | verdict | why |', '|---|---|--:|---|---|', ...rows];
}

function percentiles(results: PerfResult[]): string[] {
  const spectra = results.map((r) => ({ r, s: spectrum(r) }));
  const wanted = [50, 90, 99, 99.9, 99.99];
  const header = `| percentile | ${spectra.map(({ r }) => cell(r.name)).join(' | ')} |`;
  const lines = [header, `|--:|${spectra.map(() => '--:').join('|')}|`];
  for (const p of wanted) {
    const values = spectra.map(({ r, s }) => {
      const i = s.percentiles.indexOf(p);
      const ys = r.latency.primary === 'corrected' ? s.corrected : s.uncorrected;
      return ys && i >= 0 ? ys[i].toFixed(2) : '–';
    });
    lines.push(`| p${p} | ${values.join(' | ')} |`);
  }
  return lines;
}

export function renderMarkdownReport(results: PerfResult[], title: string): string {
  return [
    `## ${title}`,
    '',
    ...summary(results),
    '',
    '### Gates',
    '',
    ...gates(results),
    '',
    '### Latency by percentile (ms)',
    '',
    ...percentiles(results),
    '',
    results.length > 1 ? '_Changes are against the first result._' : '',
    '',
  ].join('\n');
}
