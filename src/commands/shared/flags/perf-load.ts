// The perf load flags, a flag group: how `perf run`, `perf apply` and `perf profile create` say what to
// send, how hard and how long (add), and how those flags become checked run settings (parse). Every bad
// value is a usage error (exit 2) naming the flag. The gate and result flags live here too.
import { readFile } from 'node:fs/promises';
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { parseDuration } from '../../../core/duration.js';
import { UsageError, errnoCode } from '../../../core/errors.js';
import { parseGate, type Gate } from '../../../perf/gates/parse.js';
import { parseGenerator, type RunSettings } from '../../../perf/spec/options.js';
import { parseCount, parseRate } from '../../../perf/spec/quantity.js';
import { parseTargetUrl } from '../../../perf/spec/url.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The load flags as commander gives them. */
export interface LoadFlags {
  connections?: string;
  rate?: string;
  duration?: string;
  requests?: string;
  warmup?: string;
  timeout?: string;
  method?: string;
  header?: string[];
  body?: string;
  bodyFile?: string;
  insecure?: boolean;
  cacert?: string;
  pipeline?: string;
  workers?: string;
  loadGenerator?: string;
}

/** Adds the load flags (all optional: a profile or the defaults fill what is not given). */
export function addLoadFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .addOption(new Option('-c, --connections <n>', 'connections kept open (default 10)'))
    .addOption(
      new Option(
        '-r, --rate <rps>',
        'requests per second (open loop, latency from intended send time), or "max" (default)',
      ),
    )
    .addOption(new Option('-d, --duration <time>', 'how long to measure, e.g. 30s, 1m30s (default 10s)'))
    .addOption(new Option('--requests <n>', 'measure this many requests instead of a duration'))
    .addOption(new Option('--warmup <time>', 'load the target for this long before measuring'))
    .addOption(new Option('--timeout <time>', 'give up on a response after this long (default 5s)'))
    .addOption(new Option('-X, --method <method>', 'HTTP method (default GET)'))
    .addOption(
      new Option('-H, --header <header>', 'request header "Name: value" (repeatable)').argParser(collect),
    )
    .addOption(new Option('--body <text>', 'request body'))
    .addOption(new Option('--body-file <path>', 'request body from a file'))
    .addOption(new Option('--insecure', 'do not verify the server certificate (https)'))
    .addOption(new Option('--cacert <path>', 'trust this CA certificate (PEM) for https'))
    .addOption(
      new Option('-p, --pipeline <n>', 'requests in flight per connection (HTTP pipelining; default 1)'),
    )
    .addOption(
      new Option('-w, --workers <n>', 'worker threads (default: the cores a local target leaves free)'),
    )
    .addOption(
      new Option('-g, --load-generator <name>', 'native (default), autocannon, wrk2, wrk or fortio'),
    );
}

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

export function addGateFlag<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .addOption(
      new Option(
        '--assert <gate>',
        'fail (exit 3) unless the result meets it, e.g. "p99<=20ms" (repeatable)',
      ).argParser(collect),
    )
    .addOption(new Option('--junit <file>', 'also write the gate verdicts as JUnit XML to this file'));
}

export function addResultFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .addOption(
      new Option('--name <name>', 'name of the result (default: the profile name or the target host)'),
    )
    .addOption(new Option('--label <key=value>', 'label the result (repeatable)').argParser(collect))
    .addOption(new Option('--no-save', 'do not keep the result in the local store'));
}

/** The flags of run-like commands (load, gate and result flags) as commander gives them. */
export interface RunCommandFlags extends LoadFlags {
  assert?: string[];
  junit?: string;
  name?: string;
  label?: string[];
  save?: boolean;
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
