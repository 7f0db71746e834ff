// `meshdeck logout`: revoke the token on the provider and delete it locally.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, examples } from '../shared/command.js';

export function logoutCommand(): CommandUnknownOpts {
  const cmd = new Command('logout')
    .description('revoke the token on the provider and delete it from this machine')
    .addOption(new Option('--provider <url>', "provider base URL (default: the context's provider)"));
  examples(cmd, ['meshdeck logout', 'meshdeck logout --provider https://provider.example.com']);
  return action(cmd, () => import('./logout.js'));
}
