// Istio: istioctl renders (`manifest generate`, offline, deterministic), revisions run side by side, and
// namespaces choose theirs with the istio.io/rev label (istio-injection=enabled for the default one).
// Facts: /work/shared/docs/reference/meshes.md section 2.
import type { MeshLifecycle } from '../../lifecycle/types.js';
import { imageTag } from '../../../kube/image.js';
import { minorSkewProblem } from '../common/versions.js';

const NAMESPACE = 'istio-system';

export const istio: MeshLifecycle = {
  name: 'istio',
  title: 'Istio',
  description: 'Istio service mesh (istioctl; revisioned control planes, canary upgrades)',
  versions: ['1.30.3', '1.29.6', '1.28.10'],
  namespace: NAMESPACE,
  createsNamespace: true,
  sharedNamespace: false,
  revisions: true,
  installer: {
    binary: 'istioctl',
    installerVersion: (v) => v,
    rendersAnyVersion: false,
    // istioctl manifest generate leaves certificates to istiod at run time.
    deterministicRender: true,
    asset: (v, p) => {
      const os = p.os === 'darwin' ? 'osx' : p.os === 'windows' ? 'win' : p.os;
      const file = `istioctl-${v}-${os}-${p.arch}.tar.gz`;
      const url = `https://github.com/istio/istio/releases/download/${v}/${file}`;
      return { url, archive: 'tar.gz', member: 'istioctl', checksum: { kind: 'file', url: `${url}.sha256` } };
    },
    versionCommand: ['version', '--remote=false'],
    parseVersion: (out) => /client version:\s*(\S+)/.exec(out)?.[1],
  },
  renderCommands: (r) => {
    // The minimal profile: istiod only. Gateways are the user's (Istio recommends installing them apart), so
    // two revisions never both own one gateway.
    const args = [
      'manifest',
      'generate',
      '--set',
      'profile=minimal',
      '--set',
      `values.global.istioNamespace=${r.namespace}`,
    ];
    if (r.revision) args.push('--revision', r.revision);
    for (const s of r.set) args.push('--set', s);
    return [args];
  },
  // CRDs and the reader ServiceAccount of the base chart carry no revision in their names.
  isShared: (o) =>
    o.kind === 'CustomResourceDefinition' ||
    (o.kind === 'ServiceAccount' && o.metadata.name === 'istio-reader-service-account'),
  injection: {
    scope: 'namespace',
    enable: (revision) =>
      revision && revision !== 'default'
        ? { labels: { 'istio.io/rev': revision, 'istio-injection': null } }
        : { labels: { 'istio-injection': 'enabled', 'istio.io/rev': null } },
    disable: () => ({ labels: { 'istio-injection': null, 'istio.io/rev': null } }),
    requested: ({ labels }) => {
      // istio-injection takes precedence over istio.io/rev (meshes.md 2.4).
      if (labels['istio-injection'] === 'enabled') return { revision: 'default' };
      if (labels['istio-injection'] === 'disabled') return undefined;
      return labels['istio.io/rev'] ? { revision: labels['istio.io/rev'] } : undefined;
    },
  },
  proxy: {
    container: 'istio-proxy',
    versionOf: (pod) => {
      const proxy = [...pod.containers, ...pod.initContainers].find((c) => c.name === 'istio-proxy');
      return proxy ? imageTag(proxy.image) : undefined;
    },
    revisionOf: (pod) => {
      const status = pod.annotations['sidecar.istio.io/status'];
      if (!status) return pod.annotations['istio.io/rev'];
      try {
        return (JSON.parse(status) as { revision?: string }).revision ?? pod.annotations['istio.io/rev'];
      } catch {
        return pod.annotations['istio.io/rev'];
      }
    },
    expected: (v) => v,
  },
  isInjectorWebhook: (name) => name.endsWith('sidecar-injector.istio.io'),
  // In place: at most one minor either way; with revisions (canary), two (meshes.md 2.5).
  upgradeProblem: (from, to, mode) =>
    mode === 'canary'
      ? minorSkewProblem('Istio', from, to, 2, 'a canary upgrade may jump at most two minor versions')
      : minorSkewProblem(
          'Istio',
          from,
          to,
          1,
          'in place, Istio moves one minor version at a time (a canary upgrade may jump two: add --canary)',
        ),
  revisionFor: (v) => v.replace(/[^a-z0-9]+/gi, '-').toLowerCase(),
  restartNote: 'existing pods get the sidecar when restarted (--restart)',
};
