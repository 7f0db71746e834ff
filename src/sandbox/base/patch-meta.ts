// How lists merge, per field: the patchMergeKey/patchStrategy tags of the Kubernetes Go types (for
// strategic merge patch) and the listType/listMapKeys markers (for server-side apply), for the paths
// clients actually patch. Anything not described here is a plain map or an atomic (replaced) list.

export interface PatchMeta {
  /** Named fields of an object. */
  fields?: Record<string, PatchMeta>;
  /** List elements, or the values of a map with arbitrary keys. */
  items?: PatchMeta;
  /** 'map': a list of objects identified by keys; 'set': a list of scalars merged as a set. */
  listType?: 'map' | 'set';
  /** Keys that identify an element of a 'map' list; the first is strategic merge's patchMergeKey. */
  keys?: string[];
  /** patchStrategy retainKeys: a patch drops the fields it does not mention (union types). */
  retainKeys?: boolean;
  /** Defaults of key fields (a port's protocol): an applied element without them names the same element. */
  keyDefaults?: Record<string, unknown>;
}

const mapList = (
  keys: string[],
  items: PatchMeta = {},
  keyDefaults?: Record<string, unknown>,
): PatchMeta => ({ listType: 'map', keys, items, ...(keyDefaults ? { keyDefaults } : {}) });
const TCP = { protocol: 'TCP' };
const set: PatchMeta = { listType: 'set' };

const conditions = mapList(['type']);

const container: PatchMeta = {
  fields: {
    env: mapList(['name']),
    ports: mapList(['containerPort', 'protocol'], {}, TCP),
    volumeMounts: mapList(['mountPath']),
    volumeDevices: mapList(['devicePath']),
    resizePolicy: mapList(['resourceName']),
  },
};

export const podSpecMeta: PatchMeta = {
  fields: {
    containers: mapList(['name'], container),
    initContainers: mapList(['name'], container),
    ephemeralContainers: mapList(['name'], container),
    volumes: { ...mapList(['name']), items: { retainKeys: true } },
    imagePullSecrets: mapList(['name']),
    hostAliases: mapList(['ip']),
    topologySpreadConstraints: mapList(['topologyKey', 'whenUnsatisfiable']),
    resourceClaims: mapList(['name']),
    schedulingGates: mapList(['name']),
  },
};

export const objectMetaMeta: PatchMeta = {
  fields: {
    finalizers: set,
    ownerReferences: mapList(['uid']),
  },
};

const podTemplate: PatchMeta = { fields: { metadata: objectMetaMeta, spec: podSpecMeta } };

/** Wraps a kind's meta with the fields every object has. */
export function objectMeta(fields: Record<string, PatchMeta> = {}): PatchMeta {
  return { fields: { metadata: objectMetaMeta, ...fields } };
}

export const PATCH_META: Record<string, PatchMeta> = {
  Pod: objectMeta({
    spec: podSpecMeta,
    status: {
      fields: {
        conditions,
        podIPs: mapList(['ip']),
        hostIPs: mapList(['ip']),
      },
    },
  }),
  PodTemplate: objectMeta({ template: podTemplate }),
  Deployment: objectMeta({
    spec: { fields: { template: podTemplate, strategy: { retainKeys: true } } },
    status: { fields: { conditions } },
  }),
  ReplicaSet: objectMeta({ spec: { fields: { template: podTemplate } }, status: { fields: { conditions } } }),
  ReplicationController: objectMeta({
    spec: { fields: { template: podTemplate } },
    status: { fields: { conditions } },
  }),
  StatefulSet: objectMeta({
    spec: { fields: { template: podTemplate } },
    status: { fields: { conditions } },
  }),
  DaemonSet: objectMeta({
    spec: { fields: { template: podTemplate, updateStrategy: { retainKeys: true } } },
    status: { fields: { conditions } },
  }),
  Job: objectMeta({ spec: { fields: { template: podTemplate } }, status: { fields: { conditions } } }),
  CronJob: objectMeta({
    spec: { fields: { jobTemplate: { fields: { spec: { fields: { template: podTemplate } } } } } },
  }),
  Service: objectMeta({
    spec: { fields: { ports: mapList(['port', 'protocol'], {}, TCP) } },
    status: { fields: { conditions } },
  }),
  Node: objectMeta({
    spec: { fields: { podCIDRs: set } },
    status: { fields: { conditions, addresses: mapList(['type']) } },
  }),
  Namespace: objectMeta({ status: { fields: { conditions } } }),
  PersistentVolumeClaim: objectMeta({ status: { fields: { conditions } } }),
  CustomResourceDefinition: objectMeta({ status: { fields: { conditions } } }),
  HorizontalPodAutoscaler: objectMeta({ status: { fields: { conditions } } }),
  PodDisruptionBudget: objectMeta({ status: { fields: { conditions } } }),
};

/** The meta of a field of an object (a named field, or a value of a map with arbitrary keys). */
export function child(meta: PatchMeta | undefined, key: string): PatchMeta | undefined {
  if (!meta) return undefined;
  return meta.fields ? meta.fields[key] : meta.items;
}

/** Fills defaulted key fields of list-map elements in place (see keyDefaults). */
export function fillKeyDefaults(value: unknown, meta: PatchMeta | undefined): void {
  if (!meta || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (meta.keyDefaults && item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const obj = item as Record<string, unknown>;
        for (const [k, v] of Object.entries(meta.keyDefaults)) if (obj[k] === undefined) obj[k] = v;
      }
      fillKeyDefaults(item, meta.items);
    }
    return;
  }
  for (const [k, v] of Object.entries(value)) fillKeyDefaults(v, child(meta, k));
}
