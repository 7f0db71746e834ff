// Rates, counts and sizes typed on the command line or in profiles, checked strictly.
import { badValue } from '../../core/input-error.js';

/** Requests per second, or null for "max" (closed loop, as fast as the target answers). */
export function parseRate(text: string, what = 'rate'): number | null {
  const s = text.trim();
  if (s.toLowerCase() === 'max') return null;
  const hint = 'give requests per second (e.g. 500 or 2.5k), or "max" for maximum throughput';
  const m = /^(\d+(?:\.\d+)?)(k?)$/i.exec(s);
  if (!m) {
    const at = firstBad(s, /[0-9.kK]/);
    throw badValue(what, text, at, 'expected a number of requests per second or "max"', hint);
  }
  const value = Number(m[1]) * (m[2] ? 1000 : 1);
  if (value <= 0) throw badValue(what, text, 0, 'the rate must be above 0 (use "max" for no limit)', hint);
  return value;
}

/** A positive whole number (connections, requests, workers); `min` is the smallest allowed. */
export function parseCount(text: string, what: string, min = 1): number {
  const s = text.trim();
  const m = /^(\d+)(k?)$/i.exec(s);
  if (!m)
    throw badValue(
      what,
      text,
      firstBad(s, /[0-9kK]/),
      'expected a whole number',
      `give a whole number >= ${min}`,
    );
  const value = Number(m[1]) * (m[2] ? 1000 : 1);
  if (value < min) throw badValue(what, text, 0, `must be at least ${min}`, `give a whole number >= ${min}`);
  return value;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2 };

/** A size in bytes: 512, 1k, 1kb, 2m. */
export function parseSize(text: string, what = 'size'): number {
  const s = text.trim();
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(s);
  const hint = 'give bytes, optionally with k or m: 512, 1k, 2m';
  if (!m) throw badValue(what, text, firstBad(s, /[0-9.a-zA-Z]/), 'expected a size', hint);
  const scale = SIZE_UNITS[m[2].toLowerCase()];
  if (scale === undefined) throw badValue(what, text, m[1].length, `unknown unit "${m[2]}"`, hint);
  return Math.round(Number(m[1]) * scale);
}

function firstBad(s: string, allowed: RegExp): number {
  for (let i = 0; i < s.length; i++) if (!allowed.test(s[i])) return i;
  return 0;
}
