// The cluster request flags, a flag group: --request-timeout and --concurrency for commands that talk to
// the cluster (the cluster's identity flags, --context, --kubeconfig, --kube-context and -n, are global:
// see ../globals.ts). add() puts them on a command; parse*() turns them into typed values, once.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { parseDuration } from '../../../core/duration.js';
import { UsageError } from '../../../core/errors.js';

export function addRequestTimeoutFlag<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
  description = 'limit for each request to the cluster',
) {
  return cmd.addOption(new Option('--request-timeout <duration>', description).default('30s'));
}

/** --request-timeout in milliseconds. */
export function parseRequestTimeout(flags: { requestTimeout: string }): number {
  return parseDuration(flags.requestTimeout, '--request-timeout');
}

export function addConcurrencyFlag<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd.addOption(new Option('--concurrency <n>', 'requests in flight at once').default('16'));
}

/** --concurrency: a whole number from 1 to 256. */
export function parseConcurrency(flags: { concurrency: string }): number {
  const text = flags.concurrency;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new UsageError(`--concurrency "${text}" must be a whole number from 1 to 256`);
  }
  return n;
}
