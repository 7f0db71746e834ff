// Meshery design files (PatternFile, schemaVersion designs.meshery.io/v1beta1 and later): each component
// that stands for a Kubernetes resource becomes an object, built from component.version (its apiVersion),
// component.kind and configuration (the resource body). Annotation components (text, shapes, arrows) are
// drawing aids and are dropped, as Meshery drops them before deploying.
import { issue, type DesignIssue } from './issues.js';
import { FIRST_VERSION, type DesignMeta, type DesignObject, type KubeObject } from './model.js';
import type { ParsedDoc } from './parse.js';
import { isRecord, toDnsLabel, SEMVER } from './names.js';

export function isMesheryDesign(value: Record<string, unknown>): boolean {
  if (typeof value.schemaVersion === 'string' && value.schemaVersion.startsWith('designs.meshery.io/'))
    return true;
  return value.apiVersion === undefined && Array.isArray(value.components) && typeof value.name === 'string';
}

/** Meshery's older OAM-style pattern (services: {...}). */
export function isLegacyMesheryPattern(value: Record<string, unknown>): boolean {
  return value.apiVersion === undefined && isRecord(value.services);
}

export interface MesheryConversion {
  meta: DesignMeta;
  objects: DesignObject[];
  /** Annotation components left out. */
  dropped: number;
  issues: DesignIssue[];
}

export function convertMesheryDesign(doc: ParsedDoc): MesheryConversion {
  const value = doc.value as Record<string, unknown>;
  const issues: DesignIssue[] = [];
  const rawName = typeof value.name === 'string' ? value.name : '';
  const name = toDnsLabel(rawName) || 'meshery-design';
  const version =
    typeof value.version === 'string' && SEMVER.test(value.version) ? value.version : FIRST_VERSION;
  const meta: DesignMeta = { name, version };
  if (typeof value.id === 'string' && value.id) meta.id = value.id;
  if (rawName && rawName !== name) meta.description = rawName;

  const objects: DesignObject[] = [];
  let dropped = 0;
  const components = Array.isArray(value.components) ? value.components : [];
  components.forEach((raw, index) => {
    const path = ['components', index];
    const at = doc.locate(path);
    if (!isRecord(raw)) {
      issues.push(issue('meshery-component', `components[${index}] is not a mapping`, at));
      return;
    }
    const meta = isRecord(raw.metadata) ? raw.metadata : {};
    if (meta.isAnnotation === true) {
      dropped++;
      return;
    }
    const component = isRecord(raw.component) ? raw.component : {};
    const kind = component.kind;
    const apiVersion = component.version;
    const label = typeof raw.displayName === 'string' ? raw.displayName : `components[${index}]`;
    if (typeof kind !== 'string' || !kind || typeof apiVersion !== 'string' || !apiVersion) {
      issues.push(
        issue(
          'meshery-component',
          `component "${label}" has no component.kind and component.version, so it names no Kubernetes resource`,
          at,
          'each component needs component.kind and component.version (its apiVersion)',
        ),
      );
      return;
    }
    const configuration = isRecord(raw.configuration) ? raw.configuration : {};
    const { apiVersion: _a, kind: _k, status: _s, ...body } = configuration;
    const metadata = isRecord(body.metadata) ? { ...body.metadata } : {};
    if (typeof metadata.name !== 'string' || !metadata.name) {
      const fromDisplay = typeof raw.displayName === 'string' ? toDnsLabel(raw.displayName) : '';
      if (fromDisplay) metadata.name = fromDisplay;
    }
    const object = { apiVersion, kind, ...body, metadata } as KubeObject;
    const configPath = isRecord(raw.configuration) ? [...path, 'configuration'] : path;
    objects.push({
      object,
      origin: at,
      locate: (field) =>
        field[0] === 'apiVersion' || field[0] === 'kind'
          ? doc.locate([...path, 'component', field[0] === 'kind' ? 'kind' : 'version'])
          : doc.locate([...configPath, ...field]),
    });
  });
  return { meta, objects, dropped, issues };
}
