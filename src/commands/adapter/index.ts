// `meshdeck adapter`: the mesh adapters of the context, built in or external (Meshery adapters over gRPC).
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { action, examples, outputs } from '../shared/command.js';
import { completeArgs } from '../shared/complete-args.js';

const timeout = (defaultValue: string, what: string) =>
  new Option('--timeout <duration>', `how long to wait for ${what} (e.g. 30s, 2m)`).default(defaultValue);

export function adapterCommand(): CommandUnknownOpts {
  const group = new Command('adapter').description(
    'manage mesh adapters: the built-in ones and external Meshery adapters (gRPC MeshService)',
  );
  examples(group, ['meshdeck adapter add istio-remote --address localhost:10000', 'meshdeck adapter list']);

  const add = action(
    group
      .command('add')
      .description('record an external Meshery adapter in the current context')
      .argument('<name>', 'name to use it by (lower-case letters, digits and -)')
      .addOption(new Option('--address <host:port>', "the adapter's gRPC address").makeOptionMandatory()),
    () => import('./add.js'),
  );
  examples(add, [
    'meshdeck adapter add istio --address localhost:10000',
    'meshdeck adapter add kuma --address [::1]:10007',
  ]);

  const list = action(
    group
      .command('list')
      .alias('ls')
      .description('list adapters with their kind, address, state, mesh, version and operations')
      .addOption(timeout('3s', 'each external adapter to answer')),
    () => import('./list.js'),
  );
  outputs(list, DATA_FORMATS);
  examples(list, ['meshdeck adapter list', 'meshdeck adapter list -o json']);

  const status = action(
    group
      .command('status')
      .description('ping an adapter (MeshName) and show its component info and round-trip time')
      .argument('<name>', 'adapter name')
      .addOption(timeout('30s', 'the adapter to answer')),
    () => import('./status.js'),
  );
  outputs(status, DATA_FORMATS);
  examples(status, ['meshdeck adapter status istio', 'meshdeck adapter status istio -o yaml --timeout 1m']);

  const ops = action(
    group
      .command('ops')
      .description('list the operations an adapter offers')
      .argument('<name>', 'adapter name')
      .addOption(timeout('30s', 'the adapter to answer')),
    () => import('./ops.js'),
  );
  outputs(ops, DATA_FORMATS);
  examples(ops, ['meshdeck adapter ops istio', 'meshdeck adapter ops istio -o json']);

  const remove = action(
    group
      .command('remove')
      .alias('rm')
      .description('forget an external adapter recorded in the current context')
      .argument('<name>', 'adapter name'),
    () => import('./remove.js'),
  );
  examples(remove, ['meshdeck adapter remove istio']);

  const run = action(
    group
      .command('run')
      .description("run one of an adapter's operations on the context's cluster; events stream to stderr")
      .argument('<name>', 'adapter name')
      .argument('<operation>', 'operation key (see "meshdeck adapter ops NAME")')
      .addOption(new Option('--version <version>', 'version the operation should use'))
      .addOption(new Option('--delete', 'undo the operation (Meshery delete_op)').default(false))
      .addOption(new Option('-f, --filename <file>', 'YAML for the "custom" operation ("-" reads stdin)'))
      .addOption(timeout('5m', 'the adapter and the outcome')),
    () => import('./run.js'),
  );
  completeArgs(run, []);
  outputs(run, DATA_FORMATS);
  examples(run, [
    'meshdeck adapter run istio bookinfo -n demo',
    'meshdeck adapter run istio custom -f policy.yaml',
    'meshdeck adapter run istio bookinfo -n demo --delete -o json',
  ]);

  return group;
}
