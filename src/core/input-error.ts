// Errors in values the user typed (durations, rates, assertions): say which value, which character, and
// show it with a caret, so a typo is found at a glance.
import { UsageError } from './errors.js';

/** A usage error (exit 2) pointing at `column` (0-based) of `text`. */
export function badValue(
  what: string,
  text: string,
  column: number,
  reason: string,
  hint?: string,
): UsageError {
  const col = Math.max(0, Math.min(column, text.length));
  return new UsageError(`invalid ${what} "${text}": ${reason} at column ${col + 1}`, {
    details: [text, `${' '.repeat(col)}^`],
    hint,
  });
}
