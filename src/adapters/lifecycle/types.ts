// What the mesh lifecycle (deploy, status, upgrade, canary, rollback, remove, inject) needs to know about one
// mesh: its official installer and how to make it render offline, which rendered objects every revision
// shares, how namespaces and pods are put in the mesh, how a proxy's version is read, and the mesh's own
// upgrade rules. The built-in adapters (src/adapters/builtin/<mesh>) implement it; the lifecycle never
// names a mesh itself.
import type { KubeObject } from '../../design/model.js';

export interface Platform {
  /** Go's names: linux, darwin, windows. */
  os: string;
  /** Go's names: amd64, arm64. */
  arch: string;
}

/** Where a release asset lives and how its published SHA-256 is found. */
export interface ReleaseAsset {
  /** The official URL of the asset (a release archive or a raw binary). */
  url: string;
  /** An archive (tar.gz) holding the installer at `member`, or the installer itself. */
  archive: 'tar.gz' | 'raw';
  /** The installer's path inside the archive. */
  member?: string;
  /** How the published digest is read. */
  checksum: ChecksumSource;
}

export type ChecksumSource =
  /** A file whose first whitespace-separated field is the hex digest, or a sha256sum list naming the asset. */
  | { kind: 'file'; url: string }
  /** GitHub's release API: the asset's `digest` ("sha256:<hex>"). */
  | { kind: 'github-release'; url: string; assetName: string };

export interface InstallerSpec {
  /** The program's name on PATH: istioctl, linkerd, kumactl, helm. */
  binary: string;
  /**
   * The installer's own version for a mesh version: the mesh's for istioctl, linkerd and kumactl (one binary
   * renders one version); helm's pinned version for the Helm-rendered meshes (any helm renders any chart).
   */
  installerVersion(meshVersion: string): string;
  /** Whether an installer of another version can render this mesh version (helm can). */
  rendersAnyVersion: boolean;
  /**
   * Whether the same installer and command lines always render the same manifests (no keys, certificates
   * or random checksums generated at render time): then meshdeck caches the render.
   */
  deterministicRender?: boolean;
  asset(installerVersion: string, platform: Platform): ReleaseAsset;
  /** The command line that prints the installer's version, and how to read it from the output. */
  versionCommand: string[];
  parseVersion(output: string): string | undefined;
}

export interface RenderRequest {
  version: string;
  /** Undefined for the default (unrevisioned) control plane. */
  revision?: string;
  namespace: string;
  /** Installer values (`--set path=value`), passed through. */
  set: string[];
  /** The Kubernetes version of the target cluster (Cilium's chart branches on it). */
  kubeVersion: string;
  /** Base of the chart repositories and release URLs (the release mirror, when set). */
  mirror(url: string): string;
}

/** Labels and annotations to set (a string) or remove (null) on a namespace. */
export interface MetadataPatch {
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
}

export interface NamespaceMeta {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PodMeta {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: Array<{ name: string; image: string }>;
  initContainers: Array<{ name: string; image: string }>;
}

/** How workloads join the mesh. */
export interface InjectionModel {
  /**
   * Where the switch is: a namespace label or annotation (Istio, Linkerd, Kuma, Cilium's ztunnel), or the
   * pod template of each workload (Consul has no namespace switch).
   */
  scope: 'namespace' | 'pod-template';
  /** The patch that turns injection on (for a revision, where the mesh has them). */
  enable(revision: string | undefined): MetadataPatch;
  /** The patch that turns it off. */
  disable(): MetadataPatch;
  /** Whether this metadata (a namespace's, or a pod template's) asks for injection, and for which revision. */
  requested(meta: {
    labels: Record<string, string>;
    annotations: Record<string, string>;
  }): { revision: string } | undefined;
}

/** How a pod's proxy shows: its container and version, from the metadata the mesh's injector writes. */
export interface ProxyModel {
  /** The sidecar container's name; undefined for a mesh without sidecars (Cilium). */
  container?: string;
  /** The proxy version of an injected pod; undefined when the pod has no proxy. */
  versionOf(pod: PodMeta): string | undefined;
  /** The revision the pod's proxy belongs to, where the mesh records it. */
  revisionOf?(pod: PodMeta): string | undefined;
  /** The proxy version a control plane of this mesh version injects. */
  expected(version: string): string;
}

export type UpgradeMode = 'in-place' | 'canary';

/** A built-in mesh: everything the lifecycle needs, and nothing it must guess. */
export interface MeshLifecycle {
  /** The key: istio, linkerd, kuma, consul, cilium. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Newest first; the first is the default. */
  readonly versions: readonly string[];
  /** The control plane's namespace. */
  readonly namespace: string;
  /** Whether meshdeck creates the namespace (the installer's render has none). */
  readonly createsNamespace: boolean;
  /** Whether a namespace of the cluster's own (kube-system) that meshdeck must never delete. */
  readonly sharedNamespace: boolean;
  /** Revisioned control planes side by side (Istio only). */
  readonly revisions: boolean;
  readonly installer: InstallerSpec;
  /** The installer runs, in order; their outputs are concatenated (Linkerd: CRDs, then the control plane). */
  renderCommands(request: RenderRequest): string[][];
  /** Objects every revision shares (CRDs and base objects): applied by each, removed only with the mesh. */
  isShared(object: KubeObject): boolean;
  readonly injection: InjectionModel;
  readonly proxy: ProxyModel;
  /** Injector webhooks' names in the render (to report and to compare with other meshes'). */
  isInjectorWebhook(webhookName: string): boolean;
  /** Why an upgrade from one version to another is not supported; undefined when it is. */
  upgradeProblem(from: string, to: string, mode: UpgradeMode): string | undefined;
  /** Revision name for a version (DNS-1123: 1.30.3 → 1-30-3). */
  revisionFor(version: string): string;
  /** A hint shown when a namespace is not injected because pods must be restarted. */
  readonly restartNote?: string;
}
