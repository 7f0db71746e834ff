// The outputs of one check run: the [+]/[-]/[i] table with hints (for people), a JSON/YAML document and
// JUnit XML (for machines).
import { palette } from '../core/output/color.js';
import type { CheckReport, CheckResult, Outcome } from './framework.js';

const MARK: Record<Outcome, string> = { passed: '[+]', failed: '[-]', info: '[i]', skipped: '[~]' };

export function renderCheckTable(report: CheckReport, color: boolean): string {
  const p = palette(color);
  const paint: Record<Outcome, (s: string) => string> = {
    passed: (t) => p.green(t),
    failed: (t) => p.red(t),
    info: (t) => p.cyan(t),
    skipped: (t) => p.dim(t),
  };
  const lines: string[] = [];
  for (const category of report.categories) {
    if (category.results.length === 0) continue;
    if (lines.length > 0) lines.push('');
    lines.push(p.bold(category.id), '-'.repeat(category.id.length));
    for (const r of category.results) {
      lines.push(`${paint[r.outcome](MARK[r.outcome])} ${r.description}${r.message ? `: ${r.message}` : ''}`);
      for (const c of r.children)
        lines.push(`    ${paint[c.outcome](MARK[c.outcome])} ${c.name}: ${c.message}`);
      if (r.outcome === 'failed') {
        lines.push(`    hint: ${r.hint}`);
        lines.push(`    see: ${r.docs}`);
      }
    }
  }
  const { counts } = report;
  lines.push(
    '',
    `Status check results are ${report.success ? p.green('[+]') : p.red('[-]')} (${counts.passed} passed, ${counts.failed} failed, ${counts.info} informational, ${counts.skipped} skipped)`,
  );
  return `${lines.join('\n')}\n`;
}

export function checkDocument(report: CheckReport, apiVersion: string): unknown {
  return {
    apiVersion,
    kind: 'CheckReport',
    success: report.success,
    counts: report.counts,
    attempts: report.attempts,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    categories: report.categories.map((c) => ({
      categoryName: c.id,
      checks: c.results.map((r) => ({
        id: `${r.category}/${r.id}`,
        description: r.description,
        result: r.outcome,
        message: r.message,
        ...(r.outcome === 'failed' ? { hint: r.hint } : {}),
        docs: r.docs,
        durationMs: r.durationMs,
        ...(r.children.length ? { children: r.children } : {}),
      })),
    })),
  };
}

export function xmlEscape(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (ch) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[ch]};`,
  );
}

/** JUnit XML: a testsuite per category, a testcase per check; informational checks pass. */
export function renderJUnit(report: CheckReport): string {
  const suites = report.categories.map((c) => {
    const failures = c.results.filter((r) => r.outcome === 'failed').length;
    const skipped = c.results.filter((r) => r.outcome === 'skipped').length;
    const seconds = c.results.reduce((s, r) => s + r.durationMs, 0) / 1000;
    const cases = c.results.map((r) => testcase(r)).join('');
    return `  <testsuite name="${xmlEscape(c.id)}" tests="${c.results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds.toFixed(3)}" timestamp="${report.startedAt}">\n${cases}  </testsuite>\n`;
  });
  const { counts } = report;
  const total = counts.passed + counts.failed + counts.info + counts.skipped;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="meshdeck check" tests="${total}" failures="${counts.failed}" errors="0" skipped="${counts.skipped}">\n` +
    suites.join('') +
    `</testsuites>\n`
  );
}

function testcase(r: CheckResult): string {
  const open = `    <testcase classname="${xmlEscape(r.category)}" name="${xmlEscape(r.description)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
  const details = [r.message, ...r.children.map((c) => `${MARK[c.outcome]} ${c.name}: ${c.message}`)].join(
    '\n',
  );
  if (r.outcome === 'failed') {
    return `${open}>\n      <failure message="${xmlEscape(r.message)}" type="CheckFailed">${xmlEscape(`${details}\nhint: ${r.hint}\nsee: ${r.docs}`)}</failure>\n    </testcase>\n`;
  }
  if (r.outcome === 'skipped')
    return `${open}>\n      <skipped message="${xmlEscape(r.message)}"/>\n    </testcase>\n`;
  return `${open}>\n      <system-out>${xmlEscape(details)}</system-out>\n    </testcase>\n`;
}
