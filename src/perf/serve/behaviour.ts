// What the echo target does for one request, from its query string (fortio's echo server style):
//   delay=5ms        answer after 5 ms (delay=5ms:10 delays 10% of requests)
//   status=503:10    answer 503 to exactly 10% of requests (status=503 to all; lists: 503:10,429:5)
//   size=1k          a body of that many bytes (else the request body is echoed back)
//   close=1          Connection: close after the response
//   chunked=1        send the body with Transfer-Encoding: chunked
// Percentages are exact, not random: the n-th request matching an entry is hit when floor(n*p/100)
// grows, so 1000 requests at status=503:10 give exactly 100 503s, and tests can count on it.
import { parseDuration } from '../../core/duration.js';
import { parseSize } from '../spec/quantity.js';
import { MeshdeckError } from '../../core/errors.js';

export const MAX_DELAY_MS = 60_000;
export const MAX_SIZE = 16 * 1024 * 1024;

export interface Behaviour {
  delayMs: number;
  status: number;
  size: number | null;
  close: boolean;
  chunked: boolean;
}

/** Deterministic "p percent of the time", one counter per distinct entry. */
export class ExactShare {
  private readonly counters = new Map<string, number>();

  hit(key: string, percent: number): boolean {
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return Math.floor((n * percent) / 100) > Math.floor(((n - 1) * percent) / 100);
  }
}

export class BadQuery extends Error {}

export function behaviourFor(query: URLSearchParams, shares: ExactShare): Behaviour {
  const b: Behaviour = { delayMs: 0, status: 200, size: null, close: false, chunked: false };
  const delay = query.get('delay');
  if (delay) {
    const [d, p] = splitShare(delay, 'delay');
    const ms = parse(() => parseDuration(d, 'delay'));
    if (ms > MAX_DELAY_MS) throw new BadQuery(`delay=${delay}: at most ${MAX_DELAY_MS / 1000}s`);
    if (p === 100 || shares.hit(`delay=${delay}`, p)) b.delayMs = ms;
  }
  const status = query.get('status');
  if (status) {
    for (const entry of status.split(',')) {
      const [code, p] = splitShare(entry, 'status');
      const n = Number(code);
      if (!/^\d{3}$/.test(code) || n < 200 || n > 599)
        throw new BadQuery(`status=${entry}: expected a status code 200-599`);
      if (p === 100 || shares.hit(`status=${entry}`, p)) {
        b.status = n;
        break;
      }
    }
  }
  const size = query.get('size');
  if (size) {
    const bytes = parse(() => parseSize(size, 'size'));
    if (bytes > MAX_SIZE) throw new BadQuery(`size=${size}: at most 16m`);
    b.size = bytes;
  }
  b.close = isOn(query.get('close'));
  b.chunked = isOn(query.get('chunked'));
  return b;
}

function splitShare(text: string, name: string): [string, number] {
  const colon = text.lastIndexOf(':');
  if (colon === -1) return [text, 100];
  const p = Number(text.slice(colon + 1));
  if (!Number.isFinite(p) || p < 0 || p > 100)
    throw new BadQuery(`${name}=${text}: the share after ":" is a percentage 0-100`);
  return [text.slice(0, colon), p];
}

function isOn(v: string | null): boolean {
  return v !== null && v !== '0' && v.toLowerCase() !== 'false';
}

function parse<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof MeshdeckError) throw new BadQuery(err.message);
    throw err;
  }
}
