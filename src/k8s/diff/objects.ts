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

/**
 * The value with its mapping keys in the reference's order (keys the reference lacks after them, as they
 * were): the server may keep fields in another order than the dry run returns them, and a line diff must
 * show changed values, not moved keys.
 */
export function alignKeys(reference: unknown, value: unknown): unknown {
  if (Array.isArray(value)) {
    const ref = Array.isArray(reference) ? reference : [];
    return value.map((item, i) => alignKeys(ref[i], item));
  }
  if (!isJson(value)) return value;
  const ref = isJson(reference) ? reference : {};
  const out: Json = {};
  for (const key of Object.keys(ref)) if (key in value) out[key] = alignKeys(ref[key], value[key]);
  for (const key of Object.keys(value)) if (!(key in out)) out[key] = alignKeys(undefined, value[key]);
  return out;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The unified diff of one object ("" when it would not change). */
export function objectDiff(
  name: string,
  live: LiveObject | undefined,
  desired: LiveObject | undefined,
  options: UnifiedOptions = {},
): string {
  const before = comparable(live);
  const after = before ? (alignKeys(before, comparable(desired)) as Json | undefined) : comparable(desired);
  maskSecrets(before, after);
  return unifiedDiff(
    `live    ${name}`,
    `design  ${name}`,
    before ? toYaml(before) : '',
    after ? toYaml(after) : '',
    options,
  );
}
