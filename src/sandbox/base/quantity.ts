// Kubernetes resource quantities ("500m", "128Mi", "1.5", "2e3"): parsed to numbers of the base unit,
// which is exact enough for the sandbox's comparisons (requests against allocatable, quotas, CEL).
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY =
  /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][+-]?[0-9]+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/;

/** The value of a quantity, or undefined when the text is not one. Numbers are taken as they are. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return Number(`${m[1]}${m[2]}`);
  return n * SUFFIX[m[3] ?? ''];
}

/** Sums quantities per resource name (requests of containers, usage of a quota). */
export function addQuantities(
  into: Record<string, number>,
  from: Record<string, unknown> | undefined,
): Record<string, number> {
  for (const [k, v] of Object.entries(from ?? {})) {
    const n = parseQuantity(v);
    if (n !== undefined) into[k] = (into[k] ?? 0) + n;
  }
  return into;
}

/** A quantity as kubectl and the apiserver print it: cpu in millicores, bytes in the largest binary unit. */
export function formatQuantity(resource: string, value: number): string {
  if (resource === 'cpu' || resource.endsWith('.cpu')) {
    const milli = Math.round(value * 1000);
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
  }
  if (!Number.isInteger(value)) return String(value);
  for (const [suffix, size] of [
    ['Ei', 2 ** 60],
    ['Pi', 2 ** 50],
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const)
    if (value !== 0 && value % size === 0) return `${value / size}${suffix}`;
  return String(value);
}

type Containers = Array<Record<string, unknown>>;

function containersOf(pod: object, key: 'containers' | 'initContainers'): Containers {
  const spec = (pod as { spec?: Record<string, unknown> }).spec;
  const list = spec?.[key];
  return Array.isArray(list) ? (list.filter((c) => c && typeof c === 'object') as Containers) : [];
}

function resourcesOf(c: Record<string, unknown>, kind: 'requests' | 'limits'): Record<string, unknown> {
  const r = c.resources as Record<string, Record<string, unknown> | undefined> | undefined;
  return r?.[kind] ?? {};
}

/**
 * A pod's effective requests (or limits), as the scheduler and quota count them: the sum over its
 * containers, or the largest init container's when that is larger, plus the pod overhead.
 */
export function podResources(pod: object, kind: 'requests' | 'limits'): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of containersOf(pod, 'containers')) addQuantities(sum, resourcesOf(c, kind));
  for (const c of containersOf(pod, 'initContainers'))
    for (const [k, v] of Object.entries(addQuantities({}, resourcesOf(c, kind))))
      if (v > (sum[k] ?? 0)) sum[k] = v;
  const overhead = (pod as { spec?: Record<string, unknown> }).spec?.overhead;
  if (overhead && typeof overhead === 'object') addQuantities(sum, overhead as Record<string, unknown>);
  return sum;
}

/** Every container of a pod (init containers included), for defaulting and checks per container. */
export function allContainers(pod: object): Containers {
  return [...containersOf(pod, 'initContainers'), ...containersOf(pod, 'containers')];
}
