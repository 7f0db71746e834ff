// The lines a generator pod writes on stdout, for the run that collects them through the pod's log: a
// progress line about every second, then one result line holding the pod's whole result with its FULL
// histograms (bucket counts, not percentiles), so the run can merge them exactly. Every line is JSON
// tagged with PREFIX, so other output (a warning, a runtime's own line) is told apart and passed on.
import type { LiveProgress } from '../engine/native.js';
import type { PerfResult } from '../result/model.js';
import type { RunSettings } from '../spec/options.js';

export const PREFIX = 'meshdeck.perf/v1 ';
/** The environment variable that hands a generator its settings. */
export const SETTINGS_ENV = 'MESHDECK_PERF_SETTINGS';

export type AgentLine =
  | { type: 'progress'; progress: LiveProgress }
  | { type: 'result'; result: PerfResult }
  | { type: 'error'; message: string };

export function encodeLine(line: AgentLine): string {
  return `${PREFIX}${JSON.stringify(line)}\n`;
}

/** The protocol line in a log line, or undefined for any other output. */
export function decodeLine(text: string): AgentLine | undefined {
  const at = text.indexOf(PREFIX);
  if (at === -1) return undefined;
  try {
    const parsed = JSON.parse(text.slice(at + PREFIX.length)) as AgentLine;
    return parsed && typeof parsed === 'object' && typeof parsed.type === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function encodeSettings(settings: RunSettings): string {
  return JSON.stringify(settings);
}

export function decodeSettings(text: string | undefined): RunSettings {
  if (!text) throw new Error(`${SETTINGS_ENV} is not set: this command runs inside a generator pod`);
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== 'object') throw new Error(`${SETTINGS_ENV} is not a settings object`);
  return parsed;
}
