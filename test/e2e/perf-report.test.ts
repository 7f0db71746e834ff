// perf report: one self-contained HTML page that a real browser renders with every chart drawn, and
// Markdown for a CI job summary.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import { renderedDom } from '../helpers/browser.js';
import { CHROMIUM, needPrograms } from '../helpers/programs.js';
import { startServe, type ServeProcess } from './perf-targets.js';

const home = new TestHome();
let serve: ServeProcess;
before(async () => {
  serve = await startServe(home.env);
  for (const args of [
    ['--rate', '200', '-d', '2s', '--name', 'baseline', '--assert', 'p99<=60s'],
    ['-c', '2', '-d', '1s', '--name', 'candidate', '--assert', 'p50<=1us'],
  ]) {
    const r = await home.run(['perf', 'run', serve.url, ...args], { timeoutMs: 60_000 });
    assert.ok(r.code === 0 || r.code === 3, r.stderr);
  }
});
after(async () => {
  await serve.stop();
  home.cleanup();
});

describe('perf report', () => {
  it('writes one self-contained HTML file that needs no network', async () => {
    const file = join(home.root, 'report.html');
    const r = await home.run(['perf', 'report', 'baseline', 'candidate', '--out', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /report written to .*report\.html/);
    const html = readFileSync(file, 'utf8');
    assert.doesNotMatch(
      html,
      /<(script|link|img)[^>]+(src|href)=["']?(https?:)?\/\//i,
      'nothing loaded from a network',
    );
    assert.match(html, /<td>baseline<br>/);
    assert.match(html, /<code>p50&lt;=1us<\/code>/);
  });

  it('renders in headless chromium with every chart drawn and no script error', async (t) => {
    if (!needPrograms(t, CHROMIUM)) return;
    const file = join(home.root, 'report.html');
    const dom = await renderedDom(file);
    assert.doesNotMatch(dom, /data-error=/, 'a script error on the page');
    const canvases = [...dom.matchAll(/<canvas[^>]*data-ink="(\d+)"/g)].map((m) => Number(m[1]));
    // The spectrum, then a histogram and a per-second series for each of the two results.
    assert.equal(canvases.length, 5, dom.slice(0, 500));
    for (const ink of canvases) assert.ok(ink > 1000, `a chart with ${ink} painted pixels`);
    assert.match(dom, /data-charts-drawn="5"/);
  });

  it('writes Markdown for a CI job summary, with the comparison and the gates', async () => {
    const r = await home.run(['perf', 'report', 'baseline', 'candidate', '-o', 'md']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^## Benchmark comparison$/m);
    assert.match(r.stdout, /^\| baseline `[0-9a-f]{8}` \| open \(corrected\) \|/m);
    assert.match(
      r.stdout,
      /^\| candidate `[0-9a-f]{8}` \| closed \(uncorrected\) \| [\d.]+ \([+-][\d.]+%\)/m,
    );
    assert.match(r.stdout, /\| candidate \| `p50<=1us` \| .* \| ❌ failed \|/);
    assert.match(r.stdout, /\| baseline \| `p99<=60s` \| .* \| ✅ passed \|/);
    assert.match(r.stdout, /^\| p99 \| [\d.]+ \| [\d.]+ \|$/m);
  });

  it('refuses an unknown result with exit 2 and says how to list them', async () => {
    const r = await home.run(['perf', 'report', 'nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: no result "nope"/);
  });
});
