// `meshdeck mesh`: install, upgrade (in place, or a canary that rolls itself back), roll back, remove and
// inject service meshes through the built-in adapters, each rendered by the mesh's official installer.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { action, examples, outputs } from '../shared/command.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

const installerOption = () =>
  new Option('--installer <path>', "the mesh's installer (istioctl, linkerd, kumactl, helm) to render with");
const setOption = () =>
  new Option(
    '--set <path=value>',
    'a value for the installer (repeatable), e.g. values.pilot.replicaCount=2',
  ).argParser(collect);
const timeoutOption = (what: string, value = '5m') => new Option('--timeout <duration>', what).default(value);

export function meshCommand(): CommandUnknownOpts {
  const group = new Command('mesh').description(
    'service meshes: deploy, status, upgrade (canary with automatic rollback), rollback, remove, history, inject',
  );
  examples(group, [
    'meshdeck mesh deploy istio --wait',
    'meshdeck mesh upgrade istio --version 1.30.3 --canary --steps 3',
    'meshdeck mesh inject shop --mesh istio --restart',
  ]);

  const list = action(
    group.command('list').description('the built-in meshes and the versions each can install'),
    () => import('./list.js'),
  );
  outputs(list, DATA_FORMATS);
  examples(list, ['meshdeck mesh list', 'meshdeck mesh list -o json']);

  const deploy = action(
    group
      .command('deploy')
      .description("install a mesh's control plane, rendered by its official installer")
      .argument('<mesh>', 'istio, linkerd, kuma, consul or cilium')
      .addOption(new Option('--version <version>', 'the mesh version (default: the newest supported)'))
      .addOption(new Option('--revision <name>', 'Istio: install as this revision (istio.io/rev)'))
      .addOption(setOption())
      .addOption(installerOption())
      .addOption(
        new Option('--dry-run <mode>', 'server: have the cluster check everything and change nothing')
          .choices(['none', 'server'] as const)
          .default('none' as const),
      )
      .addOption(new Option('--wait', 'wait until the control plane is ready').default(false))
      .addOption(timeoutOption('limit for --wait (and for CRDs to be established)')),
    () => import('./deploy.js'),
  );
  outputs(deploy, DATA_FORMATS);
  examples(deploy, [
    'meshdeck mesh deploy istio --wait',
    'meshdeck mesh deploy linkerd --version edge-26.6.3 --dry-run=server',
    'meshdeck mesh deploy istio --revision canary --installer ./istioctl',
  ]);

  const status = action(
    group
      .command('status')
      .description(
        'control planes (readiness, versions, revisions, webhooks), data plane per namespace, conflicts',
      )
      .argument('[mesh]', 'one mesh (default: every built-in mesh)'),
    () => import('./status.js'),
  );
  outputs(status, DATA_FORMATS);
  examples(status, [
    'meshdeck mesh status',
    'meshdeck mesh status istio -o wide',
    'meshdeck mesh status -o json',
  ]);

  const upgrade = action(
    group
      .command('upgrade')
      .description(
        'upgrade in place after the prechecks, or --canary: move namespaces step by step, health-gated, rolled back on failure',
      )
      .argument('<mesh>', 'istio, linkerd, kuma, consul or cilium')
      .requiredOption('--version <version>', 'the version to upgrade to')
      .addOption(
        new Option('--canary', 'a canary upgrade (Istio: a new revision beside the old one)').default(false),
      )
      .addOption(new Option('--steps <n>', 'how many steps the namespaces move in').default('1'))
      .addOption(
        new Option('--revision <name>', 'Istio: the new revision (default: from the version, e.g. 1-30-3)'),
      )
      .addOption(new Option('--gate <url>', 'after each step, load-test this URL and check --assert gates'))
      .addOption(
        new Option('--assert <gate>', "a perf gate, e.g. 'p99<=50ms' (repeatable)").argParser(collect),
      )
      .addOption(new Option('--gate-duration <duration>', 'how long each gate run lasts').default('3s'))
      .addOption(new Option('--pause <duration>', 'wait after each successful step').default('0s'))
      .addOption(setOption())
      .addOption(installerOption())
      .addOption(timeoutOption('limit for each wait (control plane ready, each step rolled out)')),
    () => import('./upgrade.js'),
  );
  outputs(upgrade, DATA_FORMATS);
  examples(upgrade, [
    'meshdeck mesh upgrade istio --version 1.30.3',
    "meshdeck mesh upgrade istio --version 1.30.3 --canary --steps 4 --gate http://shop.example/ --assert 'p99<=50ms'",
    'meshdeck mesh upgrade linkerd --version edge-26.8.3 --canary --steps 2 -o json',
  ]);

  const rollback = action(
    group
      .command('rollback')
      .description('back to the version the last upgrade replaced (health-gated like an upgrade)')
      .argument('<mesh>', 'istio, linkerd, kuma, consul or cilium')
      .addOption(installerOption())
      .addOption(timeoutOption('limit for each wait')),
    () => import('./rollback.js'),
  );
  outputs(rollback, DATA_FORMATS);
  examples(rollback, ['meshdeck mesh rollback istio']);

  const remove = action(
    group
      .command('remove')
      .description('remove what meshdeck installed for a mesh (refused while workloads are in it)')
      .argument('<mesh>', 'istio, linkerd, kuma, consul or cilium')
      .addOption(new Option('--force', 'remove even while workloads are injected').default(false))
      .addOption(
        new Option(
          '--purge-crds',
          "also delete the mesh's CRDs (and every resource of their kinds), last",
        ).default(false),
      )
      .addOption(timeoutOption('limit for waiting until everything is gone')),
    () => import('./remove.js'),
  );
  outputs(remove, DATA_FORMATS);
  examples(remove, ['meshdeck mesh remove istio', 'meshdeck mesh remove linkerd --force --purge-crds']);

  const history = action(
    group
      .command('history')
      .description(
        'what was deployed, upgraded, rolled back and removed, newest first (install records kept by the provider)',
      )
      .argument('[mesh]', 'one mesh (default: every mesh)'),
    () => import('./history.js'),
  );
  outputs(history, DATA_FORMATS);
  examples(history, ['meshdeck mesh history', 'meshdeck mesh history istio -o json']);

  const inject = action(
    group
      .command('inject')
      .description("put a namespace's workloads in a mesh (or take them out with --disable)")
      .argument('<namespace>', 'the namespace')
      .requiredOption('--mesh <mesh>', 'istio, linkerd, kuma, consul or cilium')
      .addOption(new Option('--revision <name>', 'Istio: the revision (default: the installed one)'))
      .addOption(new Option('--disable', 'turn injection off').default(false))
      .addOption(
        new Option('--restart', 'restart the workloads so their pods are replaced now').default(false),
      )
      .addOption(timeoutOption('limit for the restart')),
    () => import('./inject.js'),
  );
  outputs(inject, DATA_FORMATS);
  examples(inject, [
    'meshdeck mesh inject shop --mesh istio --restart',
    'meshdeck mesh inject shop --mesh linkerd --disable --restart',
  ]);

  // Hidden: what a simulated control-plane pod of the sandbox runs (docs/meshes.md, "On the sandbox").
  const simulateInjector = action(
    group
      .command('simulate-injector', { hidden: true })
      .description("serve a mesh's sidecar injector webhook in a simulated control-plane pod")
      .requiredOption('--mesh <mesh>', 'istio, linkerd, kuma or consul')
      .requiredOption('--version <version>', 'the control plane version')
      .requiredOption('--revision <name>', 'the revision ("default" for none)')
      .requiredOption('--control-plane-namespace <namespace>', "the control plane's namespace")
      .requiredOption('--proxy-image <image>', 'the sidecar image')
      .addOption(new Option('--init-image <image>', 'the init container image'))
      .requiredOption('--webhook-port <port>', 'the HTTPS port of the webhooks')
      .addOption(
        new Option('--port <port>', 'another container port to answer on (repeatable)').argParser(collect),
      )
      .addOption(new Option('--host <address>', 'address to listen on').default('127.0.0.1')),
    () => import('./simulate-injector.js'),
  );
  examples(simulateInjector, [
    'meshdeck mesh simulate-injector --mesh istio --version 1.30.3 --revision default --control-plane-namespace istio-system --proxy-image docker.io/istio/proxyv2:1.30.3 --webhook-port 15017',
  ]);
  return group;
}
