// `meshdeck whoami`: who the provider says you are.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { addProviderFlag } from '../shared/flags/provider.js';
import { action, examples, outputs } from '../shared/command.js';

export function whoamiCommand(): CommandUnknownOpts {
  const cmd = addProviderFlag(
    new Command('whoami').description('show the user you are signed in as, as the provider sees it'),
  );
  outputs(cmd, DATA_FORMATS);
  examples(cmd, ['meshdeck whoami', 'meshdeck whoami -o json']);
  return action(cmd, () => import('./whoami.js'));
}
