// What `design diff` compares: the live object and what it would become (the server's dry run of the
// design's apply), without the fields the server owns (status, resourceVersion, managedFields ...), and
// with Secret values masked: a diff says that a secret changed, never what it holds.
import { toYaml } from '../../core/output/yaml-text.js';
import type { LiveObject } from '../client.js';
import { unifiedDiff, type UnifiedOptions } from './lines.js';

const SERVER_OWNED_METADATA = [
  'managedFields',
  'resourceVersion',
  'generation',
  'uid',
  'creationTimestamp',
  'selfLink',
];

type Json = Record<string, unknown>;

export function comparable(object: LiveObject | undefined): Json | undefined {
  if (!object) return undefined;
  // apiVersion, kind and metadata first, as people write them, whatever order the server keeps.
  const { apiVersion, kind, metadata: meta, ...rest } = structuredClone(object) as Json;
  const copy: Json = { apiVersion, kind, metadata: meta, ...rest };
  delete copy.status;
  const metadata = copy.metadata as Json | undefined;
  if (metadata) {
    for (const key of SERVER_OWNED_METADATA) delete metadata[key];
    const annotations = metadata.annotations as Json | undefined;
    if (annotations && Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  return copy;
}

/** Replaces Secret values with *** (marking changed ones), in both versions alike. */
export function maskSecrets(live: Json | undefined, desired: Json | undefined): void {
  const isSecret = (o: Json | undefined) =>
    o?.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);
  if (!isSecret(live) && !isSecret(desired)) return;
  for (const field of ['data', 'stringData']) {
    const before = (live?.[field] ?? {}) as Json;
    const after = (desired?.[field] ?? {}) as Json;
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const changed = key in before && key in after && before[key] !== after[key];
      if (key in before) before[key] = changed ? '*** (before)' : '***';
      if (key in after) after[key] = changed ? '*** (after)' : '***';
    }
  }
}

/** The unified diff of one object ("" when it would not change). */
export function objectDiff(
  name: string,
  live: LiveObject | undefined,
  desired: LiveObject | undefined,
  options: UnifiedOptions = {},
): string {
  const before = comparable(live);
  const after = comparable(desired);
  maskSecrets(before, after);
  return unifiedDiff(
    `live    ${name}`,
    `design  ${name}`,
    before ? toYaml(before) : '',
    after ? toYaml(after) : '',
    options,
  );
}
