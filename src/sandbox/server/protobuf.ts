// Request bodies in Kubernetes protobuf (application/vnd.kubernetes.protobuf), which kubectl's typed
// clients send (`kubectl create token|ingress|deployment|...`, `kubectl autoscale`, `kubectl auth`). The
// envelope is "k8s\0" and a runtime.Unknown message; the object inside is decoded generically with the
// descriptors of every Kubernetes 1.32 type (fixtures/kubernetes/protobuf-1.32.json.gz: field numbers
// from generated.proto, JSON names and omitempty from the Go struct tags), so every built-in kind the
// sandbox serves decodes. Unknown fields are skipped. Responses are always JSON, which clients accept.
import { text } from '../base/paths.js';
import { Errors } from '../base/status.js';
import { protoDescriptors, type ProtoField } from '../base/kube-fixtures.js';

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1.';

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
  fixed(n: 4 | 8): Buffer {
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.fixed(8);
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.fixed(4);
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function scalar(type: string, wire: number, r: Reader): unknown {
  switch (type) {
    case 'string':
      return r.bytes().toString('utf8');
    case 'bytes':
      return r.bytes().toString('base64');
    case 'int32':
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'bool':
      return r.varint() !== 0n;
    case 'double':
      return wire === 1 ? r.fixed(8).readDoubleLE(0) : 0;
    case 'float':
      return wire === 5 ? r.fixed(4).readFloatLE(0) : 0;
  }
  throw new Error(`unknown scalar type ${type}`);
}

const isZero = (v: unknown) => v === '' || v === false || v === 0 || v === undefined;

function rfc3339(seconds: number, nanos: number, micro: boolean): string {
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

/** Go's time.Duration.String() of nanoseconds (metav1.Duration's JSON). */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(ns);
  if (rest < 1e9)
    return `${sign}${rest >= 1e6 ? `${rest / 1e6}ms` : rest >= 1e3 ? `${rest / 1e3}µs` : `${rest}ns`}`;
  const h = Math.floor(rest / 3.6e12);
  rest -= h * 3.6e12;
  const m = Math.floor(rest / 6e10);
  rest -= m * 6e10;
  const s = `${rest / 1e9}s`;
  return `${sign}${h ? `${h}h${m}m` : m ? `${m}m` : ''}${s}`;
}

function rawJson(raw: unknown): unknown {
  const buf = Buffer.from(text(raw), 'base64');
  if (buf.length === 0) return undefined;
  return JSON.parse(buf.toString('utf8'));
}

/** Messages whose JSON form is not an object of their fields. */
function special(name: string, m: Record<string, unknown>): { value: unknown } | undefined {
  switch (name) {
    case `${META}Time`:
    case `${META}MicroTime`:
      return { value: rfc3339(Number(m.seconds ?? 0), Number(m.nanos ?? 0), name.endsWith('MicroTime')) };
    case `${META}Duration`:
      return { value: goDuration(Number(m.duration ?? 0)) };
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { value: m.string ?? '0' };
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return { value: m.type === 1 ? (m.strVal ?? '') : (m.intVal ?? 0) };
    case `${META}FieldsV1`:
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension':
    case 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON':
      return { value: rawJson(m['-'] ?? m.Raw ?? m.raw) };
    case 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray':
      return { value: m.schema ?? m.jSONSchemas ?? m.JSONSchemas ?? [] };
    case 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool':
      return { value: m.schema ?? m.allows ?? false };
    case 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray':
      return { value: m.schema ?? m.property ?? [] };
  }
  return undefined;
}

/** Fields of the few special messages, whose Go types have no struct tags to learn from. */
function fieldsOf(name: string, messages: Record<string, ProtoField[]>): ProtoField[] {
  const fields = messages[name];
  if (!fields) throw new Error(`no descriptor for ${name}`);
  if (special(name, {}))
    return fields.map(([n, json, type, flags]) => [n, json, type, flags.replace('z', '') + 'z']);
  return fields;
}

function decodeMessage(
  buf: Buffer,
  name: string,
  messages: Record<string, ProtoField[]>,
  fields = fieldsOf(name, messages),
): unknown {
  const byNumber = new Map(fields.map((f) => [f[0], f]));
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done) {
    const key = Number(r.varint());
    const field = byNumber.get(key >>> 3);
    const wire = key & 7;
    if (!field) {
      // A field this schema does not know (a newer client): step over its bytes, as protobuf requires.
      r.skip(wire);
      continue;
    }
    const [, json, type, flags] = field;
    if (type.startsWith('map:')) {
      const entry = decodeMessage(r.bytes(), 'MapEntry', messages, [
        [1, 'key', 'string', 'z'],
        [2, 'value', type.slice(4), 'z'],
      ]) as { key?: string; value?: unknown };
      const map = (out[json] as Record<string, unknown> | undefined) ?? {};
      map[text(entry.key ?? '')] = entry.value ?? (type === 'map:string' ? '' : null);
      out[json] = map;
      continue;
    }
    const values: unknown[] = [];
    if (type in messages) values.push(decodeMessage(r.bytes(), type, messages));
    else if (wire === 2 && type !== 'string' && type !== 'bytes') {
      // A packed repeated scalar.
      const packed = new Reader(r.bytes());
      while (!packed.done)
        values.push(scalar(type, type === 'double' ? 1 : type === 'float' ? 5 : 0, packed));
    } else values.push(scalar(type, wire, r));
    for (const value of values) {
      if (flags.includes('i')) Object.assign(out, value);
      else if (flags.includes('r')) ((out[json] as unknown[] | undefined) ?? (out[json] = [])).push(value);
      else if (flags.includes('z') || !isZero(value)) out[json] = value;
    }
  }
  const wrapped = special(name, out);
  if (wrapped) return wrapped.value;
  // A named list type (ExtraValue, Verbs ...): JSON is the bare array.
  if (fields.length === 1 && fields[0][1] === 'items' && fields[0][3].includes('r')) return out.items ?? [];
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const UNKNOWN: ProtoField[] = [
  [1, 'typeMeta', 'TypeMeta', 'z'],
  [2, 'raw', 'bytes', 'z'],
];
const TYPE_META: ProtoField[] = [
  [1, 'apiVersion', 'string', 'z'],
  [2, 'kind', 'string', 'z'],
];

/** Decodes a protobuf request body into the JSON form of the object. */
export function decodeProtobuf(body: Buffer): unknown {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw Errors.badRequest('the protobuf body lacks the "k8s\\x00" prefix');
  try {
    const envelope = decodeMessage(body.subarray(4), 'Unknown', { TypeMeta: TYPE_META }, UNKNOWN) as {
      typeMeta?: { apiVersion?: string; kind?: string };
      raw?: string;
    };
    const { apiVersion, kind } = envelope.typeMeta ?? {};
    const { messages, kinds } = protoDescriptors();
    const message = kinds[`${apiVersion}/${kind}`];
    if (!message)
      throw Errors.unsupportedMediaType('application/vnd.kubernetes.protobuf', [
        'application/json',
        'application/yaml',
      ]);
    const raw = Buffer.from(text(envelope.raw ?? ''), 'base64');
    return { apiVersion, kind, ...(decodeMessage(raw, message, messages) as object) };
  } catch (err) {
    if (err instanceof Error && !('code' in err))
      throw Errors.badRequest(`unable to decode the protobuf body: ${err.message}`);
    throw err;
  }
}
