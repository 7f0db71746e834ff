// The design commands that work with clusters and the design library (import, validate, apply, diff,
// delete, list, view). Kept apart from the group's index so other design commands live in their own files.
import { Option, type Command } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { action, examples, outputs } from '../shared/command.js';
import { completeArgs } from '../shared/complete-args.js';
import { addConcurrencyFlag } from '../shared/flags/cluster.js';
import { addDesignInputFlags } from '../shared/flags/design-input.js';
import { addNoWaitFlags, addWaitFlags } from '../shared/flags/wait.js';

const dryRunOption = () =>
  new Option('--dry-run <mode>', 'server: have the cluster check everything and change nothing')
    .choices(['none', 'server'] as const)
    .default('none' as const);

export function addDesignCommands(group: Command): void {
  const importCmd = action(
    addDesignInputFlags(
      group
        .command('import')
        .description(
          "import manifests or a Meshery design into the design library of the context's provider",
        ),
    )
      .addOption(
        new Option(
          '--design-version <semver>',
          'version of the imported design (default: its own, or 0.0.1)',
        ),
      )
      .addOption(
        new Option(
          '--force',
          "replace the provider's copy even if it changed since this machine last imported or pulled it",
        ).default(false),
      ),
    () => import('./import.js'),
  );
  outputs(importCmd, ['table', 'json', 'yaml']);
  examples(importCmd, [
    'meshdeck design import -f ./k8s --name shop',
    'meshdeck design import -f bookinfo.meshery.yaml -o yaml   # print the converted design',
    'curl -s https://example.com/app.yaml | meshdeck design import -f - --name app',
  ]);

  const validate = action(
    addDesignInputFlags(
      group
        .command('validate')
        .description(
          'check a design: schema, names, duplicates, and kinds against the cluster when it is reachable',
        )
        .argument('[design]', 'a design from the library (or give -f)'),
    ).addOption(new Option('--offline', 'do not contact the cluster').default(false)),
    () => import('./validate.js'),
  );
  completeArgs(validate, ['file']);
  outputs(validate, DATA_FORMATS);
  examples(validate, ['meshdeck design validate -f app.yaml', 'meshdeck design validate shop -o json']);

  const apply = action(
    addConcurrencyFlag(
      addWaitFlags(
        addDesignInputFlags(
          group
            .command('apply')
            .description('apply a design to the cluster with server-side apply (field manager meshdeck)')
            .argument('[design]', 'a design from the library (or give -f)'),
        )
          .addOption(dryRunOption())
          .addOption(
            new Option('--prune', 'delete objects this design applied before and no longer contains').default(
              false,
            ),
          )
          .addOption(
            new Option(
              '--force-conflicts',
              'take over fields other managers own, and objects of other designs',
            ).default(false),
          ),
        {
          wait: 'wait until workloads are ready (kubectl rollout status semantics)',
          timeout: 'limit for --wait',
        },
      ),
    ),
    () => import('./apply.js'),
  );
  outputs(apply, ['table', 'json', 'yaml']);
  examples(apply, [
    'meshdeck design apply -f ./k8s --name shop --wait',
    'meshdeck design apply shop --prune',
    'meshdeck design apply -f app.yaml --dry-run=server',
  ]);

  const diff = action(
    addConcurrencyFlag(
      addDesignInputFlags(
        group
          .command('diff')
          .description('show what applying the design would change; exit 3 when the cluster has drifted')
          .argument('[design]', 'a design from the library (or give -f)'),
      ),
    ),
    () => import('./diff.js'),
  );
  outputs(diff, ['diff', 'json', 'yaml']);
  examples(diff, ['meshdeck design diff shop', 'meshdeck design diff -f app.yaml -o json']);

  const del = action(
    addConcurrencyFlag(
      addNoWaitFlags(
        addDesignInputFlags(
          group
            .command('delete')
            .description('delete the objects the design owns, and wait until they are gone')
            .argument('[design]', 'a design from the library (or give -f)'),
        ),
        { noWait: 'return once deletion is requested', timeout: 'limit for waiting on finalizers' },
      ).addOption(dryRunOption()),
    ),
    () => import('./delete.js'),
  );
  outputs(del, ['table', 'json', 'yaml']);
  examples(del, ['meshdeck design delete shop', 'meshdeck design delete -f app.yaml --timeout 2m']);

  const list = action(
    group.command('list').alias('ls').description("list the designs the context's provider keeps"),
    () => import('./list.js'),
  );
  outputs(list, DATA_FORMATS);
  examples(list, ['meshdeck design list', 'meshdeck design list -o json']);

  const view = action(
    group.command('view').description('show a design from the library').argument('<design>', 'design name'),
    () => import('./view.js'),
  );
  outputs(view, ['yaml', 'json', 'table', 'wide']);
  examples(view, ['meshdeck design view shop', 'meshdeck design view shop -o json']);
}
