// Durations on the command line and in files, in Go's syntax (kubectl, fortio, Meshery and SMP files
// all use it): "500ms", "30s", "1m30s", "1.5h". A bare number is refused, since nobody can tell
// whether 30 means seconds or milliseconds.
import { UsageError } from './errors.js';
import { badValue } from './input-error.js';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * The longest duration accepted: 2^31 - 1 ms (about 24.8 days), the longest a Node.js timer can wait; a
 * longer one fires at once. Refused here, where every duration is read, rather than chained in each of
 * the timers it reaches (waits, request timeouts, load runs): no command needs to wait longer.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

const HINT = 'write a number and a unit (ns, us, ms, s, m, h), e.g. 500ms, 30s, 1m30s';

/** Milliseconds in a Go-style duration; throws a usage error naming `what` and the bad character. */
export function parseDuration(text: string, what = 'duration'): number {
  const s = text.trim();
  const offset = text.indexOf(s);
  if (s === '') throw badValue(what, text, 0, 'empty value', HINT);
  if (s === '0') return 0;
  let total = 0;
  let i = 0;
  while (i < s.length) {
    const numberStart = i;
    while (i < s.length && /[0-9.]/.test(s[i])) i++;
    const digits = s.slice(numberStart, i);
    if (digits === '' || !/^(\d+\.?\d*|\.\d+)$/.test(digits)) {
      throw badValue(
        what,
        text,
        offset + numberStart,
        digits === '' ? 'expected a number' : 'bad number',
        HINT,
      );
    }
    const unitStart = i;
    while (i < s.length && /[a-zµ]/i.test(s[i])) i++;
    const unit = s.slice(unitStart, i);
    if (unit === '') throw badValue(what, text, offset + unitStart, 'missing unit', HINT);
    const scale = UNIT_MS[unit];
    if (scale === undefined) throw badValue(what, text, offset + unitStart, `unknown unit "${unit}"`, HINT);
    total += Number(digits) * scale;
  }
  if (total > MAX_DURATION_MS) {
    throw new UsageError(
      `invalid ${what} "${text}": longer than ${formatDuration(MAX_DURATION_MS)}, the longest meshdeck can wait`,
      { hint: `give at most ${formatDuration(MAX_DURATION_MS)} (about 24 days), e.g. 596h` },
    );
  }
  return total;
}

/** A short human form: 1m30s, 250ms, 2h. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${round(ms)}ms`;
  const parts: string[] = [];
  let rest = ms;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s || parts.length === 0) parts.push(`${round(s)}s`);
  return parts.join('');
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
