// `meshdeck sync`: send queued changes and refresh the cache.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { addProviderFlag } from '../shared/flags/provider.js';
import { action, examples, outputs } from '../shared/command.js';

export function syncCommand(): CommandUnknownOpts {
  const cmd = addProviderFlag(
    new Command('sync').description(
      'send changes queued while the provider was unreachable, then refresh the local cache',
    ),
  );
  outputs(cmd, DATA_FORMATS);
  examples(cmd, ['meshdeck sync', 'meshdeck sync -o json']);
  return action(cmd, () => import('./sync.js'));
}
