// Problems found in a design, each with where it is; and the one way they become an error message.
import { UsageError } from '../core/errors.js';
import { codeFrame, location } from '../core/output/frame.js';
import type { Origin } from './model.js';

export interface DesignIssue {
  severity: 'error' | 'warning';
  /** A stable short name of the rule, for machine output. */
  rule: string;
  message: string;
  at?: Origin;
  hint?: string;
}

export function issue(
  rule: string,
  message: string,
  at?: Origin,
  hint?: string,
  severity: DesignIssue['severity'] = 'error',
): DesignIssue {
  return { severity, rule, message, ...(at ? { at } : {}), ...(hint ? { hint } : {}) };
}

/** Issues in reading order: by source (in the order given), then line and column; unplaced ones last. */
export function sortIssues(
  issues: readonly DesignIssue[],
  sources: ReadonlyMap<string, string>,
): DesignIssue[] {
  const order = new Map([...sources.keys()].map((name, i) => [name, i]));
  const rank = (i: DesignIssue) => (i.at ? (order.get(i.at.file) ?? order.size) : order.size + 1);
  return [...issues].sort(
    (a, b) =>
      rank(a) - rank(b) || (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.col ?? 0) - (b.at?.col ?? 0),
  );
}

export function formatIssueLine(i: DesignIssue): string {
  return i.at ? `${location(i.at.file, i.at.line, i.at.col)}: ${i.message}` : i.message;
}

/** How many further problems an error lists before it summarises the rest. */
const LISTED = 20;

/**
 * All errors in one UsageError (exit 2): the first with a code frame, then one line per other problem,
 * so a user fixes everything in one round.
 */
export function issuesError(
  errors: readonly DesignIssue[],
  sources: ReadonlyMap<string, string>,
): UsageError {
  const [first, ...rest] = sortIssues(errors, sources);
  const details: string[] = [];
  const text = first.at ? sources.get(first.at.file) : undefined;
  if (first.at && text !== undefined) details.push(...codeFrame(text, first.at.line, first.at.col));
  for (const other of rest.slice(0, LISTED)) details.push(formatIssueLine(other));
  if (rest.length > LISTED) details.push(`... and ${rest.length - LISTED} more problems`);
  const count = errors.length > 1 ? ` (${errors.length} problems; nothing was changed)` : '';
  return new UsageError(`${formatIssueLine(first)}${count}`, {
    hint:
      first.hint ??
      'fix the design, then run the command again (meshdeck design validate lists every problem)',
    details,
  });
}
