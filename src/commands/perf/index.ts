// `meshdeck perf`: HTTP benchmarks with coordinated-omission-correct latency, SMP results, profiles,
// comparisons, gates and a built-in echo target. Every action is imported only when it runs.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { action, examples, outputs } from '../shared/command.js';
import { addGateFlag, addGateFlagOnly, addLoadFlags, addResultFlags } from '../shared/flags/perf-load.js';
import { addInClusterFlags } from '../shared/flags/perf-cluster.js';

const RESULT_FORMATS = ['table', 'json', 'yaml', 'smp', 'junit'];

export function perfCommand(): CommandUnknownOpts {
  const group = new Command('perf').description(
    'benchmark HTTP services: open- and closed-loop load, latency percentiles, SMP results and gates',
  );
  examples(group, [
    'meshdeck perf run http://localhost:8080/ --rate 500 --duration 30s',
    'meshdeck perf serve --port 8080',
  ]);

  const run = action(
    addInClusterFlags(
      addResultFlags(
        addGateFlag(
          addLoadFlags(
            group
              .command('run')
              .description('load a URL and report latency percentiles, rate and errors')
              .argument('<url>', 'http:// or https:// URL to load'),
          ),
        ),
      ),
    ),
    () => import('./run.js'),
  );
  outputs(run, RESULT_FORMATS);
  examples(run, [
    'meshdeck perf run http://localhost:8080/ --rate 500 --duration 30s   # open loop, corrected latency',
    'meshdeck perf run http://localhost:8080/ -c 64 -d 10s               # closed loop, max throughput',
    "meshdeck perf run https://api.example.com/health --assert 'p99<=20ms' --assert 'errors<0.1%'",
    'meshdeck perf run http://localhost:8080/ -X POST --body-file order.json -H "Content-Type: application/json"',
    'meshdeck perf run http://localhost:8080/ -d 30s -o smp > result.json',
    'meshdeck perf run http://echo.demo.svc/ --in-cluster --replicas 3 --rate 3000 -d 30s -n perf',
  ]);

  const apply = action(
    addInClusterFlags(
      addResultFlags(
        addGateFlag(
          addLoadFlags(
            group
              .command('apply')
              .description(
                'run a saved profile (flags override its settings), or an SMP test configuration file',
              )
              .argument('[profile]', 'profile name or id')
              .addOption(
                new Option(
                  '-f, --file <path>',
                  'SMP test configuration (YAML or JSON) to run instead of a profile',
                ),
              )
              .addOption(new Option('--url <url>', "override the profile's URL")),
          ),
        ),
      ),
    ),
    () => import('./apply.js'),
  );
  outputs(apply, RESULT_FORMATS);
  examples(apply, [
    'meshdeck perf apply checkout',
    'meshdeck perf apply checkout --rate 1000 -d 1m',
    'meshdeck perf apply -f smp-test.yaml',
    'meshdeck perf apply checkout --in-cluster --replicas 2 -n perf',
  ]);

  const agent = action(
    group
      .command('agent', { hidden: true })
      .description('run one generator pod of an in-cluster run (settings from MESHDECK_PERF_SETTINGS)'),
    () => import('./agent.js'),
  );
  examples(agent, ['MESHDECK_PERF_SETTINGS=\'{"url":"http://echo/"}\' meshdeck perf agent']);

  const matrix = action(
    addInClusterFlags(
      addGateFlagOnly(
        addLoadFlags(
          group
            .command('matrix')
            .description(
              'run the same load against one app under several configurations (no mesh, meshes) and compare',
            )
            .addOption(new Option('-f, --file <path>', 'matrix file (kind: PerfMatrix)'))
            .addOption(new Option('--service <name>', 'the app: a Service present in every namespace'))
            .addOption(
              new Option('--port <port>', "the Service's port, by number or name (default its first)"),
            )
            .addOption(new Option('--path <path>', 'URL path to load (default /)'))
            .addOption(
              new Option(
                '--config <name=namespace>',
                'a configuration; the first is the baseline (repeatable)',
              ).argParser((v, p: string[] | undefined) => [...(p ?? []), v]),
            )
            .addOption(new Option('--profile <profile>', 'a saved profile the load starts from'))
            .addOption(
              new Option('--label <key=value>', 'label every result (repeatable)').argParser(
                (v, p: string[] | undefined) => [...(p ?? []), v],
              ),
            ),
        ),
      ),
      true,
    ),
    () => import('./matrix.js'),
  );
  outputs(matrix, ['table', 'json', 'yaml']);
  examples(matrix, [
    'meshdeck perf matrix -f matrix.yaml -n perf',
    'meshdeck perf matrix --service echo --config no-mesh=echo-plain --config istio=echo-istio --rate 500 -d 30s',
  ]);

  group.addCommand(profileCommand());
  group.addCommand(resultCommand());

  const compare = action(
    group
      .command('compare')
      .description('show results side by side, with changes against the first')
      .argument('<results...>', 'results by id, id prefix or name, or result files'),
    () => import('./compare.js'),
  );
  outputs(compare, ['table', 'json', 'yaml']);
  examples(compare, [
    'meshdeck perf compare no-mesh istio linkerd',
    'meshdeck perf compare 3f2a9c1e baseline.json',
  ]);

  const report = action(
    group
      .command('report')
      .description('write results as a self-contained HTML page with charts, or as Markdown for CI')
      .argument('<results...>', 'results by id, id prefix or name, or result files')
      .addOption(new Option('--out <file>', 'write the report to this file instead of stdout'))
      .addOption(new Option('--title <text>', 'the report heading')),
    () => import('./report.js'),
  );
  outputs(report, ['html', 'md']);
  examples(report, [
    'meshdeck perf report baseline canary --out report.html',
    'meshdeck perf report canary -o md >> "$GITHUB_STEP_SUMMARY"',
  ]);

  const gate = action(
    addGateFlag(
      group
        .command('gate')
        .description('check a result against gates or a baseline; exit 3 when one fails')
        .argument('<result>', 'result by id, id prefix or name, or a result file')
        .addOption(new Option('--baseline <result>', 'result to compare with'))
        .addOption(
          new Option(
            '--max-regression <percent>',
            'how much worse than the baseline is allowed (default 10%)',
          ),
        )
        .addOption(
          new Option('--metric <list>', 'metrics compared with the baseline (default p50,p90,p99,rps)'),
        ),
    ),
    () => import('./gate.js'),
  );
  outputs(gate, ['table', 'json', 'yaml', 'junit']);
  examples(gate, [
    'meshdeck perf gate canary --baseline stable --max-regression 10%',
    "meshdeck perf gate result.json --assert 'p99<=20ms' --assert 'rps>=950'",
  ]);

  const serve = action(
    group
      .command('serve')
      .description(
        'run the echo target: ?delay=5ms, ?status=503:10 (exactly 10%), ?size=1k, ?close=1, ?chunked=1',
      )
      .addOption(new Option('--port <port>', 'port to listen on; 0 picks a free one').default('8080'))
      .addOption(
        new Option('--host <address>', 'address to listen on (0.0.0.0 for every interface)').default(
          '127.0.0.1',
        ),
      ),
    () => import('./serve.js'),
  );
  examples(serve, [
    'meshdeck perf serve --port 8080',
    'meshdeck perf serve --port 0 --host 127.0.0.1   # prints the URL',
  ]);

  return group;
}

function profileCommand(): CommandUnknownOpts {
  const group = new Command('profile').description(
    'saved test settings: create, list, view, delete, SMP import/export',
  );
  examples(group, ['meshdeck perf profile list']);

  const create = action(
    addGateFlag(
      addLoadFlags(
        group
          .command('create')
          .description('save test settings under a name (from flags, or imported from an SMP file with -f)')
          .argument('[name]', 'profile name (default: the name in the SMP file)')
          .addOption(new Option('--url <url>', 'URL to load'))
          .addOption(new Option('-f, --file <path>', 'import an SMP test configuration (YAML or JSON)'))
          .addOption(new Option('--description <text>', 'what the profile is for'))
          .addOption(new Option('--mesh <name>', 'the mesh under test (istio, linkerd, ...)'))
          .addOption(
            new Option('--label <key=value>', 'label the profile (repeatable)').argParser(
              (v, p: string[] | undefined) => [...(p ?? []), v],
            ),
          ),
      ),
    ),
    () => import('./profile-create.js'),
  );
  examples(create, [
    "meshdeck perf profile create checkout --url http://checkout:8080/ --rate 500 -d 1m --assert 'p99<=50ms'",
    'meshdeck perf profile create -f smp-test.yaml',
  ]);

  const list = action(
    group.command('list').alias('ls').description('list profiles'),
    () => import('./profile-list.js'),
  );
  outputs(list, DATA_FORMATS);
  examples(list, ['meshdeck perf profile list', 'meshdeck perf profile list -o json']);

  const view = action(
    group
      .command('view')
      .description('show a profile; -o smp exports it as an SMP test configuration')
      .argument('<profile>', 'name or id'),
    () => import('./profile-view.js'),
  );
  outputs(view, ['yaml', 'json', 'table', 'wide', 'smp']);
  examples(view, [
    'meshdeck perf profile view checkout',
    'meshdeck perf profile view checkout -o smp > smp-test.yaml',
  ]);

  const del = action(
    group
      .command('delete')
      .alias('rm')
      .description('delete a profile (its results are kept)')
      .argument('<profile>', 'name or id'),
    () => import('./profile-delete.js'),
  );
  examples(del, ['meshdeck perf profile delete checkout']);
  return group;
}

function resultCommand(): CommandUnknownOpts {
  const group = new Command('result').description('results kept from earlier runs');
  examples(group, ['meshdeck perf result list']);

  const list = action(
    group
      .command('list')
      .alias('ls')
      .description('list results, newest first')
      .addOption(new Option('--profile <profile>', 'only results of this profile (name or id)'))
      .addOption(new Option('--limit <n>', 'show at most this many').default('50')),
    () => import('./result-list.js'),
  );
  outputs(list, DATA_FORMATS);
  examples(list, ['meshdeck perf result list', 'meshdeck perf result list --profile checkout -o wide']);

  const view = action(
    group
      .command('view')
      .description('show a result: summary, distribution, or json/yaml/smp')
      .argument('<result>', 'id, id prefix, name, or a result file'),
    () => import('./result-view.js'),
  );
  outputs(view, RESULT_FORMATS);
  examples(view, ['meshdeck perf result view 3f2a9c1e', 'meshdeck perf result view 3f2a9c1e -o smp']);
  return group;
}
