// The analyzer's file-level rules on a design's objects, as design issues: what design validate lists (an
// error fails it) and design apply warns about. Informational findings are left to meshdeck analyze.
import { issue, type DesignIssue } from '../../design/issues.js';
import type { LoadedDesign } from '../../design/model.js';
import { analyze } from './run.js';
import { RULES } from './rules/index.js';
import { entriesFromDesign } from './sources.js';

const FILE_LEVEL = RULES.filter((r) => r.fileLevel);

export function analyzeDesignObjects(design: LoadedDesign, defaultNamespace: string): DesignIssue[] {
  const { findings } = analyze(entriesFromDesign(design, defaultNamespace), { rules: FILE_LEVEL });
  return findings
    .filter((f) => f.severity !== 'info')
    .map((f) =>
      issue(
        f.code,
        f.message,
        f.origin,
        `see docs/analyze.md#${f.code.toLowerCase()}, or silence it with the annotation meshdeck.io/analyze-suppress: "${f.code}"`,
        f.severity === 'error' ? 'error' : 'warning',
      ),
    );
}
