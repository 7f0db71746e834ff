// The in-cluster flags of `perf run`, `perf apply` and `perf matrix`: run the load from a Job of
// generator pods in the cluster instead of from this machine. Adding them imports only commander; the
// parser below needs only core.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { UsageError } from '../../../core/errors.js';
import { VERSION } from '../../../core/version.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export const PULL_POLICIES = ['IfNotPresent', 'Always', 'Never'] as const;
/** meshdeck's image of this version: what the generator pods run unless --generator-image says. */
export const DEFAULT_GENERATOR_IMAGE = `ghcr.io/meshdeck/meshdeck:${VERSION}`;

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
        `image of the generator pods (default ${DEFAULT_GENERATOR_IMAGE})`,
      ),
    )
    .addOption(
      new Option('--image-pull-policy <policy>', `${PULL_POLICIES.join(', ')} (default IfNotPresent)`),
    );
}

export interface InClusterOptions {
  replicas: number;
  nodeSelector: Record<string, string>;
  keep: boolean;
  image: string;
  pullPolicy: string;
}

/** The in-cluster options, or undefined for a run from this machine; exit 2 on a bad or stray flag. */
export function parseInClusterFlags(f: InClusterFlags, always = false): InClusterOptions | undefined {
  if (!always && !f.inCluster) {
    const stray = (
      [
        ['--replicas', f.replicas],
        ['--node-selector', f.nodeSelector],
        ['--keep', f.keep],
        ['--generator-image', f.generatorImage],
        ['--image-pull-policy', f.imagePullPolicy],
      ] as const
    ).find(([, v]) => v !== undefined);
    if (stray) throw new UsageError(`${stray[0]} is for in-cluster runs`, { hint: 'add --in-cluster' });
    return undefined;
  }
  const replicas = f.replicas === undefined ? 1 : Number(f.replicas);
  if (!/^\d+$/.test(f.replicas ?? '1') || replicas < 1 || replicas > 100)
    throw new UsageError(`invalid --replicas "${f.replicas}": expected a whole number from 1 to 100`, {
      hint: 'e.g. --replicas 3',
    });
  const nodeSelector: Record<string, string> = {};
  for (const pair of f.nodeSelector ?? []) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq);
    if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key))
      throw new UsageError(`invalid --node-selector "${pair}": expected key=value`, {
        hint: 'e.g. --node-selector kubernetes.io/os=linux',
      });
    nodeSelector[key] = pair.slice(eq + 1);
  }
  const pullPolicy = f.imagePullPolicy ?? 'IfNotPresent';
  if (!(PULL_POLICIES as readonly string[]).includes(pullPolicy))
    throw new UsageError(`invalid --image-pull-policy "${pullPolicy}"`, {
      hint: `one of ${PULL_POLICIES.join(', ')}`,
    });
  const image = f.generatorImage ?? DEFAULT_GENERATOR_IMAGE;
  if (!image.trim() || /\s/.test(image))
    throw new UsageError(`invalid --generator-image "${image}"`, {
      hint: 'e.g. ghcr.io/meshdeck/meshdeck:0.1.0',
    });
  return { replicas, nodeSelector, keep: f.keep === true, image, pullPolicy };
}
