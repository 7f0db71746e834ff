// The perf load flags turned into checked run settings: every bad value is a usage error (exit 2) naming
// the flag. Loaded with the actions, not with the command tree (./perf-load.ts adds the flags).
import { readFile } from 'node:fs/promises';
import { parseDuration } from '../../../core/duration.js';
import { UsageError, errnoCode } from '../../../core/errors.js';
import { parseGate, type Gate } from '../../../perf/gates/parse.js';
import { parseGenerator, type RunSettings } from '../../../perf/spec/options.js';
import { parseCount, parseRate } from '../../../perf/spec/quantity.js';
import { parseTargetUrl } from '../../../perf/spec/url.js';
import type { LoadFlags, RunCommandFlags } from './perf-load.js';

const METHOD = /^[A-Z][A-Z0-9_-]*$/;

/** Parses the load flags into settings (only what was given). */
export async function parseLoadFlags(url: string | undefined, f: LoadFlags): Promise<RunSettings> {
  const s: RunSettings = {};
  if (url !== undefined) s.url = parseTargetUrl(url).href;
  if (f.connections !== undefined) s.connections = parseCount(f.connections, '--connections');
  if (f.rate !== undefined) s.rate = parseRate(f.rate, '--rate');
  if (f.duration !== undefined && f.requests !== undefined) {
    throw new UsageError('--duration and --requests cannot be used together', {
      hint: 'run for a time (--duration 30s) or for a number of requests (--requests 10000)',
    });
  }
  if (f.duration !== undefined) {
    s.duration_ms = parseDuration(f.duration, '--duration');
    if (s.duration_ms <= 0)
      throw new UsageError('--duration must be longer than 0', { hint: 'e.g. --duration 30s' });
    s.requests = null;
  }
  if (f.requests !== undefined) {
    s.requests = parseCount(f.requests, '--requests');
    s.duration_ms = null;
  }
  if (f.warmup !== undefined) s.warmup_ms = parseDuration(f.warmup, '--warmup');
  if (f.timeout !== undefined) {
    s.timeout_ms = parseDuration(f.timeout, '--timeout');
    if (s.timeout_ms < 1)
      throw new UsageError('--timeout must be at least 1ms', { hint: 'e.g. --timeout 5s' });
  }
  if (f.method !== undefined) {
    const m = f.method.toUpperCase();
    if (!METHOD.test(m))
      throw new UsageError(`invalid --method "${f.method}"`, { hint: 'e.g. GET, POST, PUT' });
    s.method = m;
  }
  if (f.header !== undefined && f.header.length > 0) s.headers = f.header.map(parseHeader);
  if (f.body !== undefined && f.bodyFile !== undefined) {
    throw new UsageError('--body and --body-file cannot be used together', { hint: 'give the body one way' });
  }
  if (f.body !== undefined) s.body = f.body;
  if (f.bodyFile !== undefined) s.body = await readUserFile(f.bodyFile, '--body-file');
  if (f.insecure !== undefined) s.insecure = f.insecure;
  if (f.cacert !== undefined) s.ca = await readUserFile(f.cacert, '--cacert');
  if (f.pipeline !== undefined) s.pipeline = parseCount(f.pipeline, '--pipeline');
  if (f.workers !== undefined) s.workers = parseCount(f.workers, '--workers');
  if (f.loadGenerator !== undefined) s.load_generator = parseGenerator(f.loadGenerator);
  return s;
}

export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  if (colon === -1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`invalid --header "${text}": expected "Name: value"`, {
      hint: 'e.g. --header "Authorization: Bearer $TOKEN"',
    });
  }
  const value = text.slice(colon + 1).trim();
  if (/[\r\n]/.test(value))
    throw new UsageError(`invalid --header "${name}": the value contains a line break`);
  return [name, value];
}

async function readUserFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UsageError(`cannot read ${flag} ${path}: ${why}`, { hint: `check the path given to ${flag}` });
  }
}

/** The flags of run-like commands, typed and checked. */
export interface RunCommandOptions {
  /** Only what the flags gave: a profile or the defaults fill the rest. */
  settings: RunSettings;
  /** --assert, as given (a profile stores them so) and parsed. */
  assertions: string[];
  gates: Gate[];
  /** --junit: where to write the gate verdicts as JUnit XML. */
  junit?: string;
  name?: string;
  labels: Record<string, string>;
  save: boolean;
}

export async function parseRunCommandFlags(
  url: string | undefined,
  flags: RunCommandFlags,
): Promise<RunCommandOptions> {
  const settings = await parseLoadFlags(url, flags);
  const labels = parseLabels(flags.label);
  const assertions = flags.assert ?? [];
  return {
    settings,
    assertions,
    gates: assertions.map(parseGate),
    junit: flags.junit,
    name: flags.name,
    labels,
    save: flags.save !== false,
  };
}

/** "--label key=value" flags as a map. */
export function parseLabels(flags: readonly string[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const flag of flags ?? []) {
    const eq = flag.indexOf('=');
    const key = eq === -1 ? '' : flag.slice(0, eq).trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) {
      throw new UsageError(`invalid --label "${flag}": expected key=value`, {
        hint: 'e.g. --label mesh=istio',
      });
    }
    labels[key] = flag.slice(eq + 1);
  }
  return labels;
}
