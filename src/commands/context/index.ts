// `meshdeck context`: named pairs of a cluster and a provider.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { action, examples, outputs } from '../shared/command.js';
import { completeArgs } from '../shared/complete-args.js';
// These actions are small and use only core modules, so they are part of the runtime: importing them
// lazily would cost more (an ES module load) than it saves.
import * as createAction from './create.js';
import * as listAction from './list.js';
import * as useAction from './use.js';
import * as viewAction from './view.js';
import * as renameAction from './rename.js';
import * as delAction from './delete.js';

export function contextCommand(): CommandUnknownOpts {
  const group = new Command('context').description(
    'manage contexts: which cluster, provider and namespace meshdeck works with',
  );
  examples(group, ['meshdeck context list', 'meshdeck context create prod --kube-context prod-east --use']);

  const create = action(
    group
      .command('create')
      .description('create a context; --kubeconfig, --kube-context and -n give its cluster and namespace')
      .argument('<name>', 'name of the new context')
      .addOption(new Option('--provider <url>', 'Remote Provider base URL (default: the built-in provider)'))
      .addOption(new Option('--sandbox', 'use the embedded sandbox cluster').default(false))
      .addOption(new Option('--use', 'make it the current context').default(false)),
    async () => createAction,
  );
  examples(create, [
    'meshdeck context create prod --kubeconfig ~/.kube/prod.yaml --kube-context east -n payments',
    'meshdeck context create ci --sandbox --provider https://provider.example.com --use',
  ]);

  const list = action(
    group.command('list').alias('ls').description('list contexts; the current one is marked with *'),
    async () => listAction,
  );
  outputs(list, DATA_FORMATS);
  examples(list, ['meshdeck context list', 'meshdeck context list -o json']);

  const use = action(
    group
      .command('use')
      .description('switch the current context')
      .argument('<name>', 'context to use from now on'),
    async () => useAction,
  );
  completeArgs(use, ['context']);
  examples(use, ['meshdeck context use prod', 'meshdeck context use local   # back to the built-in default']);

  const view = action(
    group
      .command('view')
      .description('show one context (the current one by default)')
      .argument('[name]', 'context to show'),
    async () => viewAction,
  );
  completeArgs(view, ['context']);
  outputs(view, ['yaml', 'json', 'table', 'wide']);
  examples(view, ['meshdeck context view', 'meshdeck context view prod -o json']);

  const rename = action(
    group
      .command('rename')
      .description('rename a context')
      .argument('<old>', 'current name')
      .argument('<new>', 'new name'),
    async () => renameAction,
  );
  completeArgs(rename, ['context']);
  examples(rename, ['meshdeck context rename prod prod-east']);

  const del = action(
    group
      .command('delete')
      .alias('rm')
      .description('delete a context (the current one falls back to the built-in "local")')
      .argument('<name>', 'context to delete'),
    async () => delAction,
  );
  completeArgs(del, ['context']);
  examples(del, ['meshdeck context delete staging']);

  return group;
}
