// `meshdeck sync`: send queued changes and refresh the cache.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { addProviderFlag } from '../shared/flags/provider.js';
import { action, examples, outputs } from '../shared/command.js';

export function syncCommand(): CommandUnknownOpts {
  const cmd = addProviderFlag(
    new Command('sync').description(
      'send changes queued while the provider was unreachable, then refresh the local cache',
    ),
  )
    .addOption(
      new Option('--failed', 'list queued changes set aside because they could not be sent').conflicts([
        'retry',
        'drop',
      ]),
    )
    .addOption(
      new Option('--retry <id>', 'queue a change set aside again (its id from --failed)').conflicts('drop'),
    )
    .addOption(new Option('--drop <id>', 'delete a change set aside (its id from --failed)'));
  outputs(cmd, DATA_FORMATS);
  examples(cmd, [
    'meshdeck sync',
    'meshdeck sync -o json',
    'meshdeck sync --failed',
    'meshdeck sync --drop 7',
  ]);
  return action(cmd, () => import('./sync.js'));
}
