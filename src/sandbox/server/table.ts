// meta.k8s.io Table output (kubectl get) and PartialObjectMetadata, for lists, single objects and watch
// events.
import { DEFAULT_PRINTER } from '../resources/printers.js';
import type { K8sObject, Printer, ResourceType } from '../base/types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialMetadata(obj: K8sObject, version: string): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

function printerOf(rt: ResourceType): Printer {
  return rt.printer ?? DEFAULT_PRINTER;
}

export function tableOf(
  rt: ResourceType,
  objects: readonly K8sObject[],
  listMeta: Record<string, unknown>,
  version: string,
  include: IncludeObject,
  now = Date.now(),
): Record<string, unknown> {
  const printer = printerOf(rt);
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: listMeta,
    columnDefinitions: printer.columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: printer.cells(o, now),
      object: include === 'None' ? undefined : include === 'Object' ? o : partialMetadata(o, version),
    })),
  };
}

export function includeObjectParam(v: string | null): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
