// OpenAPI as kubectl needs it:
// - /openapi/v2 as a protobuf gnostic Document (hand-encoded): a PATCH operation per kind with the
//   x-kubernetes-group-version-kind extension and a dryRun query parameter, which is what kubectl's
//   dry-run and validation checks look for; JSON for other clients;
// - /openapi/v3 and one document per group version: paths with their query parameters (kubectl checks
//   fieldValidation support there) and each kind's schema (kubectl explain).
import { createHash } from 'node:crypto';
import type { Registry } from '../resources/registry.js';
import type { ResourceType } from '../base/types.js';
import { builtinSchemas } from './openapi-builtin.js';

// --- protobuf ---------------------------------------------------------------------------------------

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

/** A length-delimited field (wire type 2): strings and embedded messages. */
function field(num: number, value: Buffer | string): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([varint((num << 3) | 2), varint(body.length), body]);
}

// gnostic openapi_v2 field numbers.
const PB = {
  document: { swagger: 1, info: 2, paths: 8 },
  info: { title: 1, version: 2 },
  paths: { path: 2 },
  namedPathItem: { name: 1, value: 2 },
  pathItem: { patch: 8 },
  operation: { parameters: 8, vendorExtension: 13 },
  parametersItem: { parameter: 1 },
  parameter: { nonBodyParameter: 2 },
  nonBodyParameter: { queryParameterSubSchema: 3 },
  queryParameter: { in: 2, name: 4, type: 6 },
  namedAny: { name: 1, value: 2 },
  any: { yaml: 2 },
};

const PATCH_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'];

function queryParameter(name: string): Buffer {
  const sub = Buffer.concat([
    field(PB.queryParameter.in, 'query'),
    field(PB.queryParameter.name, name),
    field(PB.queryParameter.type, 'string'),
  ]);
  return field(
    PB.operation.parameters,
    field(
      PB.parametersItem.parameter,
      field(PB.parameter.nonBodyParameter, field(PB.nonBodyParameter.queryParameterSubSchema, sub)),
    ),
  );
}

function gvkExtension(rt: ResourceType): Buffer {
  const yaml = `group: ${JSON.stringify(rt.group)}\nkind: ${rt.kind}\nversion: ${rt.version}\n`;
  return field(
    PB.operation.vendorExtension,
    Buffer.concat([
      field(PB.namedAny.name, 'x-kubernetes-group-version-kind'),
      field(PB.namedAny.value, field(PB.any.yaml, yaml)),
    ]),
  );
}

export function itemPath(rt: ResourceType): string {
  const prefix = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
  return `${prefix}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}/{name}`;
}

function collectionPath(rt: ResourceType): string {
  const prefix = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
  return `${prefix}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
}

export function openapiV2Protobuf(types: ResourceType[], version: string): Buffer {
  const paths: Buffer[] = [];
  for (const rt of types) {
    if (rt.virtual) continue;
    const operation = Buffer.concat([...PATCH_PARAMS.map(queryParameter), gvkExtension(rt)]);
    const pathItem = field(PB.pathItem.patch, operation);
    paths.push(
      field(
        PB.paths.path,
        Buffer.concat([field(PB.namedPathItem.name, itemPath(rt)), field(PB.namedPathItem.value, pathItem)]),
      ),
    );
  }
  return Buffer.concat([
    field(PB.document.swagger, '2.0'),
    field(
      PB.document.info,
      Buffer.concat([field(PB.info.title, 'Kubernetes'), field(PB.info.version, version)]),
    ),
    field(PB.document.paths, Buffer.concat(paths)),
  ]);
}

// --- JSON documents -------------------------------------------------------------------------------

function reversedGroup(group: string): string {
  return group ? group.split('.').reverse().join('.') : 'io.k8s.api.core';
}

export function definitionName(rt: ResourceType): string {
  if (rt.crd) return `${reversedGroup(rt.group)}.${rt.version}.${rt.kind}`;
  const g = rt.group === '' ? 'core' : rt.group.replace(/\.k8s\.io$/, '').replace(/\./g, '_');
  return `io.k8s.api.${g}.${rt.version}.${rt.kind}`;
}

const gvk = (rt: ResourceType) => ({ group: rt.group, kind: rt.kind, version: rt.version });

function v2Parameter(name: string) {
  return { name, in: 'query', type: 'string', uniqueItems: true, description: name };
}

export function openapiV2Json(types: ResourceType[], version: string): unknown {
  const paths: Record<string, unknown> = {};
  const definitions: Record<string, unknown> = {};
  for (const rt of types) {
    if (rt.virtual) continue;
    const builtin = builtinSchemas(rt, false);
    const ref = { $ref: `#/definitions/${builtin?.name ?? definitionName(rt)}` };
    paths[itemPath(rt)] = {
      get: {
        operationId: `read${rt.kind}`,
        responses: { 200: { description: 'OK', schema: ref } },
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk(rt),
      },
      patch: {
        operationId: `patch${rt.kind}`,
        consumes: [
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/apply-patch+yaml',
          ...(rt.strategicMerge ? ['application/strategic-merge-patch+json'] : []),
        ],
        parameters: PATCH_PARAMS.map(v2Parameter),
        responses: { 200: { description: 'OK', schema: ref } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk(rt),
      },
    };
    if (builtin) Object.assign(definitions, builtin.definitions);
    else if (rt.schema)
      definitions[definitionName(rt)] = { ...rt.schema, 'x-kubernetes-group-version-kind': [gvk(rt)] };
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version }, paths, definitions };
}

function v3Parameter(name: string) {
  return {
    name,
    in: 'query',
    description: name,
    schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
  };
}

export function openapiV3Document(types: ResourceType[], version: string): unknown {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const rt of types) {
    const builtin = builtinSchemas(rt, true);
    const ref = { $ref: `#/components/schemas/${builtin?.name ?? definitionName(rt)}` };
    const ok = { 200: { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const body = (types2: string[]) => ({
      content: Object.fromEntries(types2.map((t) => [t, { schema: { type: 'object' } }])),
      required: true,
    });
    if (rt.virtual) {
      paths[collectionPath(rt)] = {
        post: {
          operationId: `create${rt.kind}`,
          requestBody: { content: { 'application/json': { schema: ref } } },
          responses: ok,
          'x-kubernetes-action': 'post',
          'x-kubernetes-group-version-kind': gvk(rt),
        },
      };
    } else {
      paths[collectionPath(rt)] = {
        get: {
          operationId: `list${rt.kind}`,
          responses: ok,
          'x-kubernetes-action': 'list',
          'x-kubernetes-group-version-kind': gvk(rt),
        },
        post: {
          operationId: `create${rt.kind}`,
          parameters: ['dryRun', 'fieldManager', 'fieldValidation'].map(v3Parameter),
          requestBody: { content: { 'application/json': { schema: ref } }, required: true },
          responses: ok,
          'x-kubernetes-action': 'post',
          'x-kubernetes-group-version-kind': gvk(rt),
        },
      };
      paths[itemPath(rt)] = {
        get: {
          operationId: `read${rt.kind}`,
          responses: ok,
          'x-kubernetes-action': 'get',
          'x-kubernetes-group-version-kind': gvk(rt),
        },
        put: {
          operationId: `replace${rt.kind}`,
          parameters: ['dryRun', 'fieldManager', 'fieldValidation'].map(v3Parameter),
          requestBody: { content: { 'application/json': { schema: ref } }, required: true },
          responses: ok,
          'x-kubernetes-action': 'put',
          'x-kubernetes-group-version-kind': gvk(rt),
        },
        // The strategic merge media type is left out on purpose: kubectl would then compute strategic
        // patches from these outline schemas, which lack merge keys; without it, it uses its own types.
        patch: {
          operationId: `patch${rt.kind}`,
          parameters: PATCH_PARAMS.map(v3Parameter),
          requestBody: body([
            'application/apply-patch+yaml',
            'application/json-patch+json',
            'application/merge-patch+json',
          ]),
          responses: ok,
          'x-kubernetes-action': 'patch',
          'x-kubernetes-group-version-kind': gvk(rt),
        },
        delete: {
          operationId: `delete${rt.kind}`,
          parameters: ['dryRun', 'gracePeriodSeconds', 'propagationPolicy'].map(v3Parameter),
          responses: ok,
          'x-kubernetes-action': 'delete',
          'x-kubernetes-group-version-kind': gvk(rt),
        },
      };
    }
    if (builtin) Object.assign(schemas, builtin.definitions);
    else
      schemas[definitionName(rt)] = {
        ...(rt.schema ?? { type: 'object', description: rt.description }),
        'x-kubernetes-group-version-kind': [gvk(rt)],
      };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version }, paths, components: { schemas } };
}

/** Caches the documents until the registry changes. */
export class OpenApi {
  private generation = -1;
  private v2pb?: Buffer;
  private v2json?: string;
  private v3 = new Map<string, { text: string; hash: string }>();

  constructor(
    private readonly registry: Registry,
    private readonly version: string,
  ) {}

  private fresh(): void {
    if (this.generation === this.registry.generation) return;
    this.generation = this.registry.generation;
    this.v2pb = undefined;
    this.v2json = undefined;
    this.v3.clear();
  }

  v2Protobuf(): Buffer {
    this.fresh();
    this.v2pb ??= openapiV2Protobuf(this.registry.all(), this.version);
    return this.v2pb;
  }

  v2Json(): string {
    this.fresh();
    this.v2json ??= JSON.stringify(openapiV2Json(this.registry.all(), this.version));
    return this.v2json;
  }

  private gvDoc(group: string, version: string): { text: string; hash: string } | undefined {
    this.fresh();
    const key = `${group}/${version}`;
    let doc = this.v3.get(key);
    if (!doc) {
      const types = this.registry.resources(group, version);
      if (types.length === 0) return undefined;
      const text = JSON.stringify(openapiV3Document(types, this.version));
      doc = { text, hash: createHash('sha512').update(text).digest('hex').slice(0, 32).toUpperCase() };
      this.v3.set(key, doc);
    }
    return doc;
  }

  v3Index(): string {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const g of this.registry.groups()) {
      for (const v of g.versions) {
        const doc = this.gvDoc(g.name, v);
        if (!doc) continue;
        const p = g.name ? `apis/${g.name}/${v}` : `api/${v}`;
        paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${doc.hash}` };
      }
    }
    return JSON.stringify({ paths });
  }

  /** The document of "api/v1" or "apis/<group>/<version>". */
  v3Document(path: string): string | undefined {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts.length === 2) return this.gvDoc('', parts[1])?.text;
    if (parts[0] === 'apis' && parts.length === 3) return this.gvDoc(parts[1], parts[2])?.text;
    return undefined;
  }
}
