// The order objects go to the cluster: Namespaces and CustomResourceDefinitions first (the rest may live
// in them or be of their kinds), then everything else in parallel. Deletion runs the same order backwards.
import type { KubeObject } from '../../design/model.js';

export type Wave = 'foundation' | 'rest';

export function isNamespace(object: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return object.apiVersion === 'v1' && object.kind === 'Namespace';
}

export function isCrd(object: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return object.kind === 'CustomResourceDefinition' && object.apiVersion.startsWith('apiextensions.k8s.io/');
}

export function waveOf(object: Pick<KubeObject, 'apiVersion' | 'kind'>): Wave {
  return isNamespace(object) || isCrd(object) ? 'foundation' : 'rest';
}

/** Splits items into the foundation wave and the rest, each in its original order. */
export function waves<T>(
  items: readonly T[],
  objectOf: (item: T) => Pick<KubeObject, 'apiVersion' | 'kind'>,
): { foundation: T[]; rest: T[] } {
  const foundation: T[] = [];
  const rest: T[] = [];
  for (const item of items) (waveOf(objectOf(item)) === 'foundation' ? foundation : rest).push(item);
  return { foundation, rest };
}

/** Deletion order: the rest, then CRDs (their custom resources go with them), then Namespaces last. */
export function deletionStages<T>(
  items: readonly T[],
  objectOf: (item: T) => Pick<KubeObject, 'apiVersion' | 'kind'>,
): T[][] {
  const rest = items.filter((i) => waveOf(objectOf(i)) === 'rest');
  const crds = items.filter((i) => isCrd(objectOf(i)));
  const namespaces = items.filter((i) => isNamespace(objectOf(i)));
  return [rest, crds, namespaces].filter((stage) => stage.length > 0);
}
