// `meshdeck token`: the stored credential, without its secret.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { addProviderFlag } from '../shared/flags/provider.js';
import { action, examples, outputs } from '../shared/command.js';

export function tokenCommand(): CommandUnknownOpts {
  const group = new Command('token').description('inspect the token meshdeck uses for the provider');
  examples(group, ['meshdeck token view']);
  const view = action(
    addProviderFlag(
      group
        .command('view')
        .description(
          'show where the token comes from, whose it is and when it expires (never the token itself)',
        ),
    ),
    () => import('./view.js'),
  );
  outputs(view, DATA_FORMATS);
  examples(view, ['meshdeck token view', 'meshdeck token view -o json']);
  return group;
}
