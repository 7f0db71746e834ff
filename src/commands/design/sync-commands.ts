// `meshdeck design push|pull`: keeping designs with the provider.
import { Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, examples, outputs } from '../shared/command.js';
import { completeArgs } from '../shared/complete-args.js';

export function addDesignSyncCommands(group: CommandUnknownOpts): void {
  const push = action(
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
      )
      .addOption(new Option('--provider <url>', "provider base URL (default: the context's provider)"))
      .addOption(new Option('--request-timeout <duration>', 'limit for fetching a URL').default('30s')),
    () => import('./push.js'),
  );
  completeArgs(push, ['file']);
  examples(push, [
    'meshdeck design push web.yaml',
    'meshdeck design push web.yaml --force   # after merging a conflict',
  ]);

  const pull = action(
    group
      .command('pull')
      .description(
        'get a design from the provider (the cached copy, with a warning, while it is unreachable)',
      )
      .argument('<name>', 'name of the design')
      .addOption(new Option('-f, --file <path>', 'write it to this file instead of standard output'))
      .addOption(new Option('--force', 'overwrite --file even if it has changes you have not pushed'))
      .addOption(new Option('--provider <url>', "provider base URL (default: the context's provider)")),
    () => import('./pull.js'),
  );
  outputs(pull, ['yaml', 'json']);
  examples(pull, [
    'meshdeck design pull web',
    'meshdeck design pull web -f web.yaml',
    'meshdeck design pull web -o json',
  ]);
}
