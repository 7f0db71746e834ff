import { writeFile } from 'node:fs/promises';
import { failsThreshold, analyze, type AnalysisResult } from '../../checks/analyze/run.js';
import { complianceHtml, complianceMarkdown } from '../../checks/analyze/compliance.js';
import { objectName, type Finding, type Severity } from '../../checks/analyze/base/model.js';
import { RULES } from '../../checks/analyze/rules/index.js';
import { toSarif } from '../../checks/analyze/sarif.js';
import { entriesFromCluster, entriesFromDesign, mergeEntries } from '../../checks/analyze/sources.js';
import { parseSuppression, type Suppression } from '../../checks/analyze/suppress.js';
import type { Entry } from '../../checks/analyze/base/model.js';
import { issuesError } from '../../design/issues.js';
import { loadDesign } from '../../design/load.js';
import { readSources } from '../../design/sources.js';
import { parseDuration } from '../../core/duration.js';
import { ExitCode, InterruptedError, MeshdeckError, UsageError } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import { location } from '../../core/output/frame.js';
import type { ListView } from '../../core/output/printer.js';
import { renderTable } from '../../core/output/table.js';
import { VERSION } from '../../core/version.js';
import { DEFAULT_RETRY } from '../../k8s/http/retry.js';
import type { Invocation } from '../shared/invocation.js';

interface AnalyzeFlags {
  filename: string[];
  recursive: boolean;
  useCluster?: string;
  allNamespaces: boolean;
  failureThreshold: string;
  suppress: string[];
  report?: string;
  out?: string;
  listRules: boolean;
  requestTimeout: string;
}

export const DOCS_PAGE = 'docs/analyze.md';

const findingView: ListView<Finding> = {
  kind: 'Finding',
  columns: [
    { header: 'code', value: (f) => f.code },
    { header: 'severity', value: (f) => f.severity },
    {
      header: 'where',
      value: (f) => (f.origin ? location(f.origin.file, f.origin.line, f.origin.col) : objectName(f)),
    },
    { header: 'message', value: (f) => f.message },
    { header: 'object', value: (f) => objectName(f), wide: true },
  ],
  toData: (f) => ({
    code: f.code,
    severity: f.severity,
    message: f.message,
    object: { kind: f.kind, ...(f.namespace ? { namespace: f.namespace } : {}), name: f.name },
    ...(f.origin ? { source: location(f.origin.file, f.origin.line, f.origin.col) } : {}),
    docs: `${DOCS_PAGE}#${f.code.toLowerCase()}`,
  }),
};

interface Options extends AnalyzeFlags {
  suppressions: Suppression[];
  threshold: Severity;
  format: string;
}

export function complete(inv: Invocation, flags: AnalyzeFlags): Options {
  return {
    ...flags,
    suppressions: flags.suppress.map(parseSuppression),
    threshold: flags.failureThreshold as Severity,
    format: inv.format,
  };
}

export function validate(opts: Options): void {
  if (!opts.listRules) checkFormat(opts.format, opts.report);
}

export async function run(inv: Invocation, opts: Options): Promise<number> {
  if (opts.listRules) return listRules(inv);
  const { suppressions, threshold } = opts;
  const context = await inv.context();
  const files: Entry[] = [];
  if (opts.filename.length > 0) {
    const sources = await readSources(opts.filename, {
      recursive: opts.recursive,
      timeoutMs: parseDuration(opts.requestTimeout, '--request-timeout'),
      signal: inv.signal,
      stdin: () => process.stdin,
    });
    const loaded = loadDesign(sources, { name: 'analyze' });
    const errors = loaded.issues.filter((i) => i.severity === 'error');
    if (errors.length > 0) throw issuesError(errors, loaded.design.sources);
    files.push(...entriesFromDesign(loaded.design, context.effective.namespace));
  }
  const cluster = await readCluster(inv, opts, files.length > 0);
  const scope = opts.allNamespaces
    ? undefined
    : inv.globals.namespace !== undefined
      ? new Set([inv.globals.namespace])
      : cluster
        ? new Set([context.effective.namespace])
        : undefined;
  const result = analyze(mergeEntries(cluster?.entries ?? [], files), { namespaces: scope, suppressions });
  await print(inv, opts, result, { cluster: cluster?.description, files: opts.filename });
  summarise(inv, result, scope);
  return failsThreshold(result.findings, threshold) ? ExitCode.PROBLEM_FOUND : ExitCode.OK;
}

function checkFormat(format: string, report: string | undefined): void {
  const reportFormat = format === 'html' || format === 'md';
  if (report && !reportFormat)
    throw new UsageError(`--report ${report} prints html or md, not ${format}`, {
      hint: 'add -o html or -o md',
    });
  if (!report && reportFormat)
    throw new UsageError(`-o ${format} is for reports`, {
      hint: 'add --report compliance, or use -o table|json|yaml|sarif',
    });
}

async function readCluster(inv: Invocation, opts: AnalyzeFlags, haveFiles: boolean) {
  if (opts.useCluster === 'false') {
    if (!haveFiles)
      throw new UsageError('nothing to analyze: --use-cluster=false and no -f', {
        hint: 'give manifests with -f FILE|DIR, or let analyze read the cluster',
      });
    return undefined;
  }
  const requestTimeoutMs = parseDuration(opts.requestTimeout, '--request-timeout');
  try {
    const connection = await inv.factory.cluster({
      requestTimeoutMs,
      retry: { ...DEFAULT_RETRY, maxAttempts: 2, budgetMs: requestTimeoutMs },
    });
    try {
      const read = await entriesFromCluster(connection.client);
      if (read.notServed.length)
        inv.log.debug(`analyze: not served (their mesh is not installed): ${read.notServed.join(', ')}`);
      return { entries: read.entries, description: connection.target.description };
    } finally {
      connection.close();
    }
  } catch (err) {
    // Files alone can still be analyzed when the cluster was not asked for explicitly.
    if (
      err instanceof InterruptedError ||
      !(err instanceof MeshdeckError) ||
      opts.useCluster === 'true' ||
      !haveFiles
    )
      throw err;
    inv.log.warn(`the cluster was not read (${err.message}); analyzing the files only`);
    return undefined;
  }
}

async function print(
  inv: Invocation,
  opts: AnalyzeFlags,
  result: AnalysisResult,
  where: { cluster?: string; files: string[] },
) {
  let text: string | undefined;
  if (opts.report === 'compliance') {
    const input = {
      findings: result.findings,
      rules: RULES,
      suppressed: result.suppressed,
      generatedAt: new Date().toISOString(),
      cluster: where.cluster,
      files: where.files,
      objects: result.objects,
      version: VERSION,
    };
    text = inv.format === 'html' ? complianceHtml(input) : complianceMarkdown(input);
  } else if (inv.format === 'sarif') {
    text = `${JSON.stringify(toSarif(result.findings, RULES, { version: VERSION, cwd: process.cwd(), docsPage: DOCS_PAGE }), null, 2)}\n`;
  } else if (inv.format === 'json' || inv.format === 'yaml') {
    const doc = {
      apiVersion: API_VERSION,
      kind: 'AnalysisReport',
      summary: {
        ...counts(result.findings),
        suppressed: result.suppressed,
        objects: result.objects,
        rules: result.rules.length,
      },
      findings: result.findings.map(findingView.toData),
    };
    if (!opts.out) return inv.out.data(doc);
    text =
      inv.format === 'json'
        ? `${JSON.stringify(doc, null, 2)}\n`
        : (await import('../../core/output/yaml-text.js')).toYaml(doc);
  } else {
    if (!opts.out) return inv.out.list(result.findings, findingView);
    text = result.findings.length
      ? renderTable(result.findings, findingView.columns, inv.format === 'wide')
      : '';
  }
  if (opts.out) {
    await writeFile(opts.out, text);
    inv.log.success(`wrote ${opts.out}`);
  } else inv.out.write(text);
}

function counts(findings: readonly Finding[]) {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    info: findings.filter((f) => f.severity === 'info').length,
  };
}

function summarise(inv: Invocation, result: AnalysisResult, scope: ReadonlySet<string> | undefined): void {
  const c = counts(result.findings);
  const where = scope ? `namespace ${[...scope].join(', ')}` : 'all namespaces';
  const line = `${c.errors} errors, ${c.warnings} warnings, ${c.info} info${result.suppressed ? ` (${result.suppressed} suppressed)` : ''}: ${result.rules.length} rules on ${result.objects} objects, ${where}, in ${Math.round(result.durationMs)} ms`;
  if (result.findings.length === 0) inv.log.success(`no issues found: ${line}`);
  else inv.log.info(line);
}

async function listRules(inv: Invocation): Promise<number> {
  const view: ListView<(typeof RULES)[number]> = {
    kind: 'AnalyzerRule',
    columns: [
      { header: 'code', value: (r) => r.code },
      { header: 'severity', value: (r) => r.severity },
      { header: 'scope', value: (r) => r.scope },
      { header: 'control', value: (r) => r.control },
      { header: 'rule', value: (r) => r.title },
      { header: 'name', value: (r) => r.name, wide: true },
    ],
    toData: (r) => ({
      code: r.code,
      name: r.name,
      severity: r.severity,
      scope: r.scope,
      control: r.control,
      title: r.title,
      fileLevel: r.fileLevel,
      docs: `${DOCS_PAGE}#${r.code.toLowerCase()}`,
    }),
  };
  if (inv.format !== 'table' && inv.format !== 'wide' && inv.format !== 'json' && inv.format !== 'yaml') {
    throw new UsageError(`--list-rules prints table, wide, json or yaml, not ${inv.format}`);
  }
  await inv.out.list(RULES, view);
  return ExitCode.OK;
}
