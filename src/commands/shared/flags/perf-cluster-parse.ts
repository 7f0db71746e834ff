// The in-cluster flags (./perf-cluster.ts adds them) turned into checked options; loaded with the actions.
import { UsageError } from '../../../core/errors.js';
import { VERSION } from '../../../core/version.js';
import type { InClusterFlags } from './perf-cluster.js';

export const PULL_POLICIES = ['IfNotPresent', 'Always', 'Never'] as const;
/** meshdeck's image of this version: what the generator pods run unless --generator-image says. */
export const DEFAULT_GENERATOR_IMAGE = `ghcr.io/meshdeck/meshdeck:${VERSION}`;

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
