// A design kept as a document (by the provider) back into a loaded design. Its positions are lines of the
// document's JSON text, the very text `meshdeck design pull NAME -o json` prints, so a message that says
// "line 14" can be followed there.
import { issue } from './issues.js';
import { loadDesign, type LoadResult } from './load.js';
import { DESIGN_API_VERSION, DESIGN_KIND, type DesignDocument } from './model.js';
import { isRecord } from './names.js';

/** The text a stored design is shown as (and positioned in). */
export function storedDesignText(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Whether a stored document is a meshdeck design (its content is checked when it is loaded). */
export function isDesignDocument(data: unknown): data is DesignDocument {
  return (
    isRecord(data) &&
    data.apiVersion === DESIGN_API_VERSION &&
    data.kind === DESIGN_KIND &&
    isRecord(data.metadata) &&
    isRecord(data.spec)
  );
}

export function loadStoredDesign(data: unknown, source: string): LoadResult {
  const loaded = loadDesign([{ name: source, text: storedDesignText(data) }], { namedAfter: source });
  if (isDesignDocument(data)) return loaded;
  // Another client may have stored something else under the name: say so instead of listing its fields.
  loaded.issues = [
    issue(
      'not-a-design',
      `${source} is not a meshdeck design (apiVersion ${DESIGN_API_VERSION}, kind ${DESIGN_KIND})`,
      { file: source, line: 1, col: 1 },
      'push the design again from its file: meshdeck design push FILE',
    ),
  ];
  return loaded;
}
