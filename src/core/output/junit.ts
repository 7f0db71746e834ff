// JUnit XML, the report every CI system reads (GitHub Actions via test reporters, GitLab's
// artifacts:reports:junit, Jenkins): one writer for every command that reports pass/fail items.

export interface JUnitCase {
  name: string;
  classname: string;
  timeSeconds?: number;
  /** Present when the case failed. */
  failure?: { message: string; type?: string; text?: string };
  /** Present when the case was skipped: the reason. */
  skipped?: string;
  /** Extra text shown beside the case (system-out). */
  output?: string;
}

export interface JUnitSuite {
  name: string;
  /** ISO 8601, when the suite ran. */
  timestamp?: string;
  cases: JUnitCase[];
}

export function xmlEscape(text: string): string {
  return text.replace(
    // Characters XML 1.0 cannot hold at all are dropped; the five specials are escaped.
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[<>&"']/g,
    (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] ?? '',
  );
}

const attr = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;

function testcase(c: JUnitCase): string {
  const open = `    <testcase${attr('name', c.name)}${attr('classname', c.classname)}${attr('time', (c.timeSeconds ?? 0).toFixed(3))}`;
  const body: string[] = [];
  if (c.failure) {
    const type = c.failure.type ? attr('type', c.failure.type) : '';
    body.push(
      `      <failure${attr('message', c.failure.message)}${type}>${xmlEscape(c.failure.text ?? c.failure.message)}</failure>`,
    );
  }
  if (c.skipped !== undefined) body.push(`      <skipped${attr('message', c.skipped)}/>`);
  if (c.output) body.push(`      <system-out>${xmlEscape(c.output)}</system-out>`);
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
}

export function renderJUnit(name: string, suites: JUnitSuite[]): string {
  const count = (pick: (c: JUnitCase) => boolean) =>
    suites.reduce((n, s) => n + s.cases.filter(pick).length, 0);
  const time = (cases: JUnitCase[]) => cases.reduce((t, c) => t + (c.timeSeconds ?? 0), 0).toFixed(3);
  const all = suites.flatMap((s) => s.cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attr('name', name)}${attr('tests', all.length)}${attr(
      'failures',
      count((c) => !!c.failure),
    )}${attr('errors', 0)}${attr(
      'skipped',
      count((c) => c.skipped !== undefined),
    )}${attr('time', time(all))}>`,
  ];
  for (const s of suites) {
    const failures = s.cases.filter((c) => c.failure).length;
    const skipped = s.cases.filter((c) => c.skipped !== undefined).length;
    const stamp = s.timestamp ? attr('timestamp', s.timestamp) : '';
    lines.push(
      `  <testsuite${attr('name', s.name)}${attr('tests', s.cases.length)}${attr('failures', failures)}${attr('errors', 0)}${attr('skipped', skipped)}${attr('time', time(s.cases))}${stamp}>`,
      ...s.cases.map(testcase),
      '  </testsuite>',
    );
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
