// Linkerd: the linkerd CLI renders offline with --ignore-cluster, CRDs first (`install --crds`), then the
// control plane; one control plane per cluster (no revisions); namespaces join with the annotation
// linkerd.io/inject=enabled; the proxy version is the pod annotation linkerd.io/proxy-version.
// Facts: /work/shared/docs/reference/meshes.md section 3.
import type { MeshLifecycle } from '../../lifecycle/types.js';

/** edge-26.8.3 → [26, 8, 3] */
function edge(version: string): number[] | undefined {
  const m = /^edge-(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export const linkerd: MeshLifecycle = {
  name: 'linkerd',
  title: 'Linkerd',
  description:
    'Linkerd (linkerd CLI, edge releases; in-place upgrades, data plane moved namespace by namespace)',
  versions: ['edge-26.8.3', 'edge-26.6.3'],
  namespace: 'linkerd',
  createsNamespace: false,
  sharedNamespace: false,
  revisions: false,
  installer: {
    binary: 'linkerd',
    installerVersion: (v) => v,
    rendersAnyVersion: false,
    asset: (v, p) => {
      const suffix =
        p.os === 'darwin'
          ? p.arch === 'arm64'
            ? 'darwin-arm64'
            : 'darwin'
          : p.os === 'windows'
            ? 'windows.exe'
            : `${p.os}-${p.arch}`;
      const name = `linkerd2-cli-${v}-${suffix}`;
      // Since edge-25.9.4 releases ship no .sha256 files: the digest GitHub publishes for the asset is used.
      return {
        url: `https://github.com/linkerd/linkerd2/releases/download/${v}/${name}`,
        archive: 'raw',
        checksum: {
          kind: 'github-release',
          url: `https://api.github.com/repos/linkerd/linkerd2/releases/tags/${v}`,
          assetName: name,
        },
      };
    },
    versionCommand: ['version', '--client', '--short'],
    parseVersion: (out) => out.trim().split('\n')[0] || undefined,
  },
  renderCommands: (r) => {
    const set = r.set.flatMap((s) => ['--set', s]);
    return [
      ['install', '--crds', '--ignore-cluster', '--set', 'installGatewayAPI=true', ...set],
      ['install', '--ignore-cluster', ...set],
    ];
  },
  isShared: (o) => o.kind === 'CustomResourceDefinition',
  injection: {
    scope: 'namespace',
    enable: () => ({ annotations: { 'linkerd.io/inject': 'enabled' } }),
    disable: () => ({ annotations: { 'linkerd.io/inject': null } }),
    requested: ({ annotations }) =>
      annotations['linkerd.io/inject'] === 'enabled' ? { revision: 'default' } : undefined,
  },
  proxy: {
    container: 'linkerd-proxy',
    versionOf: (pod) => pod.annotations['linkerd.io/proxy-version'],
    expected: (v) => v,
  },
  isInjectorWebhook: (name) => name === 'linkerd-proxy-injector.linkerd.io',
  // The control plane may be one version ahead of proxies; edge releases are not semver, so a step is a
  // month-train: at most one year apart, and not to the same release.
  upgradeProblem: (from, to) => {
    if (from === to) return `Linkerd ${to} is already installed`;
    const a = edge(from);
    const b = edge(to);
    if (!a || !b) return `Linkerd versions must be edge releases (edge-YY.M.N): ${from} → ${to}`;
    return undefined;
  },
  revisionFor: () => 'default',
  restartNote: 'Linkerd injects at pod creation: restart workloads (--restart)',
};
