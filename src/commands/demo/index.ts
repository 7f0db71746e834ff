// `meshdeck demo`: the main job end to end on the embedded default, with nothing to install: the sandbox
// cluster, a design deployed and waited for, a benchmark with gates, and the result kept.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, examples, outputs } from '../shared/command.js';

export function demoCommand(): CommandUnknownOpts {
  const demo = action(
    new Command('demo')
      .description(
        'deploy a sample design to the sandbox cluster, benchmark it with gates, and keep the result',
      )
      .addOption(new Option('-r, --rate <rps>', 'requests per second (open loop)').default('500'))
      .addOption(new Option('-d, --duration <time>', 'how long to measure, e.g. 10s, 1m').default('10s'))
      .addOption(
        new Option(
          '--assert <gate>',
          'pass/fail criterion (repeatable); default: p99<=50ms and errors<1%',
        ).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]),
      )
      .addOption(
        new Option(
          '--mesh <mesh>',
          'deploy this mesh (istio, linkerd, kuma, consul), inject the demo namespace and benchmark through it',
        ),
      )
      .addOption(new Option('--installer <path>', "the mesh's installer (default: PATH, cache or download)"))
      .addOption(
        new Option('--keep', 'keep the sandbox and the sample running after the benchmark, until Ctrl-C'),
      ),
    () => import('./run.js'),
  );
  outputs(demo, ['table', 'json', 'yaml', 'smp']);
  examples(demo, [
    'meshdeck demo',
    "meshdeck demo --rate 1000 -d 30s --assert 'p99<=20ms'",
    'meshdeck demo --keep          # then explore with kubectl, as the demo prints',
    'meshdeck demo --mesh istio    # the same, with the sample injected into Istio',
    'meshdeck demo -o json > result.json',
  ]);
  return demo;
}
