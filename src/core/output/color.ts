// Colour only when a person is looking: a TTY, no NO_COLOR, no --no-color, no --quiet, not TERM=dumb.
import type { Env } from '../paths.js';

export interface Palette {
  enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export interface ColorPolicy {
  isTTY: boolean;
  noColorFlag?: boolean;
  quiet?: boolean;
  env?: Env;
}

export function colorEnabled(policy: ColorPolicy): boolean {
  const env = policy.env ?? process.env;
  if (!policy.isTTY || policy.noColorFlag || policy.quiet) return false;
  // no-color.org: present and not empty disables colour.
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) {
    return { enabled, red: plain, green: plain, yellow: plain, cyan: plain, dim: plain, bold: plain };
  }
  return {
    enabled,
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Width of text as a terminal shows it (escape codes take no room). */
export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}
