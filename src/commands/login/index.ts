// `meshdeck login`: sign in to a Remote Provider.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { addProviderFlag } from '../shared/flags/provider.js';
import { action, examples } from '../shared/command.js';

export function loginCommand(): CommandUnknownOpts {
  const cmd = addProviderFlag(
    new Command('login').description(
      "sign in to the context's Remote Provider (or --provider URL) and store the token",
    ),
  )
    .addOption(
      new Option('--device', 'sign in with a one-time code approved in any browser (the default)').conflicts([
        'web',
        'withToken',
      ]),
    )
    .addOption(
      new Option('--web', 'sign in in a browser on this machine (redirect to a loopback port)').conflicts([
        'withToken',
      ]),
    )
    .addOption(new Option('--with-token', 'read a token from standard input (for CI and scripts)'))
    .addOption(new Option('--no-browser', 'with --web: print the sign-in URL, do not open a browser'));
  examples(cmd, [
    'meshdeck login --provider https://provider.example.com',
    'meshdeck login --web',
    'echo "$PROVIDER_TOKEN" | meshdeck login --with-token --provider https://provider.example.com',
  ]);
  return action(cmd, () => import('./login.js'));
}
