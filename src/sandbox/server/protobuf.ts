// Request bodies in Kubernetes protobuf (application/vnd.kubernetes.protobuf), which kubectl's typed
// clients send for `kubectl create <kind>` generators and `kubectl auth`. The envelope is "k8s\0" and a
// runtime.Unknown message; the object inside is decoded with descriptors of the fields those commands
// set (field numbers from the Kubernetes API's generated.proto). Unknown fields are skipped. Responses
// are always JSON, which those clients also accept.
import { text } from '../base/paths.js';
import { Errors } from '../base/status.js';

type Scalar = 'string' | 'int' | 'bool' | 'bytes' | 'time' | 'intstr' | 'quantity';
type FieldType = Scalar | Msg | { map: 'string' | 'bytes' | 'quantity' };
/** field number → [json name, type, repeated, keepZero] */
type Msg = { [num: number]: [string, FieldType, boolean?, boolean?] };

const LABEL_SELECTOR: Msg = {
  1: ['matchLabels', { map: 'string' }],
  2: [
    'matchExpressions',
    { 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', 'string', true] },
    true,
  ],
};
const OWNER_REFERENCE: Msg = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};
const OBJECT_META: Msg = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  11: ['labels', { map: 'string' }],
  12: ['annotations', { map: 'string' }],
  13: ['ownerReferences', OWNER_REFERENCE, true],
  14: ['finalizers', 'string', true],
};
const REF: Msg = { 1: ['name', 'string'] };
const KEY_SELECTOR: Msg = { 1: ['', REF], 2: ['key', 'string'], 3: ['optional', 'bool'] };
const CONTAINER: Msg = {
  1: ['name', 'string'],
  2: ['image', 'string'],
  3: ['command', 'string', true],
  4: ['args', 'string', true],
  5: ['workingDir', 'string'],
  6: [
    'ports',
    {
      1: ['name', 'string'],
      2: ['hostPort', 'int'],
      3: ['containerPort', 'int'],
      4: ['protocol', 'string'],
      5: ['hostIP', 'string'],
    },
    true,
  ],
  7: [
    'env',
    {
      1: ['name', 'string'],
      2: ['value', 'string'],
      3: [
        'valueFrom',
        {
          1: ['fieldRef', { 1: ['apiVersion', 'string'], 2: ['fieldPath', 'string'] }],
          3: ['configMapKeyRef', KEY_SELECTOR],
          4: ['secretKeyRef', KEY_SELECTOR],
        },
      ],
    },
    true,
  ],
  8: ['resources', { 1: ['limits', { map: 'quantity' }], 2: ['requests', { map: 'quantity' }] }],
  9: [
    'volumeMounts',
    { 1: ['name', 'string'], 2: ['readOnly', 'bool'], 3: ['mountPath', 'string'], 4: ['subPath', 'string'] },
    true,
  ],
  13: ['terminationMessagePath', 'string'],
  14: ['imagePullPolicy', 'string'],
  16: ['stdin', 'bool'],
  17: ['stdinOnce', 'bool'],
  18: ['tty', 'bool'],
  19: [
    'envFrom',
    { 1: ['prefix', 'string'], 2: ['configMapRef', { 1: ['', REF] }], 3: ['secretRef', { 1: ['', REF] }] },
    true,
  ],
  20: ['terminationMessagePolicy', 'string'],
};
const POD_SPEC: Msg = {
  2: ['containers', CONTAINER, true],
  3: ['restartPolicy', 'string'],
  4: ['terminationGracePeriodSeconds', 'int', false, true],
  5: ['activeDeadlineSeconds', 'int', false, true],
  6: ['dnsPolicy', 'string'],
  7: ['nodeSelector', { map: 'string' }],
  8: ['serviceAccountName', 'string'],
  10: ['nodeName', 'string'],
  11: ['hostNetwork', 'bool'],
  15: ['imagePullSecrets', REF, true],
  19: ['schedulerName', 'string'],
  20: ['initContainers', CONTAINER, true],
  22: [
    'tolerations',
    {
      1: ['key', 'string'],
      2: ['operator', 'string'],
      3: ['value', 'string'],
      4: ['effect', 'string'],
      5: ['tolerationSeconds', 'int'],
    },
    true,
  ],
  24: ['priorityClassName', 'string'],
};
const POD_TEMPLATE: Msg = { 1: ['metadata', OBJECT_META], 2: ['spec', POD_SPEC] };
const JOB_SPEC: Msg = {
  1: ['parallelism', 'int', false, true],
  2: ['completions', 'int', false, true],
  3: ['activeDeadlineSeconds', 'int', false, true],
  4: ['selector', LABEL_SELECTOR],
  5: ['manualSelector', 'bool'],
  6: ['template', POD_TEMPLATE],
  7: ['backoffLimit', 'int', false, true],
  8: ['ttlSecondsAfterFinished', 'int', false, true],
  9: ['completionMode', 'string'],
  10: ['suspend', 'bool'],
};
const POLICY_RULE: Msg = {
  1: ['verbs', 'string', true],
  2: ['apiGroups', 'string', true],
  3: ['resources', 'string', true],
  4: ['resourceNames', 'string', true],
  5: ['nonResourceURLs', 'string', true],
};
const SUBJECT: Msg = {
  1: ['kind', 'string'],
  2: ['apiGroup', 'string'],
  3: ['name', 'string'],
  4: ['namespace', 'string'],
};
const ROLE_REF: Msg = { 1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string'] };
const BINDING: Msg = {
  1: ['metadata', OBJECT_META],
  2: ['subjects', SUBJECT, true],
  3: ['roleRef', ROLE_REF],
};
const RESOURCE_ATTRIBUTES: Msg = {
  1: ['namespace', 'string'],
  2: ['verb', 'string'],
  3: ['group', 'string'],
  4: ['version', 'string'],
  5: ['resource', 'string'],
  6: ['subresource', 'string'],
  7: ['name', 'string'],
};
const NON_RESOURCE_ATTRIBUTES: Msg = { 1: ['path', 'string'], 2: ['verb', 'string'] };
const SAR_SPEC: Msg = {
  1: ['resourceAttributes', RESOURCE_ATTRIBUTES],
  2: ['nonResourceAttributes', NON_RESOURCE_ATTRIBUTES],
  3: ['user', 'string'],
  4: ['groups', 'string', true],
  6: ['uid', 'string'],
};

/** Descriptors by "group/version/Kind". */
const KINDS: Record<string, Msg> = {
  'v1/ConfigMap': {
    1: ['metadata', OBJECT_META],
    2: ['data', { map: 'string' }],
    3: ['binaryData', { map: 'bytes' }],
    4: ['immutable', 'bool'],
  },
  'v1/Secret': {
    1: ['metadata', OBJECT_META],
    2: ['data', { map: 'bytes' }],
    3: ['type', 'string'],
    4: ['stringData', { map: 'string' }],
    5: ['immutable', 'bool'],
  },
  'v1/Namespace': { 1: ['metadata', OBJECT_META], 2: ['spec', { 1: ['finalizers', 'string', true] }] },
  'v1/ServiceAccount': {
    1: ['metadata', OBJECT_META],
    3: ['imagePullSecrets', REF, true],
    4: ['automountServiceAccountToken', 'bool'],
  },
  'v1/ResourceQuota': {
    1: ['metadata', OBJECT_META],
    2: ['spec', { 1: ['hard', { map: 'quantity' }], 2: ['scopes', 'string', true] }],
  },
  'v1/Pod': { 1: ['metadata', OBJECT_META], 2: ['spec', POD_SPEC] },
  'v1/Service': {
    1: ['metadata', OBJECT_META],
    2: [
      'spec',
      {
        1: [
          'ports',
          {
            1: ['name', 'string'],
            2: ['protocol', 'string'],
            3: ['port', 'int'],
            4: ['targetPort', 'intstr'],
            5: ['nodePort', 'int'],
            6: ['appProtocol', 'string'],
          },
          true,
        ],
        2: ['selector', { map: 'string' }],
        3: ['clusterIP', 'string'],
        4: ['type', 'string'],
        5: ['externalIPs', 'string', true],
        10: ['externalName', 'string'],
      },
    ],
  },
  'apps/v1/Deployment': {
    1: ['metadata', OBJECT_META],
    2: [
      'spec',
      {
        1: ['replicas', 'int', false, true],
        2: ['selector', LABEL_SELECTOR],
        3: ['template', POD_TEMPLATE],
        4: [
          'strategy',
          {
            1: ['type', 'string'],
            2: ['rollingUpdate', { 1: ['maxUnavailable', 'intstr'], 2: ['maxSurge', 'intstr'] }],
          },
        ],
        5: ['minReadySeconds', 'int'],
        6: ['revisionHistoryLimit', 'int', false, true],
        7: ['paused', 'bool'],
        9: ['progressDeadlineSeconds', 'int', false, true],
      },
    ],
  },
  'batch/v1/Job': { 1: ['metadata', OBJECT_META], 2: ['spec', JOB_SPEC] },
  'batch/v1/CronJob': {
    1: ['metadata', OBJECT_META],
    2: [
      'spec',
      {
        1: ['schedule', 'string'],
        2: ['startingDeadlineSeconds', 'int', false, true],
        3: ['concurrencyPolicy', 'string'],
        4: ['suspend', 'bool'],
        5: ['jobTemplate', { 1: ['metadata', OBJECT_META], 2: ['spec', JOB_SPEC] }],
        6: ['successfulJobsHistoryLimit', 'int', false, true],
        7: ['failedJobsHistoryLimit', 'int', false, true],
        8: ['timeZone', 'string'],
      },
    ],
  },
  'rbac.authorization.k8s.io/v1/Role': { 1: ['metadata', OBJECT_META], 2: ['rules', POLICY_RULE, true] },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    1: ['metadata', OBJECT_META],
    2: ['rules', POLICY_RULE, true],
    3: ['aggregationRule', { 1: ['clusterRoleSelectors', LABEL_SELECTOR, true] }],
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': BINDING,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': BINDING,
  'policy/v1/PodDisruptionBudget': {
    1: ['metadata', OBJECT_META],
    2: [
      'spec',
      {
        1: ['minAvailable', 'intstr'],
        2: ['selector', LABEL_SELECTOR],
        3: ['maxUnavailable', 'intstr'],
        4: ['unhealthyPodEvictionPolicy', 'string'],
      },
    ],
  },
  'scheduling.k8s.io/v1/PriorityClass': {
    1: ['metadata', OBJECT_META],
    2: ['value', 'int', false, true],
    3: ['globalDefault', 'bool'],
    4: ['description', 'string'],
    5: ['preemptionPolicy', 'string'],
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: ['metadata', OBJECT_META],
    2: [
      'spec',
      {
        1: ['resourceAttributes', RESOURCE_ATTRIBUTES],
        2: ['nonResourceAttributes', NON_RESOURCE_ATTRIBUTES],
      },
    ],
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': {
    1: ['metadata', OBJECT_META],
    2: ['spec', { 1: ['namespace', 'string'] }],
  },
  'authorization.k8s.io/v1/SubjectAccessReview': { 1: ['metadata', OBJECT_META], 2: ['spec', SAR_SPEC] },
  'authorization.k8s.io/v1/LocalSubjectAccessReview': { 1: ['metadata', OBJECT_META], 2: ['spec', SAR_SPEC] },
  'authentication.k8s.io/v1/SelfSubjectReview': { 1: ['metadata', OBJECT_META] },
  // kubectl create token sends its TokenRequest in protobuf.
  'authentication.k8s.io/v1/TokenRequest': {
    1: ['metadata', OBJECT_META],
    2: [
      'spec',
      {
        1: ['audiences', 'string', true],
        3: [
          'boundObjectRef',
          { 1: ['kind', 'string'], 2: ['apiVersion', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'] },
        ],
        4: ['expirationSeconds', 'int', false, true],
      },
    ],
  },
  'authentication.k8s.io/v1/TokenReview': {
    1: ['metadata', OBJECT_META],
    2: ['spec', { 1: ['token', 'string'], 2: ['audiences', 'string', true] }],
  },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 70n) throw new Error('varint too long');
    }
  }
  bytes(): Buffer {
    const n = Number(this.varint());
    if (n < 0 || this.pos + n > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
    if (this.pos > this.buf.length) throw new Error('truncated field');
  }
}

function decodeScalar(type: Scalar, wire: number, r: Reader): unknown {
  switch (type) {
    case 'string':
      return r.bytes().toString('utf8');
    case 'bytes':
      return r.bytes().toString('base64');
    case 'int':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'bool':
      return r.varint() !== 0n;
    case 'quantity': {
      const m = decodeMessage(r.bytes(), { 1: ['string', 'string'] });
      return m.string ?? '0';
    }
    case 'intstr': {
      const m = decodeMessage(r.bytes(), {
        1: ['type', 'int', false, true],
        2: ['intVal', 'int', false, true],
        3: ['strVal', 'string'],
      });
      return m.type === 1 ? (m.strVal ?? '') : (m.intVal ?? 0);
    }
    case 'time': {
      const m = decodeMessage(r.bytes(), { 1: ['seconds', 'int'] });
      return typeof m.seconds === 'number'
        ? new Date(m.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
        : undefined;
    }
  }
  void wire;
  return undefined;
}

function isEmpty(v: unknown): boolean {
  return v === '' || v === false || v === 0 || v === undefined;
}

function decodeMessage(buf: Buffer, msg: Msg): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done) {
    const key = Number(r.varint());
    const num = key >>> 3;
    const wire = key & 7;
    const field = msg[num];
    if (!field) {
      // A field this schema does not know (a newer client): step over its bytes, as protobuf requires.
      r.skip(wire);
      continue;
    }
    const [name, type, repeated, keepZero] = field;
    let value: unknown;
    if (typeof type === 'string') {
      value = decodeScalar(type, wire, r);
    } else if ('map' in type) {
      const entry = decodeMessage(r.bytes(), {
        1: ['key', 'string', false, true],
        2: ['value', type.map, false, true],
      });
      const map = (out[name] as Record<string, unknown> | undefined) ?? {};
      map[text(entry.key)] = entry.value ?? (type.map === 'quantity' ? '0' : '');
      out[name] = map;
      continue;
    } else {
      value = decodeMessage(r.bytes(), type);
    }
    if (name === '') {
      // An embedded struct that JSON inlines (LocalObjectReference in key selectors).
      Object.assign(out, value as Record<string, unknown>);
      continue;
    }
    if (repeated) {
      const list = (out[name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[name] = list;
    } else if (keepZero || !isEmpty(value)) {
      out[name] = value;
    }
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a protobuf request body into the JSON form of the object. */
export function decodeProtobuf(body: Buffer): unknown {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw Errors.badRequest('the protobuf body lacks the "k8s\\x00" prefix');
  try {
    const unknown = decodeMessage(body.subarray(4), {
      1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }],
      2: ['raw', 'bytes'],
    });
    const tm = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
    const desc = KINDS[`${tm.apiVersion}/${tm.kind}`];
    if (!desc)
      throw Errors.unsupportedMediaType('application/vnd.kubernetes.protobuf', [
        'application/json',
        'application/yaml',
      ]);
    const raw = Buffer.from(text(unknown.raw), 'base64');
    return { apiVersion: tm.apiVersion, kind: tm.kind, ...decodeMessage(raw, desc) };
  } catch (err) {
    if (err instanceof Error && !('code' in err))
      throw Errors.badRequest(`unable to decode the protobuf body: ${err.message}`);
    throw err;
  }
}
