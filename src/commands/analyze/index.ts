// `meshdeck analyze`: mesh configuration rules (codes MD0001...) over files and the live cluster.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, examples, outputs } from '../shared/command.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function analyzeCommand(): CommandUnknownOpts {
  const cmd = new Command('analyze')
    .description(
      'analyze mesh configuration in files and the cluster against best-practice rules (MD0001...)',
    )
    .addOption(
      new Option('-f, --filename <source>', 'file, folder, URL or - (stdin) with manifests; repeatable')
        .argParser(collect)
        .default([] as string[]),
    )
    .addOption(new Option('-R, --recursive', 'read folders given with -f recursively').default(false))
    .addOption(
      new Option(
        '--use-cluster <bool>',
        'also read the live cluster (default: true; with -f, skipped with a warning when unreachable)',
      ).choices(['true', 'false']),
    )
    .addOption(
      new Option(
        '-A, --all-namespaces',
        'report findings in every namespace (default: the context namespace, or all for files only)',
      ).default(false),
    )
    .addOption(
      new Option('--failure-threshold <severity>', 'the least severe finding that exits 3')
        .choices(['error', 'warning', 'info'])
        .default('error'),
    )
    .addOption(
      new Option(
        '--suppress <CODE=kind/ns/name>',
        "silence one finding, e.g. 'MD0009=Service/shop/web' (* matches anything); repeatable",
      )
        .argParser(collect)
        .default([] as string[]),
    )
    .addOption(
      new Option('--report <kind>', 'write a report instead of the findings list (-o html|md)').choices([
        'compliance',
      ]),
    )
    .addOption(new Option('--out <file>', 'write the output to this file instead of stdout'))
    .addOption(new Option('--list-rules', 'print the rule catalogue and exit').default(false))
    .addOption(
      new Option('--request-timeout <duration>', 'limit for each request to the cluster or a URL').default(
        '30s',
      ),
    );
  outputs(cmd, ['table', 'wide', 'json', 'yaml', 'sarif', 'html', 'md']);
  examples(cmd, [
    'meshdeck analyze -A',
    'meshdeck analyze -f ./k8s --use-cluster=false -o sarif > analyze.sarif',
    "meshdeck analyze -n shop --failure-threshold warning --suppress 'MD0009=Service/shop/*'",
    'meshdeck analyze -A --report compliance -o html --out compliance.html',
  ]);
  return action(cmd, () => import('./analyze.js'));
}
