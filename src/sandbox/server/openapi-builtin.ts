// The schemas of built-in kinds from Kubernetes 1.32's own OpenAPI definitions (the swagger fixture,
// loaded on the first OpenAPI request), so `kubectl explain` describes every field as on a real
// cluster: a kind's definition plus every definition it references, for v2 ("#/definitions/...") and
// v3 ("#/components/schemas/...").
import { swagger132 } from '../base/kube-fixtures.js';
import type { ResourceType } from '../base/types.js';

type Defs = Record<string, Record<string, unknown>>;

let byGvk: Map<string, string> | undefined;
function definitionOf(rt: ResourceType): string | undefined {
  if (!byGvk) {
    byGvk = new Map();
    for (const [name, def] of Object.entries(swagger132().definitions)) {
      for (const g of (def['x-kubernetes-group-version-kind'] ?? []) as Array<Record<string, string>>)
        if (!byGvk.has(`${g.group}/${g.version}/${g.kind}`) || name.startsWith('io.k8s.api.'))
          byGvk.set(`${g.group}/${g.version}/${g.kind}`, name);
    }
  }
  return byGvk.get(`${rt.group}/${rt.version}/${rt.kind}`);
}

function collectRefs(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collectRefs(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.add(v.replace('#/definitions/', ''));
      else collectRefs(v, out);
    }
}

/** The definition name of a built-in kind and the definitions it needs (itself included); else undefined. */
export function builtinSchemas(
  rt: ResourceType,
  v3: boolean,
): { name: string; definitions: Defs } | undefined {
  if (rt.crd) return undefined;
  const name = definitionOf(rt);
  if (!name) return undefined;
  const all = swagger132().definitions;
  const seen = new Set<string>();
  const queue = [name];
  while (queue.length) {
    const n = queue.pop()!;
    if (seen.has(n) || !all[n]) continue;
    seen.add(n);
    const refs = new Set<string>();
    collectRefs(all[n], refs);
    queue.push(...refs);
  }
  const definitions: Defs = {};
  for (const n of seen) {
    const def = all[n];
    definitions[n] = v3
      ? (JSON.parse(JSON.stringify(def).replaceAll('"#/definitions/', '"#/components/schemas/')) as Record<
          string,
          unknown
        >)
      : def;
  }
  return { name, definitions };
}
