// Mesh components become Kubernetes objects: sidecar injection is a label or annotation on the design's
// own Namespace objects, and mTLS is a mesh policy object. Installing the mesh itself is not a design's job
// (meshdeck mesh deploy); a design only states how its workloads use it.
import { issue, type DesignIssue } from './issues.js';
import type {
  DesignComponent,
  DesignObject,
  KubeObject,
  MeshComponent,
  MeshName,
  MtlsMode,
} from './model.js';

interface MeshSupport {
  /** How a namespace asks for the sidecar. */
  injection?: { where: 'labels' | 'annotations'; key: string; value: string };
  /** The objects or namespace settings that set the mTLS mode, or why the mode cannot be set. */
  mtls?: (mode: MtlsMode, component: MeshComponent) => MtlsRendering | string;
}

type MtlsRendering =
  | { kind: 'object'; object: KubeObject }
  | { kind: 'namespace'; where: 'labels' | 'annotations'; key: string; value: string };

const SUPPORT: Record<MeshName, MeshSupport> = {
  istio: {
    injection: { where: 'labels', key: 'istio-injection', value: 'enabled' },
    mtls: (mode, c) => ({
      kind: 'object',
      object: {
        apiVersion: 'security.istio.io/v1beta1',
        kind: 'PeerAuthentication',
        // "default" in the root namespace is Istio's mesh-wide policy.
        metadata: { name: 'default', namespace: c.namespace ?? 'istio-system' },
        spec: { mtls: { mode: { strict: 'STRICT', permissive: 'PERMISSIVE', disabled: 'DISABLE' }[mode] } },
      },
    }),
  },
  linkerd: {
    injection: { where: 'annotations', key: 'linkerd.io/inject', value: 'enabled' },
    mtls: (mode) =>
      mode === 'disabled'
        ? 'Linkerd always encrypts traffic between meshed pods; mtls can be strict or permissive'
        : {
            kind: 'namespace',
            where: 'annotations',
            key: 'config.linkerd.io/default-inbound-policy',
            value: mode === 'strict' ? 'all-authenticated' : 'all-unauthenticated',
          },
  },
  kuma: {
    injection: { where: 'labels', key: 'kuma.io/sidecar-injection', value: 'enabled' },
    mtls: (mode) =>
      mode === 'disabled'
        ? 'for Kuma, leave mtls out to keep the mesh as it is; meshdeck does not switch mTLS off'
        : {
            kind: 'object',
            object: {
              apiVersion: 'kuma.io/v1alpha1',
              kind: 'Mesh',
              metadata: { name: 'default' },
              spec: {
                mtls: {
                  enabledBackend: 'ca-1',
                  backends: [
                    { name: 'ca-1', type: 'builtin', mode: mode === 'strict' ? 'STRICT' : 'PERMISSIVE' },
                  ],
                },
              },
            },
          },
  },
  consul: {},
  cilium: {},
};

export interface ExpandedObjects {
  objects: DesignObject[];
  issues: DesignIssue[];
}

/**
 * The objects a design applies: its own, with the components' settings merged into its Namespace objects
 * (copies; the design itself is left as written), followed by the components' policy objects.
 */
export function expandComponents(
  objects: readonly DesignObject[],
  components: readonly DesignComponent[],
): ExpandedObjects {
  const issues: DesignIssue[] = [];
  const extra: DesignObject[] = [];
  const namespaceEdits = new Map<
    string,
    Array<{ where: 'labels' | 'annotations'; key: string; value: string }>
  >();
  const declared = new Set(
    objects
      .filter((o) => o.object.kind === 'Namespace' && o.object.apiVersion === 'v1')
      .map((o) => o.object.metadata?.name),
  );
  const seenMeshes = new Map<string, DesignComponent>();
  const seenNames = new Set<string>();

  for (const entry of components) {
    const { component: c, origin } = entry;
    if (seenNames.has(c.name)) {
      issues.push(issue('component-duplicate', `two components are named "${c.name}"`, origin));
    }
    seenNames.add(c.name);
    const previous = seenMeshes.get(c.mesh);
    if (previous) {
      issues.push(
        issue(
          'component-duplicate',
          `component "${c.name}" configures ${c.mesh} again (first: "${previous.component.name}")`,
          origin,
          'describe each mesh once',
        ),
      );
      continue;
    }
    seenMeshes.set(c.mesh, entry);
    const support = SUPPORT[c.mesh];
    const injected = c.injection ?? [];
    if (injected.length > 0 && !support.injection) {
      issues.push(
        issue(
          'component-unsupported',
          `${c.mesh} has no per-namespace sidecar injection for meshdeck to set`,
          origin,
        ),
      );
    }
    for (const ns of injected) {
      if (!declared.has(ns)) {
        issues.push(
          issue(
            'component-namespace',
            `component "${c.name}" injects into namespace "${ns}", which the design does not declare`,
            origin,
            `add a Namespace object named "${ns}" to the design`,
          ),
        );
      } else if (support.injection) {
        editsFor(namespaceEdits, ns).push(support.injection);
      }
    }
    if (c.mtls === undefined) continue;
    if (!support.mtls) {
      issues.push(issue('component-unsupported', `meshdeck cannot set the mTLS mode of ${c.mesh}`, origin));
      continue;
    }
    const rendering = support.mtls(c.mtls, c);
    if (typeof rendering === 'string') {
      issues.push(issue('component-unsupported', `component "${c.name}": ${rendering}`, origin));
    } else if (rendering.kind === 'object') {
      extra.push({ object: rendering.object, origin, locate: () => origin });
    } else if (injected.length === 0) {
      issues.push(
        issue(
          'component-namespace',
          `component "${c.name}": ${c.mesh} sets mTLS per namespace; list the namespaces under injection`,
          origin,
        ),
      );
    } else {
      for (const ns of injected) if (declared.has(ns)) editsFor(namespaceEdits, ns).push(rendering);
    }
  }

  const expanded = objects.map((o) => {
    const edits =
      o.object.kind === 'Namespace' ? namespaceEdits.get(o.object.metadata?.name ?? '') : undefined;
    if (!edits) return o;
    const metadata = { ...o.object.metadata };
    for (const edit of edits)
      metadata[edit.where] = { ...(metadata[edit.where] ?? {}), [edit.key]: edit.value };
    return { ...o, object: { ...o.object, metadata } };
  });
  return { objects: [...expanded, ...extra], issues };
}

function editsFor<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
