// `meshdeck token`: the stored credential, without its secret; API tokens for CI.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { addProviderFlag } from '../shared/flags/provider.js';
import { action, examples, outputs } from '../shared/command.js';

export function tokenCommand(): CommandUnknownOpts {
  const group = new Command('token').description(
    'inspect the token meshdeck uses for the provider, and manage API tokens for CI',
  );
  examples(group, ['meshdeck token view', 'meshdeck token create ci', 'meshdeck token list']);
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

  const create = action(
    addProviderFlag(
      group
        .command('create')
        .description('create an API token for CI and print it once on stdout (sign in as a person first)')
        .argument('<name>', 'what the token is for, shown by token list')
        .addOption(
          new Option(
            '--expires-in-days <days>',
            "days until it expires (default: the provider's, 30; at most the provider's maximum, 365)",
          ),
        ),
    ),
    () => import('./create.js'),
  );
  examples(create, [
    'meshdeck token create ci',
    'meshdeck token create nightly --expires-in-days 7 > token.txt',
  ]);

  const list = action(
    addProviderFlag(
      group
        .command('list')
        .description('list your API tokens: id, name, created, expires, last used (never secrets)'),
    ),
    () => import('./list.js'),
  );
  outputs(list, DATA_FORMATS);
  examples(list, ['meshdeck token list', 'meshdeck token list -o json']);

  const revoke = action(
    addProviderFlag(
      group
        .command('revoke')
        .description('revoke one of your API tokens by id; it stops working at once')
        .argument('<id>', 'the id token list shows'),
    ),
    () => import('./revoke.js'),
  );
  examples(revoke, ['meshdeck token revoke 3f2c9a4e-5b1d-4c7e-9a0f-2d6b8e1c4a7f']);
  return group;
}
