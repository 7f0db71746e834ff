// CustomResourceDefinitions: validation of the CRD itself, its status once accepted, and the resource
// types it serves (one per served version, sharing storage).
import type { FieldError } from '../base/status.js';
import { objectMeta, objectMetaMeta } from '../base/patch-meta.js';
import { getPath, humanDuration, timestamp } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import { age } from '../resources/printers.js';
import { storageVersionHash } from '../resources/builtin.js';
import { OBJECT_META } from '../resources/outline.js';
import {
  ALL_VERBS,
  type K8sObject,
  type Printer,
  type ResourceType,
  type TableColumn,
} from '../base/types.js';
import { patchMetaFromSchema, type Schema } from '../base/schema.js';
import { ruleCompileErrors } from './rules.js';

interface Names {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

interface Version {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: {
    status?: unknown;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  additionalPrinterColumns?: Array<{
    name: string;
    type: string;
    format?: string;
    description?: string;
    priority?: number;
    jsonPath: string;
  }>;
}

const VERSION_NAME = /^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function validateCrd(crd: K8sObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = isObject(crd.spec) ? crd.spec : {};
  const names = (isObject(spec.names) ? spec.names : {}) as Partial<Names>;
  const group = typeof spec.group === 'string' ? spec.group : '';
  if (!group) errors.push({ type: 'FieldValueRequired', field: 'spec.group' });
  else if (!group.includes('.'))
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.group',
      value: group,
      detail: 'should be a domain with at least one dot',
    });
  if (!names.plural) errors.push({ type: 'FieldValueRequired', field: 'spec.names.plural' });
  else if (!DNS_LABEL.test(names.plural))
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.names.plural',
      value: names.plural,
      detail: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'",
    });
  if (!names.kind) errors.push({ type: 'FieldValueRequired', field: 'spec.names.kind' });
  for (const list of ['shortNames', 'categories'] as const)
    if (
      names[list] !== undefined &&
      !(Array.isArray(names[list]) && names[list].every((x) => typeof x === 'string'))
    )
      errors.push({
        type: 'FieldValueInvalid',
        field: `spec.names.${list}`,
        value: names[list],
        detail: 'must be a list of strings',
      });
  if (names.plural && group && crd.metadata.name !== `${names.plural}.${group}`)
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      value: crd.metadata.name,
      detail: 'must be spec.names.plural+"."+spec.group',
    });
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    errors.push(
      spec.scope === undefined
        ? { type: 'FieldValueRequired', field: 'spec.scope' }
        : {
            type: 'FieldValueNotSupported',
            field: 'spec.scope',
            value: spec.scope,
            allowed: ['Cluster', 'Namespaced'],
          },
    );
  const versions = Array.isArray(spec.versions)
    ? (spec.versions.filter(isObject) as unknown as Version[])
    : [];
  if (versions.length === 0)
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.versions',
      value: [],
      detail: 'must have exactly one version marked as storage version',
    });
  else {
    const storage = versions.filter((v) => v.storage).length;
    if (storage !== 1)
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.versions',
        value: versions.map((v) => v.name),
        detail: 'must have exactly one version marked as storage version',
      });
    versions.forEach((v, i) => {
      if (v.additionalPrinterColumns !== undefined && !Array.isArray(v.additionalPrinterColumns))
        errors.push({
          type: 'FieldValueInvalid',
          field: `spec.versions[${i}].additionalPrinterColumns`,
          value: v.additionalPrinterColumns,
          detail: 'must be a list',
        });
      if (!VERSION_NAME.test(String(v.name ?? '')))
        errors.push({
          type: 'FieldValueInvalid',
          field: `spec.versions[${i}].name`,
          value: v.name,
          detail:
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        });
      const schema = v.schema?.openAPIV3Schema;
      if (!schema)
        errors.push({
          type: 'FieldValueRequired',
          field: `spec.versions[${i}].schema.openAPIV3Schema`,
          detail: 'schemas are required',
        });
      else if (schema.type !== 'object')
        errors.push({
          type: 'FieldValueRequired',
          field: `spec.versions[${i}].schema.openAPIV3Schema.type`,
          detail: 'must not be empty at the root',
        });
      else errors.push(...ruleCompileErrors(schema, `spec.versions[${i}].schema.openAPIV3Schema`));
    });
  }
  return errors;
}

/** Fills the CRD defaults the apiserver writes (names, conversion). */
export function defaultCrd(crd: K8sObject): void {
  const spec = crd.spec as Record<string, unknown>;
  const names = spec.names as Names | undefined;
  if (names?.kind) {
    names.singular ??= names.kind.toLowerCase();
    names.listKind ??= `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
}

/** The status of an accepted, established CRD. */
export function establishedStatus(crd: K8sObject, now: Date): Record<string, unknown> {
  const spec = crd.spec as Record<string, unknown>;
  const versions = (spec.versions as Version[]) ?? [];
  const t = timestamp(now);
  return {
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: t,
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: t,
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    acceptedNames: spec.names,
    storedVersions: versions.filter((v) => v.storage).map((v) => v.name),
  };
}

/** Evaluates the simple JSONPath forms printer columns use: .a.b, .a[0].b, .a[*].b, .a['x.y']. */
export function jsonPath(obj: unknown, path: string): unknown[] {
  const inner = path.trim().replace(/^\{/, '').replace(/\}$/, '');
  const tokens: Array<string | number> = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\[\*\]|\['([^']+)'\]|\["([^"]+)"\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(inner))) {
    if (m[1] !== undefined) tokens.push(m[1]);
    else if (m[2] !== undefined) tokens.push(Number(m[2]));
    else if (m[3] !== undefined || m[4] !== undefined) tokens.push(m[3] ?? m[4]);
    else tokens.push('*');
  }
  let values: unknown[] = [obj];
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const v of values) {
      if (t === '*') {
        if (Array.isArray(v)) next.push(...(v as unknown[]));
        else if (isObject(v)) next.push(...Object.values(v));
      } else if (typeof t === 'number') {
        if (Array.isArray(v) && t < v.length) next.push(v[t]);
      } else if (isObject(v) && t in v) next.push(v[t]);
    }
    values = next;
  }
  return values;
}

function printer(version: Version): Printer {
  const columns = version.additionalPrinterColumns ?? [
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ];
  const defs: TableColumn[] = [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name must be unique within a namespace.',
      priority: 0,
    },
    ...columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    })),
  ];
  return {
    columns: defs,
    cells(obj, now) {
      return [
        obj.metadata.name,
        ...columns.map((c) => {
          if (c.jsonPath === '.metadata.creationTimestamp') return age(obj, now);
          const values = jsonPath(obj, c.jsonPath);
          if (values.length === 0) return null;
          const v = values.length === 1 ? values[0] : values;
          if (c.type === 'date' && typeof v === 'string') return humanDuration(now - Date.parse(v));
          if (typeof v === 'object' && v !== null) return JSON.stringify(v);
          return v;
        }),
      ];
    },
  };
}

/** The resource types a CRD serves. */
export function typesOf(crd: K8sObject): ResourceType[] {
  const spec = crd.spec as Record<string, unknown>;
  const names = spec.names as Names;
  const group = String(spec.group);
  const namespaced = spec.scope === 'Namespaced';
  const versions = ((spec.versions as Version[]) ?? []).filter((v) => v.served);
  return versions.map((v): ResourceType => {
    const schema = v.schema?.openAPIV3Schema ?? {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    };
    const withMeta: Schema = {
      ...schema,
      properties: {
        ...(schema.properties ?? {}),
        metadata: OBJECT_META,
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
      },
    };
    const scale = v.subresources?.scale;
    const meta = patchMetaFromSchema(schema);
    return {
      group,
      version: v.name,
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      namespaced,
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      verbs: ALL_VERBS,
      storageKey: `${group}/${names.plural}`,
      status: v.subresources?.status !== undefined && v.subresources.status !== null,
      scale: scale
        ? {
            specReplicasPath: scale.specReplicasPath,
            statusReplicasPath: scale.statusReplicasPath,
            labelSelectorPath: scale.labelSelectorPath,
          }
        : undefined,
      returnDeletedObject: false,
      fieldSelectors: {},
      printer: printer(v),
      patchMeta: objectMeta({ ...(meta.fields ?? {}), metadata: objectMetaMeta }),
      strategicMerge: false,
      schema: withMeta,
      crd: crd.metadata.name,
      storageVersionHash: storageVersionHash(group, v.name, names.kind),
      tracksGeneration: true,
      description: String(schema.description ?? ''),
    };
  });
}

/** A CRD is established (serving) when its Established condition is True. */
export function isEstablished(crd: K8sObject): boolean {
  const conditions = getPath(crd, 'status.conditions');
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => isObject(c) && c.type === 'Established' && c.status === 'True')
  );
}
