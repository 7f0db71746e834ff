// SARIF 2.1.0 (OASIS): one run, the rule catalogue as the driver's rules, each finding a result with its file
// region (so a code host annotates the lines of a pull request) or, for cluster objects, a logical location.
import { relative, sep } from 'node:path';
import type { Finding, Rule, Severity } from './base/model.js';
import { objectName } from './base/model.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};
export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** A file path as a relative URI reference (forward slashes, percent-encoded); URLs stay as they are. */
export function artifactUri(file: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return file;
  if (file === 'stdin' || file === '-') return 'stdin';
  const rel = relative(cwd, file) || file;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

export function toSarif(
  findings: readonly Finding[],
  rules: readonly Rule[],
  tool: { version: string; cwd: string; docsPage: string },
): unknown {
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'meshdeck',
            version: tool.version,
            rules: rules.map((r) => ({
              id: r.code,
              name: r.name,
              shortDescription: { text: r.title },
              fullDescription: { text: `${r.title} (${r.scope}; control: ${r.control})` },
              help: {
                text: `${tool.docsPage}#${r.code.toLowerCase()}`,
                markdown: `[${r.code} ${r.name}](${tool.docsPage}#${r.code.toLowerCase()})`,
              },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: [r.scope, r.control], severity: r.severity },
            })),
          },
        },
        columnKind: 'unicodeCodePoints',
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: ruleIndex.get(f.code) ?? -1,
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              ...(f.origin
                ? {
                    physicalLocation: {
                      artifactLocation: { uri: artifactUri(f.origin.file, tool.cwd) },
                      region: { startLine: f.origin.line, startColumn: f.origin.col },
                    },
                  }
                : {}),
              logicalLocations: [{ fullyQualifiedName: objectName(f), kind: 'resource' }],
            },
          ],
        })),
      },
    ],
  };
}
