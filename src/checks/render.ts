// The outputs of one check run: the [+]/[-]/[i] table with hints (for people), a JSON/YAML document and
// JUnit XML (for machines).
import { palette } from '../core/output/color.js';
import { renderJUnit, type JUnitCase, type JUnitSuite } from '../core/output/junit.js';
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

/** JUnit XML: a testsuite per category, a testcase per check; informational checks pass. */
export function checksJUnit(report: CheckReport): string {
  const suites: JUnitSuite[] = report.categories.map((c) => ({
    name: c.id,
    timestamp: report.startedAt,
    cases: c.results.map(testcase),
  }));
  return renderJUnit('meshdeck check', suites);
}

function testcase(r: CheckResult): JUnitCase {
  const details = [r.message, ...r.children.map((c) => `${MARK[c.outcome]} ${c.name}: ${c.message}`)].join(
    '\n',
  );
  const base = { name: r.description, classname: r.category, timeSeconds: r.durationMs / 1000 };
  if (r.outcome === 'failed') {
    const text = `${details}\nhint: ${r.hint}\nsee: ${r.docs}`;
    return { ...base, failure: { message: r.message, type: 'CheckFailed', text } };
  }
  if (r.outcome === 'skipped') return { ...base, skipped: r.message };
  return { ...base, output: details };
}
