// `perf report -o html`: one self-contained file (no network at view time) with the percentile spectrum
// (log scale, corrected and uncorrected), the latency histogram, the per-second series, the gates and, for
// several results, the comparison. Charts are drawn by uPlot, inlined: it is small (about 50 KB), fast on
// canvas, MIT-licensed, actively maintained, and has the log axes the spectrum needs.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { PerfResult } from '../result/model.js';
import { headline, latencyBins, seriesData, spectrum } from './data.js';

export interface ReportMeta {
  title: string;
  generatedAt: Date;
  /** meshdeck's version, printed in the footer. */
  version: string;
}

async function uplotAssets(): Promise<{ js: string; css: string }> {
  const require = createRequire(import.meta.url);
  const [js, css] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  return { js, css };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that is safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const num = (n: number | null, digits = 2) => (n === null ? '–' : n.toFixed(digits));

function summaryTable(results: PerfResult[]): string {
  const rows = results.map((r, i) => {
    const h = headline(r);
    const base = headline(results[0]);
    const delta = (v: number | null, b: number | null) =>
      i === 0 || v === null || b === null || b === 0
        ? ''
        : ` <small>(${v >= b ? '+' : ''}${(((v - b) / b) * 100).toFixed(1)}%)</small>`;
    return `<tr><td>${escapeHtml(h.name)}<br><small>${escapeHtml(h.id.slice(0, 8))}</small></td>
<td>${escapeHtml(h.url)}</td><td>${h.mode} (${h.latency})</td>
<td class="n">${num(h.p50)}${delta(h.p50, base.p50)}</td><td class="n">${num(h.p90)}${delta(h.p90, base.p90)}</td>
<td class="n">${num(h.p99)}${delta(h.p99, base.p99)}</td><td class="n">${num(h.p99_9)}</td><td class="n">${num(h.max)}</td>
<td class="n">${num(h.rps, 1)}${delta(h.rps, base.rps)}</td><td class="n">${(h.errorRate * 100).toFixed(3)}%</td>
<td class="n">${h.requests}</td></tr>`;
  });
  return `<table><thead><tr><th>result</th><th>target</th><th>mode</th><th>p50 ms</th><th>p90 ms</th>
<th>p99 ms</th><th>p99.9 ms</th><th>max ms</th><th>req/s</th><th>errors</th><th>responses</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function gatesTable(results: PerfResult[]): string {
  const rows = results.flatMap((r) =>
    (r.gates ?? []).map(
      (g) =>
        `<tr class="${g.passed ? 'pass' : 'fail'}"><td>${escapeHtml(r.name)}</td><td><code>${escapeHtml(g.gate)}</code></td>
<td class="n">${escapeHtml(g.actual)}</td><td>${g.passed ? 'passed' : 'FAILED'}</td><td>${escapeHtml(g.reason)}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '<p>No gates were checked on these results.</p>';
  return `<table><thead><tr><th>result</th><th>gate</th><th>actual</th><th>verdict</th><th>why</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

/** Draws the charts, then marks each canvas that has drawn pixels (what the report's browser test reads). */
const CHARTS_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
  var width = Math.min(1000, document.body.clientWidth - 40);
  function chart(id, opts, d) {
    opts.width = width; opts.height = 320;
    return new uPlot(opts, d, document.getElementById(id));
  }
  // Percentile spectrum: one corrected and one uncorrected line per result.
  var x = data.spectrum[0].x, series = [{}], ys = [x];
  data.spectrum.forEach(function (s, i) {
    var c = colours[i % colours.length];
    if (s.corrected) { series.push({ label: s.name + ' corrected', stroke: c, width: 2 }); ys.push(s.corrected); }
    if (s.uncorrected) { series.push({ label: s.name + ' uncorrected', stroke: c, dash: [6, 4] }); ys.push(s.uncorrected); }
  });
  chart('spectrum', {
    title: 'Latency by percentile (ms)',
    scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
    axes: [{
      label: 'percentile',
      splits: function () { return [1, 2, 10, 100, 1000, 10000, 100000]; },
      values: function (u, v) { return v.map(function (t) { return ['0%', '50%', '90%', '99%', '99.9%', '99.99%', '99.999%'][[1, 2, 10, 100, 1000, 10000, 100000].indexOf(t)]; }); },
    }, { label: 'ms' }],
    series: series,
  }, ys);
  // Latency histogram of each result, on shared log-spaced bins per result.
  data.histograms.forEach(function (h, i) {
    if (!h.bins) return;
    chart('histogram-' + i, {
      title: 'Latency histogram: ' + h.name,
      scales: { x: { time: false, distr: 3 } },
      axes: [{ label: 'ms' }, { label: 'responses' }],
      series: [{}, { label: 'responses', stroke: colours[i % colours.length], fill: colours[i % colours.length] + '55', paths: uPlot.paths.stepped({ align: 1 }) }],
    }, [h.bins.edges.slice(0, -1), h.bins.counts]);
  });
  // Per-second series.
  data.series.forEach(function (s, i) {
    if (!s.data) return;
    chart('series-' + i, {
      title: 'Per second: ' + s.name,
      scales: { x: { time: false }, ms: { distr: 1 } },
      axes: [{ label: 'seconds' }, { label: 'req/s' }, { side: 1, scale: 'ms', label: 'ms', grid: { show: false } }],
      series: [{}, { label: 'req/s', stroke: '#1f77b4' }, { label: 'errors', stroke: '#d62728' },
        { label: 'p50 ms', stroke: '#2ca02c', scale: 'ms' }, { label: 'p99 ms', stroke: '#9467bd', scale: 'ms' }],
    }, [s.data.t, s.data.rate, s.data.errors, s.data.p50, s.data.p99]);
  });
  // uPlot paints on the next frame; count what was painted after that.
  setTimeout(function () {
    var drawn = 0;
    Array.prototype.forEach.call(document.querySelectorAll('canvas'), function (c) {
      var px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, ink = 0;
      for (var k = 3; k < px.length; k += 4) if (px[k] !== 0) ink++;
      c.setAttribute('data-ink', String(ink));
      if (ink > 0) drawn++;
    });
    document.body.setAttribute('data-charts-drawn', String(drawn));
  }, 200);
})();`;

export async function renderHtmlReport(results: PerfResult[], meta: ReportMeta): Promise<string> {
  const { js, css } = await uplotAssets();
  const data = {
    spectrum: results.map((r) => ({ name: r.name, ...spectrum(r) })),
    histograms: results.map((r) => ({ name: r.name, bins: latencyBins(r) })),
    series: results.map((r) => ({ name: r.name, data: seriesData(r) })),
  };
  const perResult = results
    .map(
      (r, i) => `<h3>${escapeHtml(r.name)}</h3>
${data.histograms[i].bins ? `<div id="histogram-${i}" class="chart"></div>` : '<p>No latency histogram in this result.</p>'}
${data.series[i].data ? `<div id="series-${i}" class="chart"></div>` : "<p>No per-second series in this result (it comes from meshdeck's own engine).</p>"}`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(meta.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${css}
body{font-family:system-ui,sans-serif;margin:20px;color:#222}table{border-collapse:collapse;margin:10px 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fde8e8}tr.pass td{background:#eaf7ea}.chart{margin:16px 0}small{color:#666}</style>
</head><body>
<h1>${escapeHtml(meta.title)}</h1>
<p>${results.length} result(s). Latency is corrected for coordinated omission in open-loop runs (from each
request's intended send time); uncorrected is service time. Changes are against the first result.</p>
<h2>Summary</h2>
${summaryTable(results)}
<h2>Gates</h2>
${gatesTable(results)}
<h2>Latency by percentile</h2>
<div id="spectrum" class="chart"></div>
<h2>Each result</h2>
${perResult}
<footer><small>meshdeck ${escapeHtml(meta.version)}, ${meta.generatedAt.toISOString()}</small></footer>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>window.onerror=function(m){document.body.setAttribute('data-error',String(m))};</script>
<script>${js}</script>
<script>${CHARTS_SCRIPT}</script>
</body></html>
`;
}
