// `meshdeck check`: health of the cluster, the provider, adapters, mesh control planes and data planes.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, examples, outputs } from '../shared/command.js';

export function checkCommand(): CommandUnknownOpts {
  const cmd = new Command('check')
    .description(
      'check the health of the cluster, provider, adapters and installed meshes ([+] passed, [-] failed, [i] information)',
    )
    .addOption(new Option('--pre', 'run the checks that matter before a mesh deploy').default(false))
    .addOption(
      new Option(
        '--proxy',
        'also check the data plane: sidecars in injected namespaces, proxy versions',
      ).default(false),
    )
    .addOption(
      new Option(
        '--wait <duration>',
        'run again until every check passes or this much time has gone by (exit 5)',
      ),
    )
    .addOption(
      new Option('--request-timeout <duration>', 'limit for each request to the cluster').default('10s'),
    );
  outputs(cmd, ['table', 'json', 'yaml', 'junit']);
  examples(cmd, [
    'meshdeck check',
    'meshdeck check --pre',
    'meshdeck check --proxy -n shop',
    'meshdeck check --wait 5m -o junit > check.xml',
  ]);
  return action(cmd, () => import('./check.js'));
}
