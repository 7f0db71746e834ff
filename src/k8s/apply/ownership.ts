// How meshdeck marks what a design owns: a label (selectable, for prune and delete) and annotations
// (which version of the design applied it). Only objects carrying the label are ever pruned or deleted.
import type { DesignMeta, KubeObject } from '../../design/model.js';

export const DESIGN_LABEL = 'meshdeck.io/design';
export const VERSION_ANNOTATION = 'meshdeck.io/design-version';
export const ID_ANNOTATION = 'meshdeck.io/design-id';

/** A copy of the object with the design's ownership marks. */
export function withOwnership(object: KubeObject, meta: DesignMeta): KubeObject {
  const annotations: Record<string, string> = {
    ...(object.metadata.annotations ?? {}),
    [VERSION_ANNOTATION]: meta.version,
  };
  if (meta.id) annotations[ID_ANNOTATION] = meta.id;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...(object.metadata.labels ?? {}), [DESIGN_LABEL]: meta.name },
      annotations,
    },
  };
}

/**
 * The design that owns a live object, if any: the label and meshdeck's version annotation together.
 * The label alone is not enough: controllers copy a Service's labels onto the Endpoints they make (and
 * others copy labels too), and those copies are not the design's to prune or delete.
 */
export function ownerOf(object: {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}): string | undefined {
  if (object.metadata?.annotations?.[VERSION_ANNOTATION] === undefined) return undefined;
  return object.metadata.labels?.[DESIGN_LABEL];
}

export function ownedBySelector(design: string): string {
  return `${DESIGN_LABEL}=${design}`;
}

/** Every object some design owns. */
export const ANY_DESIGN_SELECTOR = DESIGN_LABEL;
