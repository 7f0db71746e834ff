// Everything checked before a design touches a cluster: every kind is served (or declared by a CRD in
// the same design), the rules of the design format with the cluster's own scopes, the namespaces objects go
// to exist (or come with the design). All problems are reported together, exit 2, nothing changed.
import { issue, issuesError, type DesignIssue } from '../../design/issues.js';
import type { DesignObject, KubeObject, LoadedDesign } from '../../design/model.js';
import { describeRef, refKey, refOf, splitApiVersion, type ObjectRef } from '../../design/object-ref.js';
import { kindsDeclaredBy, type DeclaredKind } from '../../design/scopes.js';
import { validateDesign } from '../../design/validate.js';
import type { ClusterClient } from '../client.js';
import type { ApiResource, ResourceIndex } from '../discovery/resources.js';
import { KubeApiError } from '../http/errors.js';
import { mapLimit } from '../util/concurrency.js';
import { withOwnership } from './ownership.js';
import { isNamespace } from './plan.js';

export interface PreparedObject {
  entry: DesignObject;
  /** What is sent: namespace resolved, ownership marked. */
  object: KubeObject;
  ref: ObjectRef;
  key: string;
  what: string;
  /** How the cluster serves it; undefined for a kind a CRD of this design will bring. */
  resource?: ApiResource;
  /** The CRD-declared kind, until the CRD is established. */
  declared?: DeclaredKind;
}

export interface Prepared {
  objects: PreparedObject[];
  warnings: DesignIssue[];
  /** Namespaces this design creates. */
  ownNamespaces: Set<string>;
}

export interface PrepareOptions {
  /** Delete and diff tolerate kinds and namespaces that are gone. */
  lenient?: boolean;
  /** Where every namespaced object goes, over the design's own namespace (kubectl's -n). */
  namespace?: string;
}

export async function prepareDesign(
  client: ClusterClient,
  design: LoadedDesign,
  options: PrepareOptions = {},
): Promise<Prepared> {
  const inspected = await inspectDesign(client, design, options);
  const problems = inspected.issues.filter((i) => i.severity === 'error');
  if (problems.length > 0) throw issuesError(problems, design.sources);
  return inspected;
}

/** The same checks as prepareDesign, every issue returned instead of thrown (for design validate). */
export async function inspectDesign(
  client: ClusterClient,
  design: LoadedDesign,
  options: PrepareOptions = {},
): Promise<Prepared & { issues: DesignIssue[] }> {
  let index = await client.discovery.index();
  const declared = design.objects.flatMap((o) => {
    const d =
      typeof o.object?.kind === 'string' && typeof o.object?.apiVersion === 'string'
        ? kindsDeclaredBy(o.object)
        : undefined;
    return d ? [d] : [];
  });
  const declaredFor = (apiVersion: string, kind: string) => {
    const { group, version } = splitApiVersion(apiVersion);
    return declared.find((d) => d.group === group && d.kind === kind && d.versions.includes(version));
  };
  // A kind missing from a cached discovery may be new (a CRD applied a moment ago): look once more.
  const unknown = (i: ResourceIndex) =>
    design.objects.some(
      (o) =>
        typeof o.object?.apiVersion === 'string' &&
        typeof o.object?.kind === 'string' &&
        !i.find(o.object.apiVersion, o.object.kind) &&
        !declaredFor(o.object.apiVersion, o.object.kind),
    );
  if (unknown(index)) index = await client.discovery.refresh();

  const validated = validateDesign(design, {
    defaultNamespace: client.namespace,
    namespaceOverride: options.namespace,
    namespaced: (apiVersion, kind) =>
      index.find(apiVersion, kind)?.namespaced ?? declaredFor(apiVersion, kind)?.namespaced,
  });
  const problems = validated.issues.filter((i) => i.severity === 'error');
  const warnings = validated.issues.filter((i) => i.severity === 'warning');

  const objects: PreparedObject[] = [];
  for (const entry of validated.objects) {
    const { apiVersion, kind } = entry.object;
    const resource = index.find(apiVersion, kind);
    const pending = resource ? undefined : declaredFor(apiVersion, kind);
    if (!resource && !pending) {
      if (!options.lenient) {
        const why = index.explain(apiVersion, kind);
        problems.push(issue('unknown-kind', why.message, entry.locate(['kind']), why.hint));
      }
      continue;
    }
    const object = withOwnership(entry.object, design.meta);
    const ref = refOf(object);
    objects.push({
      entry,
      object,
      ref,
      key: refKey(ref),
      what: describeRef(ref),
      resource,
      declared: pending,
    });
  }

  const ownNamespaces = new Set(objects.filter((o) => isNamespace(o.object)).map((o) => o.ref.name));
  if (!options.lenient) problems.push(...(await missingNamespaces(client, objects, ownNamespaces)));
  return { objects, warnings, ownNamespaces, issues: [...problems, ...warnings] };
}

/** Namespaces objects go to that neither exist nor come with the design (or are being deleted). */
async function missingNamespaces(
  client: ClusterClient,
  objects: PreparedObject[],
  own: Set<string>,
): Promise<DesignIssue[]> {
  const firstUse = new Map<string, PreparedObject>();
  for (const o of objects) {
    const ns = o.object.metadata.namespace;
    if (ns && !own.has(ns) && !firstUse.has(ns)) firstUse.set(ns, o);
  }
  if (firstUse.size === 0) return [];
  const namespaces = await client.resource('v1', 'Namespace');
  const found = await mapLimit([...firstUse.keys()], 8, async (ns) => {
    try {
      return { ns, live: await client.get(namespaces, undefined, ns), known: true };
    } catch (err) {
      // Not allowed to look: the apply itself will say if it is missing.
      if (err instanceof KubeApiError && err.status === 403) return { ns, live: undefined, known: false };
      throw err;
    }
  });
  const issues: DesignIssue[] = [];
  for (const { ns, live, known } of found) {
    const user = firstUse.get(ns)!;
    if (known && !live) {
      issues.push(
        issue(
          'missing-namespace',
          `namespace "${ns}" does not exist (${user.what} is to go there)`,
          user.entry.locate(['metadata', 'namespace']),
          `create it first, or add a Namespace object named "${ns}" to the design`,
        ),
      );
    } else if (live && (live.status as { phase?: string } | undefined)?.phase === 'Terminating') {
      issues.push(
        issue(
          'missing-namespace',
          `namespace "${ns}" is being deleted (${user.what} is to go there)`,
          user.entry.locate(['metadata', 'namespace']),
          'wait until it is gone, then apply again',
        ),
      );
    }
  }
  return issues;
}
