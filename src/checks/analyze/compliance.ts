// The compliance report: findings grouped by audit control, with which rules map to which control, what
// passed and what failed, when, and against which cluster and files. Self-contained HTML (inline CSS, no
// scripts, no external resources) or Markdown, for an auditor to keep.
import { xmlEscape } from '../../core/output/junit.js';
import type { Control, Finding, Rule } from './base/model.js';
import { objectName } from './base/model.js';

export const CONTROLS: ReadonlyArray<{ id: Control; title: string; description: string }> = [
  {
    id: 'transport-encryption',
    title: 'Transport encryption',
    description:
      'Service-to-service traffic is encrypted and authenticated with mutual TLS (PCI DSS 4.2.1, SOC 2 CC6.7).',
  },
  {
    id: 'least-privilege',
    title: 'Least privilege',
    description:
      'Only the traffic that is meant to flow is authorised, and policies do what they say (SOC 2 CC6.1, PCI DSS 7.2).',
  },
  {
    id: 'workload-isolation',
    title: 'Workload isolation',
    description: 'Every workload meant to be in the mesh is, by one mesh only (PCI DSS 1.3, SOC 2 CC6.6).',
  },
  {
    id: 'resilience',
    title: 'Resilience',
    description:
      'Routes reach real destinations, traffic waits for readiness, proxies are bounded (SOC 2 A1.2).',
  },
  {
    id: 'observability',
    title: 'Observability',
    description: 'Protocols and workloads are declared so telemetry names them (SOC 2 CC7.2, PCI DSS 10.2).',
  },
];

export interface ComplianceInput {
  findings: readonly Finding[];
  rules: readonly Rule[];
  suppressed: number;
  generatedAt: string;
  cluster?: string;
  files: readonly string[];
  objects: number;
  version: string;
}

interface RuleStatus {
  rule: Rule;
  findings: Finding[];
}

function byControl(input: ComplianceInput) {
  const found = new Map<string, Finding[]>();
  for (const f of input.findings) found.set(f.code, [...(found.get(f.code) ?? []), f]);
  return CONTROLS.map((control) => {
    const rules: RuleStatus[] = input.rules
      .filter((r) => r.control === control.id)
      .map((rule) => ({ rule, findings: found.get(rule.code) ?? [] }));
    const failed = rules.filter((r) => r.findings.some((f) => f.severity !== 'info')).length;
    return { control, rules, failed, passed: rules.length - failed };
  });
}

function where(f: Finding): string {
  return f.origin ? `${f.origin.file}:${f.origin.line}:${f.origin.col}` : objectName(f);
}

function scope(input: ComplianceInput): string[] {
  return [
    `Generated: ${input.generatedAt}`,
    `Cluster: ${input.cluster ?? 'not used (files only)'}`,
    `Files: ${input.files.length ? input.files.join(', ') : 'none'}`,
    `Objects analyzed: ${input.objects}; rules: ${input.rules.length}; findings: ${input.findings.length}; suppressed: ${input.suppressed}`,
    `Tool: meshdeck ${input.version}`,
  ];
}

const status = (r: RuleStatus) =>
  r.findings.some((f) => f.severity !== 'info') ? 'FAILED' : r.findings.length ? 'PASSED (notes)' : 'PASSED';

export function complianceMarkdown(input: ComplianceInput): string {
  const lines = [
    '# Mesh configuration compliance report',
    '',
    ...scope(input).map((s) => `- ${s}`),
    '',
    '## Summary',
    '',
    '| Control | Rules | Passed | Failed |',
    '|---|---|---|---|',
  ];
  const groups = byControl(input);
  for (const g of groups)
    lines.push(`| ${g.control.title} | ${g.rules.length} | ${g.passed} | ${g.failed} |`);
  for (const g of groups) {
    lines.push(
      '',
      `## ${g.control.title}`,
      '',
      g.control.description,
      '',
      '| Rule | Severity | Status | Findings |',
      '|---|---|---|---|',
    );
    for (const r of g.rules)
      lines.push(
        `| ${r.rule.code} ${r.rule.name}: ${r.rule.title} | ${r.rule.severity} | ${status(r)} | ${r.findings.length} |`,
      );
    const all = g.rules.flatMap((r) => r.findings);
    if (all.length) {
      lines.push('');
      for (const f of all)
        lines.push(`- **${f.code}** (${f.severity}) ${where(f)}: ${f.message.replace(/\|/g, '\\|')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.FAILED{color:#b42318;font-weight:600}.PASSED{color:#067647;font-weight:600}.notes{color:#175cd3}
ul.scope{list-style:none;padding:0}code{font-size:12px}`;

export function complianceHtml(input: ComplianceInput): string {
  const e = xmlEscape;
  const groups = byControl(input);
  const summary = groups
    .map(
      (g) =>
        `<tr data-control="${g.control.id}"><td>${e(g.control.title)}</td><td>${g.rules.length}</td><td>${g.passed}</td><td class="${g.failed ? 'FAILED' : 'PASSED'}">${g.failed}</td></tr>`,
    )
    .join('\n');
  const sections = groups
    .map((g) => {
      const rows = g.rules
        .map((r) => {
          const s = status(r);
          return `<tr data-rule="${r.rule.code}" data-status="${s.split(' ')[0]}"><td><code>${r.rule.code}</code> ${e(r.rule.name)}</td><td>${e(r.rule.title)}</td><td>${r.rule.severity}</td><td class="${s === 'PASSED (notes)' ? 'notes' : s}">${s}</td><td>${r.findings.length}</td></tr>`;
        })
        .join('\n');
      const findings = g.rules
        .flatMap((r) => r.findings)
        .map(
          (f) =>
            `<li data-finding="${f.code}"><code>${f.code}</code> ${f.severity} <code>${e(where(f))}</code>: ${e(f.message)}</li>`,
        )
        .join('\n');
      return `<section id="${g.control.id}"><h2>${e(g.control.title)}</h2><p>${e(g.control.description)}</p>
<table><thead><tr><th>Rule</th><th>Checks</th><th>Severity</th><th>Status</th><th>Findings</th></tr></thead><tbody>
${rows}
</tbody></table>${findings ? `<ul class="findings">\n${findings}\n</ul>` : ''}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mesh configuration compliance report</title>
<meta name="generator" content="meshdeck ${e(input.version)}"><style>${CSS}</style></head>
<body><h1>Mesh configuration compliance report</h1>
<ul class="scope">${scope(input)
    .map((s) => `<li>${e(s)}</li>`)
    .join('')}</ul>
<h2>Summary</h2>
<table id="summary"><thead><tr><th>Control</th><th>Rules</th><th>Passed</th><th>Failed</th></tr></thead><tbody>
${summary}
</tbody></table>
${sections}
</body></html>
`;
}
