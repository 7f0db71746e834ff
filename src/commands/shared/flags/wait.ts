// The wait flags, a flag group: whether a command waits for the cluster to settle, and for how long.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { parseDuration } from '../../../core/duration.js';

export interface WaitOptions {
  wait: boolean;
  timeoutMs: number;
}

/** --wait (off by default) and --timeout; apply waits only when asked. */
export function addWaitFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
  help: { wait: string; timeout: string },
) {
  return cmd
    .addOption(new Option('--wait', help.wait).default(false))
    .addOption(new Option('--timeout <duration>', help.timeout).default('5m'));
}

/** --no-wait (waiting by default) and --timeout; delete waits unless told not to. */
export function addNoWaitFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
  help: { noWait: string; timeout: string },
) {
  return cmd
    .addOption(new Option('--no-wait', help.noWait))
    .addOption(new Option('--timeout <duration>', help.timeout).default('5m'));
}

export function parseWaitFlags(flags: { wait?: boolean; timeout: string }): WaitOptions {
  return { wait: flags.wait !== false, timeoutMs: parseDuration(flags.timeout, '--timeout') };
}
