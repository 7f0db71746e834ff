// The in-cluster flags of `perf run`, `perf apply` and `perf matrix`: run the load from a Job of
// generator pods in the cluster instead of from this machine. This module adds the flags (it is loaded
// with the command tree, so it imports only commander); ./perf-cluster-parse.ts checks them.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const PULL_POLICIES = ['IfNotPresent', 'Always', 'Never'];

export interface InClusterFlags {
  inCluster?: boolean;
  replicas?: string;
  nodeSelector?: string[];
  keep?: boolean;
  generatorImage?: string;
  imagePullPolicy?: string;
}

export function addInClusterFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
  always = false,
) {
  const c = always
    ? cmd
    : cmd.addOption(
        new Option('--in-cluster', 'generate the load from pods in the cluster (-n: their namespace)'),
      );
  return c
    .addOption(new Option('--replicas <n>', 'generator pods; the rate is split between them (default 1)'))
    .addOption(
      new Option(
        '--node-selector <key=value>',
        'run the generator pods on nodes with this label (repeatable)',
      ).argParser(collect),
    )
    .addOption(new Option('--keep', 'keep the generator Job and its pods after the run'))
    .addOption(
      new Option(
        '--generator-image <image>',
        'image of the generator pods (default ghcr.io/meshdeck/meshdeck:<this version>)',
      ),
    )
    .addOption(
      new Option('--image-pull-policy <policy>', `${PULL_POLICIES.join(', ')} (default IfNotPresent)`),
    );
}
