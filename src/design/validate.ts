// The rules a design must follow before anything is sent to a cluster: its own name and version, and for
// every object apiVersion, kind, a valid name, string labels and annotations, and no object declared twice.
// Checking kinds against a live cluster's discovery is in src/k8s (it needs the cluster).
import { expandComponents } from './components.js';
import { issue, type DesignIssue } from './issues.js';
import type { DesignObject, LoadedDesign } from './model.js';
import {
  DNS_1035_LABEL,
  SEMVER,
  dnsLabelProblem,
  dnsSubdomainProblem,
  isRecord,
  labelKeyProblem,
  labelValueProblem,
  pathSegmentProblem,
} from './names.js';
import { describeRef, kindGroup, refKey, refOf, splitApiVersion } from './object-ref.js';
import { kindsDeclaredBy, offlineScope } from './scopes.js';
import { setting } from '../core/settings.js';

/** Labels and annotations meshdeck writes itself to mark what a design owns. */
export const RESERVED_PREFIX = 'meshdeck.io/';

export interface ValidateOptions {
  /** Namespace given to namespaced objects that name none. */
  defaultNamespace: string;
  /** Where every namespaced object goes, over the design's own namespace (kubectl's -n). */
  namespaceOverride?: string;
  /** Whether a kind is namespaced; from discovery when a cluster is at hand. */
  namespaced?: (apiVersion: string, kind: string) => boolean | undefined;
}

export interface ValidatedDesign {
  issues: DesignIssue[];
  /** The objects to apply: components expanded, namespaces defaulted (cluster-scoped ones cleared). */
  objects: DesignObject[];
}

const GROUP = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;
const VERSION = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
/** Kinds whose names Kubernetes validates as DNS subdomains (the commonest; others get the weaker rule). */
const SUBDOMAIN_NAMED = new Set([
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Pod',
  'Deployment',
  'DaemonSet',
  'StatefulSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'Ingress',
  'NetworkPolicy',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'CustomResourceDefinition',
]);

export function validateDesign(design: LoadedDesign, options: ValidateOptions): ValidatedDesign {
  const issues: DesignIssue[] = [];
  validateMeta(design, issues);
  const expanded = expandComponents(design.objects, design.components);
  issues.push(...expanded.issues);

  const declared = design.objects.flatMap((o) => {
    const d = isRecord(o.object) && typeof o.object.kind === 'string' ? kindsDeclaredBy(o.object) : undefined;
    return d ? [d] : [];
  });
  const offline = offlineScope(declared);
  const namespaced = (apiVersion: string, kind: string) =>
    options.namespaced?.(apiVersion, kind) ?? offline(apiVersion, kind);
  const defaultNamespace = options.namespaceOverride ?? (design.meta.namespace || options.defaultNamespace);

  const seen = new Map<string, DesignObject>();
  const objects: DesignObject[] = [];
  for (const entry of expanded.objects) {
    if (!validateObject(entry, issues)) continue;
    const object = entry.object;
    const isNamespaced = namespaced(object.apiVersion, object.kind);
    let resolved = entry;
    if (isNamespaced && !object.metadata.namespace) {
      resolved = withNamespace(entry, defaultNamespace);
    } else if (!isNamespaced && object.metadata.namespace !== undefined) {
      issues.push(
        issue(
          'cluster-scoped-namespace',
          `${kindGroup(object.kind, splitApiVersion(object.apiVersion).group)}/${object.metadata.name} is cluster-scoped; its metadata.namespace is ignored`,
          entry.locate(['metadata', 'namespace']),
          'remove metadata.namespace',
          'warning',
        ),
      );
      resolved = withNamespace(entry, undefined);
    }
    const key = refKey(refOf(resolved.object));
    const first = seen.get(key);
    if (first) {
      issues.push(
        issue(
          'duplicate-object',
          `${describeRef(refOf(resolved.object))} is declared twice (first at ${first.origin.file}:${first.origin.line}:${first.origin.col})`,
          entry.origin,
          'keep one declaration of each object',
        ),
      );
      continue;
    }
    seen.set(key, resolved);
    objects.push(resolved);
  }
  return { issues, objects };
}

function withNamespace(entry: DesignObject, namespace: string | undefined): DesignObject {
  const metadata = { ...entry.object.metadata };
  if (namespace === undefined) delete metadata.namespace;
  else metadata.namespace = namespace;
  return { ...entry, object: { ...entry.object, metadata } };
}

function validateMeta(design: LoadedDesign, issues: DesignIssue[]): void {
  const { meta } = design;
  if (!meta.name) {
    issues.push(
      issue(
        'design-name',
        'the design has no name',
        design.metaAt('name'),
        `set metadata.name (or give ${setting('name')})`,
      ),
    );
  } else {
    const problem = dnsLabelProblem(meta.name);
    if (problem) {
      issues.push(
        issue(
          'design-name',
          `design name "${meta.name}" ${problem}`,
          design.metaAt('name'),
          'the name labels every object the design applies, so it follows label rules',
        ),
      );
    }
  }
  if (!meta.version) {
    issues.push(
      issue(
        'design-version',
        'the design has no version',
        design.metaAt('version'),
        'set metadata.version, e.g. 0.0.1',
      ),
    );
  } else if (!SEMVER.test(meta.version)) {
    issues.push(
      issue(
        'design-version',
        `design version "${meta.version}" is not a semantic version`,
        design.metaAt('version'),
        'use MAJOR.MINOR.PATCH, e.g. 1.4.0',
      ),
    );
  }
  if (meta.namespace) {
    const problem = dnsLabelProblem(meta.namespace);
    if (problem) {
      issues.push(
        issue(
          'design-namespace',
          `design namespace "${meta.namespace}" ${problem}`,
          design.metaAt('namespace'),
        ),
      );
    }
  }
}

/** Checks one object; false when it is too broken to go further (no apiVersion, kind or name). */
function validateObject(entry: DesignObject, issues: DesignIssue[]): boolean {
  const object = entry.object as unknown as Record<string, unknown>;
  const { apiVersion, kind } = object;
  const before = issues.length;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    issues.push(
      issue(
        'missing-apiversion',
        'this object has no apiVersion',
        entry.origin,
        'add apiVersion, e.g. "apps/v1" or "v1"',
      ),
    );
  } else {
    const { group, version } = splitApiVersion(apiVersion);
    if ((group && !GROUP.test(group)) || !VERSION.test(version)) {
      issues.push(
        issue(
          'bad-apiversion',
          `apiVersion "${apiVersion}" is not GROUP/VERSION or VERSION`,
          entry.locate(['apiVersion']),
          'e.g. "apps/v1", "networking.istio.io/v1beta1" or "v1"',
        ),
      );
    }
  }
  if (typeof kind !== 'string' || kind === '') {
    issues.push(
      issue('missing-kind', 'this object has no kind', entry.origin, 'add kind, e.g. "Deployment"'),
    );
  } else if (!KIND.test(kind)) {
    issues.push(issue('bad-kind', `kind "${kind}" is not a valid kind name`, entry.locate(['kind'])));
  } else if (kind[0] !== kind[0].toUpperCase()) {
    issues.push(
      issue(
        'bad-kind',
        `kind "${kind}" starts with a lower-case letter`,
        entry.locate(['kind']),
        `kinds are case-sensitive: "${kind[0].toUpperCase()}${kind.slice(1)}"`,
      ),
    );
  }
  if (issues.length > before) return false;
  const what = kindGroup(kind as string, splitApiVersion(apiVersion as string).group);

  const metadata = object.metadata;
  if (!isRecord(metadata)) {
    issues.push(
      issue(
        'missing-name',
        `this ${what} has no metadata.name`,
        metadata === undefined ? entry.origin : entry.locate(['metadata']),
        'give every object metadata.name',
      ),
    );
    return false;
  }
  const name = metadata.name;
  if (name === undefined || name === null || name === '') {
    const generated = typeof metadata.generateName === 'string';
    issues.push(
      issue(
        'missing-name',
        `this ${what} has no metadata.name${generated ? ' (only generateName)' : ''}`,
        entry.locate(['metadata']),
        generated
          ? 'server-side apply needs a fixed name: replace generateName with name'
          : 'give every object metadata.name',
      ),
    );
    return false;
  }
  if (typeof name !== 'string') {
    issues.push(
      issue(
        'bad-name',
        `metadata.name of this ${what} must be a string`,
        entry.locate(['metadata', 'name']),
        'quote it',
      ),
    );
    return false;
  }
  const nameProblem =
    kind === 'Namespace'
      ? dnsLabelProblem(name)
      : kind === 'Service'
        ? name.length > 63 || !DNS_1035_LABEL.test(name)
          ? 'must be at most 63 lower-case letters, digits and "-", starting with a letter'
          : undefined
        : SUBDOMAIN_NAMED.has(kind as string)
          ? dnsSubdomainProblem(name)
          : pathSegmentProblem(name);
  if (nameProblem) {
    issues.push(
      issue('bad-name', `${what} name "${name}" ${nameProblem}`, entry.locate(['metadata', 'name'])),
    );
  }
  const namespace = metadata.namespace;
  if (namespace !== undefined && namespace !== null) {
    const problem = typeof namespace !== 'string' ? 'must be a string' : dnsLabelProblem(namespace);
    if (problem) {
      issues.push(
        issue(
          'bad-namespace',
          `namespace ${JSON.stringify(namespace)} of ${what}/${name} ${problem}`,
          entry.locate(['metadata', 'namespace']),
        ),
      );
    }
  }
  checkStringMap(entry, 'labels', metadata.labels, issues, `${what}/${name}`);
  checkStringMap(entry, 'annotations', metadata.annotations, issues, `${what}/${name}`);
  if (object.status !== undefined && object.status !== null) {
    issues.push(
      issue(
        'status-ignored',
        `${what}/${name} has a status; the cluster sets status, so it is not applied`,
        entry.locate(['status']),
        'remove status from the manifest',
        'warning',
      ),
    );
  }
  return issues.slice(before).every((i) => i.severity !== 'error');
}

function checkStringMap(
  entry: DesignObject,
  field: 'labels' | 'annotations',
  value: unknown,
  issues: DesignIssue[],
  what: string,
): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    issues.push(
      issue(
        `bad-${field}`,
        `metadata.${field} of ${what} must be a mapping`,
        entry.locate(['metadata', field]),
      ),
    );
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    // Found only when a message needs it: locating re-reads the document.
    const at = () => entry.locate(['metadata', field, key]);
    if (key.startsWith(RESERVED_PREFIX)) {
      issues.push(
        issue(
          `reserved-${field}`,
          `${field.slice(0, -1)} "${key}" of ${what} is reserved: meshdeck sets ${RESERVED_PREFIX}* itself`,
          at(),
          'remove it from the manifest',
        ),
      );
      continue;
    }
    if (typeof v !== 'string') {
      issues.push(
        issue(
          `bad-${field}`,
          `${field.slice(0, -1)} "${key}" of ${what} must be a string, not ${v === null ? 'null' : typeof v}`,
          at(),
          `quote the value: YAML read it as ${v === null ? 'null' : `a ${typeof v}`}`,
        ),
      );
      continue;
    }
    const keyProblem = labelKeyProblem(key);
    if (keyProblem)
      issues.push(
        issue(`bad-${field}`, `${field.slice(0, -1)} key "${key}" of ${what}: ${keyProblem}`, at()),
      );
    if (field === 'labels') {
      const valueProblem = labelValueProblem(v);
      if (valueProblem)
        issues.push(issue('bad-labels', `label "${key}" of ${what}: value "${v}" ${valueProblem}`, at()));
    }
  }
}
