// `meshdeck logout`: revoke the token on the provider and delete it locally.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { addProviderFlag } from '../shared/flags/provider.js';
import { action, examples } from '../shared/command.js';

export function logoutCommand(): CommandUnknownOpts {
  const cmd = addProviderFlag(
    new Command('logout').description('revoke the token on the provider and delete it from this machine'),
  );
  examples(cmd, ['meshdeck logout', 'meshdeck logout --provider https://provider.example.com']);
  return action(cmd, () => import('./logout.js'));
}
