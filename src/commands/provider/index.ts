// `meshdeck provider`: run the reference Remote Provider, check the context's provider, stop the built-in one.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { action, examples, outputs } from '../shared/command.js';
import { addProviderFlag } from '../shared/flags/provider.js';

export function providerCommand(): CommandUnknownOpts {
  const group = new Command('provider').description(
    'run the reference Remote Provider, or check the one you use',
  );
  examples(group, ['meshdeck provider serve --init-admin admin', 'meshdeck provider status']);

  const serve = action(
    group
      .command('serve')
      .description(
        'run the reference Remote Provider (embedded PGlite by default, PostgreSQL with --database-url)',
      )
      .addOption(
        new Option(
          '--data-dir <dir>',
          'PGlite data folder (default: $XDG_STATE_HOME/meshdeck/provider-server)',
        ),
      )
      .addOption(
        new Option('--database-url <url>', 'PostgreSQL connection URL instead of PGlite').env(
          'MESHDECK_PROVIDER_DATABASE_URL',
        ),
      )
      .addOption(new Option('--host <address>', 'address to listen on').default('127.0.0.1'))
      .addOption(new Option('--port <number>', 'port to listen on; 0 picks a free one').default('9870'))
      .addOption(new Option('--public-url <url>', 'the URL clients use, when a proxy sits in front'))
      .addOption(
        new Option(
          '--init-admin <username>',
          'create this admin if the provider has no user yet (password from MESHDECK_PROVIDER_ADMIN_PASSWORD)',
        ).env('MESHDECK_PROVIDER_INIT_ADMIN'),
      )
      .addOption(
        new Option('--max-body-size <bytes>', 'largest request body accepted (413 beyond)').default(
          '1048576',
        ),
      )
      .addOption(new Option('--access-token-ttl <seconds>', 'lifetime of access tokens').default('3600'))
      .addOption(
        new Option('--device-interval <seconds>', 'polling interval given to device sign-in').default('5'),
      )
      .addOption(
        new Option(
          '--auth-rate-limit <per-minute>',
          'sign-in requests allowed per client address per minute',
        ).default('30'),
      )
      .addOption(
        new Option('--quota-documents <n>', 'documents each user may keep (413 beyond)').default('10000'),
      )
      .addOption(
        new Option('--quota-bytes <bytes>', 'bytes of document data each user may keep (413 beyond)').default(
          '1073741824',
        ),
      )
      .addOption(
        new Option('--api-token-max-days <days>', 'the longest lifetime an API token may ask for').default(
          '365',
        ),
      )
      .addOption(
        new Option('--builtin', 'run as the built-in provider (started by meshdeck itself)').hideHelp(),
      ),
    () => import('./serve.js'),
  );
  examples(serve, [
    'meshdeck provider serve --init-admin admin   # its password from MESHDECK_PROVIDER_ADMIN_PASSWORD',
    'meshdeck provider serve --database-url postgres://meshdeck@db:5432/meshdeck --host 0.0.0.0 --public-url https://provider.example.com',
  ]);

  const status = action(
    addProviderFlag(
      group
        .command('status')
        .description("show the context's provider: reachable, ready, its features and who you are there"),
    ),
    () => import('./status.js'),
  );
  outputs(status, DATA_FORMATS);
  examples(status, ['meshdeck provider status', 'meshdeck provider status -o wide']);

  const stop = action(
    group.command('stop').description('stop the built-in provider (it starts again when a command needs it)'),
    () => import('./stop.js'),
  );
  examples(stop, ['meshdeck provider stop']);
  return group;
}
