// `meshdeck design push|pull`: keeping designs with the provider.
import { Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, examples, outputs } from '../shared/command.js';
import { completeArgs } from '../shared/complete-args.js';
import { addRequestTimeoutFlag } from '../shared/flags/cluster.js';
import { addProviderFlag } from '../shared/flags/provider.js';

export function addDesignSyncCommands(group: CommandUnknownOpts): void {
  const push = action(
    addRequestTimeoutFlag(
      addProviderFlag(
        group
          .command('push')
          .description(
            'check a design file and send it to the provider (queued in the outbox while it is unreachable)',
          )
          .argument('<file>', 'a design file, a Meshery design or plain manifests (file, URL or - for stdin)')
          .addOption(
            new Option(
              '--force',
              "replace the provider's version even if it changed since your last push or pull",
            ),
          ),
      ),
      'limit for fetching a URL',
    ),
    () => import('./push.js'),
  );
  completeArgs(push, ['file']);
  examples(push, [
    'meshdeck design push web.yaml',
    'meshdeck design push web.yaml --force   # after merging a conflict',
  ]);

  const pull = action(
    addProviderFlag(
      group
        .command('pull')
        .description(
          'get a design from the provider (the cached copy, with a warning, while it is unreachable)',
        )
        .argument('<name>', 'name of the design')
        .addOption(new Option('-f, --file <path>', 'write it to this file instead of standard output'))
        .addOption(new Option('--force', 'overwrite --file even if it has changes you have not pushed')),
    ),
    () => import('./pull.js'),
  );
  outputs(pull, ['yaml', 'json']);
  examples(pull, [
    'meshdeck design pull web',
    'meshdeck design pull web -f web.yaml',
    'meshdeck design pull web -o json',
  ]);
}
