// Content negotiation: which representation the client asked for (plain JSON, a Table, partial object
// metadata, aggregated discovery), decided from Accept the way client-go expects.

export interface MediaType {
  type: string;
  params: Record<string, string>;
  q: number;
}

export function parseAccept(header: string | undefined): MediaType[] {
  if (!header) return [{ type: '*/*', params: {}, q: 1 }];
  const out: MediaType[] = [];
  for (const part of header.split(',')) {
    const [type, ...rest] = part.split(';').map((s) => s.trim());
    if (!type) continue;
    const params: Record<string, string> = {};
    for (const p of rest) {
      const i = p.indexOf('=');
      if (i > 0)
        params[p.slice(0, i).trim().toLowerCase()] = p
          .slice(i + 1)
          .trim()
          .replace(/^"|"$/g, '');
    }
    const q = params.q !== undefined ? Number(params.q) : 1;
    out.push({ type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 });
  }
  // Stable sort by quality: among equals the client's order stands.
  return out
    .map((m, i) => ({ m, i }))
    .sort((a, b) => b.m.q - a.m.q || a.i - b.i)
    .map(({ m }) => m);
}

function isJson(type: string): boolean {
  return type === 'application/json' || type === '*/*' || type === 'application/*';
}

export type Representation =
  | { kind: 'object' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'metadata'; version: 'v1' | 'v1beta1' };

/** For resource GET/list/watch. Undefined: nothing acceptable (406). */
export function chooseRepresentation(header: string | undefined): Representation | undefined {
  for (const m of parseAccept(header)) {
    if (m.q <= 0) continue;
    const as = m.params.as;
    if (as && isJson(m.type) && m.params.g === 'meta.k8s.io') {
      const version = m.params.v === 'v1beta1' ? 'v1beta1' : m.params.v === 'v1' ? 'v1' : undefined;
      if (!version) continue;
      if (as === 'Table') return { kind: 'table', version };
      if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList')
        return { kind: 'metadata', version };
      continue;
    }
    if (!as && isJson(m.type)) return { kind: 'object' };
  }
  return undefined;
}

/** For /api and /apis: aggregated discovery v2 (or v2beta1), else undefined (legacy JSON). */
export function aggregatedDiscovery(header: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const m of parseAccept(header)) {
    if (m.q <= 0) continue;
    if (m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io' && isJson(m.type)) {
      if (m.params.v === 'v2' || m.params.v === 'v2beta1') return m.params.v;
      continue;
    }
    if (!m.params.as && isJson(m.type)) return undefined;
  }
  return undefined;
}

/** The media type of a request body, lower-cased, without parameters. */
export function contentType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}
