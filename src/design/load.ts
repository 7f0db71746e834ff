// From source texts to one design: a meshdeck Design document, a Meshery design file, or plain manifests
// (with Lists expanded, as kubectl does). Structural problems are reported with their positions; the
// rules about the objects themselves are in validate.ts.
import { basename, extname } from 'node:path';
import { issue, type DesignIssue } from './issues.js';
import { convertMesheryDesign, isLegacyMesheryPattern, isMesheryDesign } from './meshery.js';
import {
  DESIGN_API_VERSION,
  DESIGN_KIND,
  FIRST_VERSION,
  MESHES,
  MTLS_MODES,
  type DesignComponent,
  type DesignMeta,
  type DesignObject,
  type KubeObject,
  type LoadedDesign,
  type MeshComponent,
  type Origin,
  type SourceFormat,
} from './model.js';
import { isRecord, toDnsLabel } from './names.js';
import { parseSource, type FieldPath, type ParsedDoc } from './parse.js';
import type { SourceText } from './sources.js';

export interface LoadOptions {
  /** Overrides the design's name (or names plain manifests). */
  name?: string;
  version?: string;
  /** What plain manifests are named after: the first path or URL the user gave (default: the first file). */
  namedAfter?: string;
}

export interface LoadResult {
  design: LoadedDesign;
  issues: DesignIssue[];
}

const DESIGN_TOP_KEYS = ['apiVersion', 'kind', 'metadata', 'spec'];
const DESIGN_META_KEYS = ['name', 'version', 'id', 'description', 'namespace', 'labels'];
const DESIGN_SPEC_KEYS = ['objects', 'components'];
const COMPONENT_KEYS = ['name', 'mesh', 'version', 'namespace', 'injection', 'mtls'];

export function loadDesign(sources: readonly SourceText[], options: LoadOptions = {}): LoadResult {
  const issues: DesignIssue[] = [];
  const docs: ParsedDoc[] = [];
  for (const source of sources) {
    const parsed = parseSource(source.name, source.text);
    issues.push(...parsed.issues);
    docs.push(...parsed.docs);
  }
  const texts = new Map(sources.map((s) => [s.name, s.text]));
  const first = sources[0]?.name ?? 'stdin';
  const fallback = {
    name: defaultName(options.namedAfter ?? first),
    origin: { file: first, line: 1, col: 1 },
  };
  const result = assembleDesign(docs, texts, fallback, options);
  result.issues.unshift(...issues);
  return result;
}

/** A document nested in another (a library entry's design), with positions still in the outer file. */
export function nestedDoc(doc: ParsedDoc, prefix: FieldPath, value: unknown): ParsedDoc {
  return { value, origin: doc.locate(prefix), locate: (path) => doc.locate([...prefix, ...path]) };
}

/** Builds one design from parsed documents; `fallback` names plain manifests. */
export function assembleDesign(
  docs: readonly ParsedDoc[],
  texts: Map<string, string>,
  fallback: { name: string; origin: Origin },
  options: LoadOptions = {},
): LoadResult {
  const issues: DesignIssue[] = [];
  const objects: DesignObject[] = [];
  const components: DesignComponent[] = [];
  let meta: DesignMeta | undefined;
  let metaOrigin: Origin | undefined;
  let metaAt: ((field: keyof DesignMeta) => Origin) | undefined;
  let format: SourceFormat = 'manifests';

  const adopt = (
    m: DesignMeta,
    at: Origin,
    kind: SourceFormat,
    locate: (field: keyof DesignMeta) => Origin,
  ) => {
    if (meta) {
      issues.push(
        issue(
          'one-design',
          `a second design ("${m.name}") in the same input; the first is "${meta.name}" at ${metaOrigin?.file}:${metaOrigin?.line}`,
          at,
          'apply, diff or import one design at a time',
        ),
      );
      return;
    }
    meta = m;
    metaOrigin = at;
    metaAt = locate;
    format = kind;
  };

  for (const doc of docs) {
    const value = doc.value;
    if (Array.isArray(value)) {
      value.forEach((item, i) => addObject(objects, issues, item, doc, [i]));
      continue;
    }
    if (!isRecord(value)) {
      issues.push(
        issue(
          'not-an-object',
          `this document is a ${describeValue(value)}, not a Kubernetes object or a design`,
          doc.origin,
          'each YAML document must be a mapping with apiVersion, kind and metadata',
        ),
      );
      continue;
    }
    if (value.apiVersion === DESIGN_API_VERSION && value.kind === DESIGN_KIND) {
      const design = readDesignDocument(doc, issues);
      adopt(design.meta, doc.origin, 'design', (field) => doc.locate(['metadata', field]));
      objects.push(...design.objects);
      components.push(...design.components);
    } else if (isMesheryDesign(value)) {
      const converted = convertMesheryDesign(doc);
      issues.push(...converted.issues);
      adopt(converted.meta, doc.origin, 'meshery', (field) => doc.locate([field]));
      objects.push(...converted.objects);
    } else if (isLegacyMesheryPattern(value)) {
      issues.push(
        issue(
          'meshery-legacy',
          'this is an OAM-style Meshery pattern (v1alpha1/v1alpha2 "services"), which meshdeck does not read',
          doc.origin,
          'open it in Meshery and export it again: Meshery converts it to a v1beta1 design',
        ),
      );
    } else if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item, i) => addObject(objects, issues, item, doc, ['items', i]));
    } else {
      addObject(objects, issues, value, doc, []);
    }
  }

  const resolved: DesignMeta = meta ?? { name: fallback.name, version: FIRST_VERSION };
  if (options.name !== undefined) resolved.name = options.name;
  if (options.version !== undefined) resolved.version = options.version;
  const origin = metaOrigin ?? fallback.origin;
  const locateMeta = metaAt;
  const overridden = (field: keyof DesignMeta) =>
    (field === 'name' && options.name !== undefined) ||
    (field === 'version' && options.version !== undefined);
  return {
    design: {
      meta: resolved,
      origin,
      metaAt: (field) => (locateMeta && !overridden(field) ? locateMeta(field) : origin),
      objects,
      components,
      format,
      sources: texts,
    },
    issues,
  };
}

/** Plain manifests are named after their first file or folder ("web.yaml" → "web", "./k8s/" → "k8s"). */
function defaultName(first: string): string {
  const base = basename(first.replace(/[?#].*$/, '').replace(/\/+$/, ''));
  return toDnsLabel(base.slice(0, base.length - extname(base).length)) || 'design';
}

function addObject(
  objects: DesignObject[],
  issues: DesignIssue[],
  value: unknown,
  doc: ParsedDoc,
  prefix: FieldPath,
): void {
  // A nested object's position means re-reading its document: only when a message needs it.
  const at = () => (prefix.length === 0 ? doc.origin : doc.locate(prefix));
  if (!isRecord(value)) {
    issues.push(
      issue(
        'not-an-object',
        `this item is a ${describeValue(value)}, not a Kubernetes object`,
        at(),
        'each object must be a mapping with apiVersion, kind and metadata',
      ),
    );
    return;
  }
  objects.push({
    object: value as KubeObject,
    origin: at(),
    locate: (path) => doc.locate([...prefix, ...path]),
  });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'mapping' : typeof value;
}

interface DesignParts {
  meta: DesignMeta;
  objects: DesignObject[];
  components: DesignComponent[];
}

function readDesignDocument(doc: ParsedDoc, issues: DesignIssue[]): DesignParts {
  const value = doc.value as Record<string, unknown>;
  const at = (path: FieldPath) => doc.locate(path);
  warnUnknownKeys(value, DESIGN_TOP_KEYS, [], 'design', doc, issues);
  const metadata = isRecord(value.metadata) ? value.metadata : undefined;
  const meta: DesignMeta = { name: '', version: '' };
  if (!metadata) {
    issues.push(issue('design-schema', 'the design has no metadata (name and version)', doc.origin));
  } else {
    warnUnknownKeys(metadata, DESIGN_META_KEYS, ['metadata'], 'metadata', doc, issues);
    for (const key of ['name', 'version', 'id', 'description', 'namespace'] as const) {
      const v = metadata[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') {
        issues.push(
          issue('design-schema', `metadata.${key} must be a string`, at(['metadata', key]), 'quote it'),
        );
        continue;
      }
      meta[key] = v;
    }
    if (metadata.labels !== undefined) {
      if (isRecord(metadata.labels) && Object.values(metadata.labels).every((v) => typeof v === 'string')) {
        meta.labels = metadata.labels as Record<string, string>;
      } else {
        issues.push(
          issue('design-schema', 'metadata.labels must map names to strings', at(['metadata', 'labels'])),
        );
      }
    }
  }
  const spec = isRecord(value.spec) ? value.spec : undefined;
  const objects: DesignObject[] = [];
  const components: DesignComponent[] = [];
  if (value.spec !== undefined && !spec) {
    issues.push(issue('design-schema', 'spec must be a mapping with objects and components', at(['spec'])));
  }
  if (spec) {
    warnUnknownKeys(spec, DESIGN_SPEC_KEYS, ['spec'], 'spec', doc, issues);
    if (spec.objects !== undefined && spec.objects !== null) {
      if (!Array.isArray(spec.objects)) {
        issues.push(
          issue(
            'design-schema',
            'spec.objects must be a list of Kubernetes objects',
            at(['spec', 'objects']),
          ),
        );
      } else {
        spec.objects.forEach((item, i) => addObject(objects, issues, item, doc, ['spec', 'objects', i]));
      }
    }
    if (spec.components !== undefined && spec.components !== null) {
      if (!Array.isArray(spec.components)) {
        issues.push(issue('design-schema', 'spec.components must be a list', at(['spec', 'components'])));
      } else {
        spec.components.forEach((item, i) => {
          const component = readComponent(item, doc, ['spec', 'components', i], issues);
          if (component) components.push({ component, origin: at(['spec', 'components', i]) });
        });
      }
    }
  }
  return { meta, objects, components };
}

function readComponent(
  value: unknown,
  doc: ParsedDoc,
  path: FieldPath,
  issues: DesignIssue[],
): MeshComponent | undefined {
  const at = (field: string) => doc.locate([...path, field]);
  if (!isRecord(value)) {
    issues.push(
      issue('component-schema', 'a component must be a mapping with name and mesh', doc.locate(path)),
    );
    return undefined;
  }
  warnUnknownKeys(value, COMPONENT_KEYS, path, 'component', doc, issues);
  const errorsBefore = issues.length;
  const name = value.name;
  if (typeof name !== 'string' || !name) {
    issues.push(issue('component-schema', 'a component needs a name', doc.locate(path)));
  }
  const mesh = value.mesh;
  if (typeof mesh !== 'string' || !(MESHES as readonly string[]).includes(mesh)) {
    issues.push(
      issue(
        'component-schema',
        `component mesh must be one of ${MESHES.join(', ')}${mesh === undefined ? '' : ` (got ${JSON.stringify(mesh)})`}`,
        mesh === undefined ? doc.locate(path) : at('mesh'),
      ),
    );
  }
  for (const key of ['version', 'namespace'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') {
      issues.push(issue('component-schema', `component ${key} must be a string`, at(key), 'quote it'));
    }
  }
  const injection = value.injection;
  if (
    injection !== undefined &&
    !(Array.isArray(injection) && injection.every((n) => typeof n === 'string'))
  ) {
    issues.push(
      issue('component-schema', 'component injection must be a list of namespace names', at('injection')),
    );
  }
  const mtls = value.mtls;
  if (mtls !== undefined && !(MTLS_MODES as readonly unknown[]).includes(mtls)) {
    issues.push(
      issue('component-schema', `component mtls must be one of ${MTLS_MODES.join(', ')}`, at('mtls')),
    );
  }
  if (issues.length > errorsBefore && issues.slice(errorsBefore).some((i) => i.severity === 'error')) {
    return undefined;
  }
  return value as unknown as MeshComponent;
}

function warnUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  path: FieldPath,
  where: string,
  doc: ParsedDoc,
  issues: DesignIssue[],
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    issues.push(
      issue(
        'unknown-field',
        `${where}: unknown field "${key}"; it is ignored`,
        doc.locate([...path, key]),
        `known fields: ${known.join(', ')}`,
        'warning',
      ),
    );
  }
}
