// Flags shared by `perf run`, `perf apply` and `perf profile create`: what to send, how hard, how long.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { RunFlags } from '../../perf/spec/options.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function addRunOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
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

export function addGateOption<A extends unknown[], O extends OptionValues, G extends OptionValues>(
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

export function addResultMetaOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .addOption(
      new Option('--name <name>', 'name of the result (default: the profile name or the target host)'),
    )
    .addOption(new Option('--label <key=value>', 'label the result (repeatable)').argParser(collect))
    .addOption(new Option('--no-save', 'do not keep the result in the local store'));
}

/** Options of run-like commands as commander gives them. */
export interface RunCommandOptions extends RunFlags {
  assert?: string[];
  junit?: string;
  name?: string;
  label?: string[];
  save?: boolean;
}
