import { sortIssues, type DesignIssue } from '../../design/issues.js';
import { validateDesign } from '../../design/validate.js';
import { ExitCode, InterruptedError, MeshdeckError } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import { location } from '../../core/output/frame.js';
import type { ListView } from '../../core/output/printer.js';
import { inspectDesign } from '../../k8s/apply/prepare.js';
import { DEFAULT_RETRY } from '../../k8s/http/retry.js';
import { loadDesignSource } from '../shared/design.js';
import { parseDesignInput, type DesignInputFlags, type DesignSource } from '../shared/flags/design-input.js';
import type { Invocation } from '../shared/invocation.js';

const issueView: ListView<DesignIssue> = {
  kind: 'DesignIssue',
  columns: [
    { header: 'severity', value: (i) => i.severity },
    { header: 'where', value: (i) => (i.at ? location(i.at.file, i.at.line, i.at.col) : '') },
    { header: 'problem', value: (i) => i.message },
    { header: 'rule', value: (i) => i.rule, wide: true },
    { header: 'hint', value: (i) => i.hint ?? '', wide: true },
  ],
  toData: (i) => ({
    severity: i.severity,
    rule: i.rule,
    message: i.message,
    ...(i.at ? { source: location(i.at.file, i.at.line, i.at.col) } : {}),
    ...(i.hint ? { hint: i.hint } : {}),
  }),
};

interface Options {
  source: DesignSource;
  offline: boolean;
  /** -n: the namespace for objects that name none, over the design's. */
  namespace?: string;
}

export function complete(
  inv: Invocation,
  design: string | undefined,
  flags: DesignInputFlags & { offline: boolean },
): Options {
  return {
    source: parseDesignInput(design, flags),
    offline: flags.offline,
    namespace: inv.globals.namespace,
  };
}

export async function run(inv: Invocation, opts: Options): Promise<number> {
  const loaded = await loadDesignSource(inv, opts.source);
  const design = loaded.design;
  const issues = [...loaded.issues];
  let against = 'not checked against a cluster';
  let checked = false;
  if (!opts.offline) {
    try {
      // A quick look: validation must not hang on a cluster that is away.
      const connection = await inv.factory.cluster({
        requestTimeoutMs: 5000,
        retry: { ...DEFAULT_RETRY, maxAttempts: 2, budgetMs: 5000 },
      });
      try {
        issues.push(
          ...(await inspectDesign(connection.client, design, { namespace: opts.namespace })).issues,
        );
        against = `checked against ${connection.target.description}`;
        checked = true;
      } finally {
        connection.close();
      }
    } catch (err) {
      if (err instanceof InterruptedError || !(err instanceof MeshdeckError)) throw err;
      inv.log.info(`kinds and namespaces not checked: ${err.message}`);
    }
  }
  if (!checked) {
    const context = await inv.context();
    issues.push(
      ...validateDesign(design, {
        defaultNamespace: context.effective.namespace,
        namespaceOverride: opts.namespace,
      }).issues,
    );
  }

  issues.splice(0, issues.length, ...sortIssues(issues, design.sources));
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  if (inv.format === 'json' || inv.format === 'yaml') {
    await inv.out.data({
      apiVersion: API_VERSION,
      kind: 'DesignValidation',
      design: { name: design.meta.name, version: design.meta.version },
      valid: errors === 0,
      clusterChecked: checked,
      issues: issues.map(issueView.toData),
    });
  } else {
    await inv.out.list(issues, issueView);
  }
  const what = `design "${design.meta.name}" ${design.meta.version} (${design.objects.length} objects, ${against})`;
  if (errors === 0) {
    inv.log.success(`${what}: valid${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`);
    return ExitCode.OK;
  }
  inv.log.info(
    `${what}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`,
  );
  return ExitCode.PROBLEM_FOUND;
}
