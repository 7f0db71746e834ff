// `meshdeck cluster`: what the cluster holds that matters to meshes.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { action, examples, outputs } from '../shared/command.js';
import { addRequestTimeoutFlag } from '../shared/flags/cluster.js';

export function clusterCommand(): CommandUnknownOpts {
  const group = new Command('cluster').description('look at the cluster of the current context');
  examples(group, ['meshdeck cluster snapshot', 'meshdeck cluster snapshot -o json']);

  const snapshot = action(
    addRequestTimeoutFlag(
      group
        .command('snapshot')
        .description(
          'namespaces and their sidecar injection, workloads, pods with sidecars, services, mesh CRDs and resources',
        )
        .addOption(
          new Option('--watch', 'keep watching and print each change (Ctrl-C ends it)').default(false),
        )
        .addOption(
          new Option('--from-cache', 'print the last snapshot taken, without contacting the cluster').default(
            false,
          ),
        ),
    ),
    () => import('./snapshot.js'),
  );
  outputs(snapshot, DATA_FORMATS);
  examples(snapshot, [
    'meshdeck cluster snapshot',
    'meshdeck cluster snapshot -n shop -o wide   # one namespace, every pod',
    'meshdeck cluster snapshot --watch -o json',
  ]);
  return group;
}
