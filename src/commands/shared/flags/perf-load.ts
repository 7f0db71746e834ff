// The perf load flags, a flag group: how `perf run`, `perf apply` and `perf profile create` say what to
// send, how hard and how long. This module adds the flags (it is loaded with the command tree, so it
// imports only commander); ./perf-load-parse.ts turns them into checked run settings, loaded with the
// actions. The gate and result flags live here too.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';

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

/** --assert alone (commands that print their own verdicts). */
export function addGateFlagOnly<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd.addOption(
    new Option(
      '--assert <gate>',
      'fail (exit 3) unless the result meets it, e.g. "p99<=20ms" (repeatable)',
    ).argParser(collect),
  );
}

export function addGateFlag<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return addGateFlagOnly(cmd).addOption(
    new Option('--junit <file>', 'also write the gate verdicts as JUnit XML to this file'),
  );
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
