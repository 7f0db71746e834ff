// The provider flag, a flag group: --provider URL instead of the context's provider.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';

export function addProviderFlag<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd.addOption(new Option('--provider <url>', "provider base URL (default: the context's provider)"));
}

/** The provider a command targets; undefined for the context's. Checked when the session opens. */
export interface ProviderOptions {
  providerUrl?: string;
}

export function parseProviderFlag(flags: { provider?: string }): ProviderOptions {
  return { providerUrl: flags.provider };
}
