// `meshdeck whoami`: who the provider says you are.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { action, examples, outputs } from '../shared/command.js';

export function whoamiCommand(): CommandUnknownOpts {
  const cmd = new Command('whoami')
    .description('show the user you are signed in as, as the provider sees it')
    .addOption(new Option('--provider <url>', "provider base URL (default: the context's provider)"));
  outputs(cmd, DATA_FORMATS);
  examples(cmd, ['meshdeck whoami', 'meshdeck whoami -o json']);
  return action(cmd, () => import('./whoami.js'));
}
