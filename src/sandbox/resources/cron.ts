// Cron schedules as kube-apiserver validates them (robfig/cron's ParseStandard: five fields, or a
// descriptor such as @hourly or @every 1h30m) and as the CronJob controller computes their next times.
import { parseDuration } from '../../core/duration.js';

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const BOUNDS: Array<[number, number, Record<string, number>?]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [
    1,
    12,
    { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
  ],
  [0, 6, { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }],
];

export type Schedule = { every: number } | { fields: Array<Set<number>>; domStar: boolean; dowStar: boolean };

function parseNumber(s: string, names?: Record<string, number>): number {
  const named = names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(s))
    throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
  return Number(s);
}

function parseField(
  field: string,
  [min, max, names]: [number, number, Record<string, number>?],
): Set<number> {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') [lo, hi] = [min, max];
    else {
      const [a, b] = range.split('-');
      lo = parseNumber(a, names);
      hi = b === undefined ? (stepText !== undefined ? max : lo) : parseNumber(b, names);
    }
    const step = stepText === undefined ? 1 : parseNumber(stepText);
    if (lo < min) throw new Error(`beginning of range (${lo}) below minimum (${min}): ${part}`);
    if (hi > max) throw new Error(`end of range (${hi}) above maximum (${max}): ${part}`);
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    if (step === 0) throw new Error(`step of range should be a positive number: ${part}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parses a schedule; throws with robfig/cron's wording. */
export function parseSchedule(spec: string): Schedule {
  let text = spec.trim();
  if (text.startsWith('TZ=') || text.startsWith('CRON_TZ=')) text = text.slice(text.indexOf(' ') + 1).trim();
  if (text.startsWith('@every ')) {
    const every = parseDuration(text.slice(7).trim());
    return { every: Math.max(1000, every) };
  }
  if (text.startsWith('@')) {
    const expanded = DESCRIPTORS[text];
    if (!expanded) throw new Error(`unrecognized descriptor: ${text}`);
    text = expanded;
  }
  const fields = text.split(/\s+/).filter(Boolean);
  if (fields.length !== 5)
    throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const parsed = fields.map((f, i) => parseField(f, BOUNDS[i]));
  if (parsed[4].has(7)) parsed[4].add(0);
  return {
    fields: parsed,
    domStar: fields[2] === '*' || fields[2] === '?',
    dowStar: fields[4] === '*' || fields[4] === '?',
  };
}

/** Wall-clock parts of a time in a time zone (undefined zone: UTC). */
function partsIn(ms: number, timeZone = 'UTC'): number[] {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    minute: 'numeric',
    hour: 'numeric',
    day: 'numeric',
    month: 'numeric',
    weekday: 'short',
  }).formatToParts(new Date(ms));
  const get = (t: string) => f.find((p) => p.type === t)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return [Number(get('minute')), Number(get('hour')), Number(get('day')), Number(get('month')), weekday];
}

/** The first scheduled time strictly after `afterMs` (minute resolution) within two days, else undefined (the
 * controller looks again later). */
export function nextTime(schedule: Schedule, afterMs: number, timeZone?: string): number | undefined {
  if ('every' in schedule) return afterMs + schedule.every;
  let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < 2 * 24 * 60; i++, t += 60_000) {
    const [mi, h, dom, mon, dow] = partsIn(t, timeZone);
    const [fm, fh, fdom, fmon, fdow] = schedule.fields;
    if (!fm.has(mi) || !fh.has(h) || !fmon.has(mon)) continue;
    // As cron: when both day fields are restricted, either matching is enough.
    const dayOk =
      schedule.domStar || schedule.dowStar ? fdom.has(dom) && fdow.has(dow) : fdom.has(dom) || fdow.has(dow);
    if (dayOk) return t;
  }
  return undefined;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
