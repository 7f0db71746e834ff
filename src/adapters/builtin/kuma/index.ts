// Kuma: kumactl renders offline (`install control-plane --without-kubernetes-connection`), one control plane
// per zone (no revisions), namespaces join with the label kuma.io/sidecar-injection=enabled, upgrades may
// jump two minor versions. Facts: /work/shared/docs/reference/meshes.md section 4.
import type { MeshLifecycle } from '../../lifecycle/types.js';
import { imageTag } from '../../../kube/image.js';
import { minorSkewProblem } from '../common/versions.js';

export const kuma: MeshLifecycle = {
  name: 'kuma',
  title: 'Kuma',
  description: 'Kuma (kumactl; in-place upgrades of up to two minor versions)',
  versions: ['2.14.3', '2.13.10', '2.12.14'],
  namespace: 'kuma-system',
  createsNamespace: false,
  sharedNamespace: false,
  revisions: false,
  installer: {
    binary: 'kumactl',
    installerVersion: (v) => v,
    rendersAnyVersion: false,
    asset: (v, p) => {
      const file = `kuma-${v}-${p.os}-${p.arch}.tar.gz`;
      const url = `https://packages.konghq.com/public/kuma-binaries-release/raw/names/kuma-${p.os}-${p.arch}/versions/${v}/${file}`;
      return {
        url,
        archive: 'tar.gz',
        member: `kuma-${v}/bin/kumactl`,
        checksum: { kind: 'file', url: `${url}.sha256` },
      };
    },
    versionCommand: ['version'],
    parseVersion: (out) => /Client:\s*Kuma\s+(\S+)/.exec(out)?.[1],
  },
  renderCommands: (r) => [
    [
      'install',
      'control-plane',
      '--without-kubernetes-connection',
      '--namespace',
      r.namespace,
      ...r.set.flatMap((s) => ['--set', s]),
    ],
  ],
  isShared: (o) => o.kind === 'CustomResourceDefinition',
  injection: {
    scope: 'namespace',
    enable: () => ({ labels: { 'kuma.io/sidecar-injection': 'enabled' } }),
    disable: () => ({ labels: { 'kuma.io/sidecar-injection': null } }),
    requested: ({ labels }) =>
      ['enabled', 'true'].includes(labels['kuma.io/sidecar-injection'] ?? '')
        ? { revision: 'default' }
        : undefined,
  },
  proxy: {
    container: 'kuma-sidecar',
    versionOf: (pod) => {
      const c = [...pod.initContainers, ...pod.containers].find((x) => x.name === 'kuma-sidecar');
      return c ? imageTag(c.image) : undefined;
    },
    expected: (v) => v,
  },
  isInjectorWebhook: (name) => name.endsWith('kuma-injector.kuma.io'),
  upgradeProblem: (from, to) =>
    minorSkewProblem('Kuma', from, to, 2, 'Kuma upgrades at most two minor versions at a time'),
  revisionFor: () => 'default',
  restartNote: 'Kuma injects at pod creation: restart workloads (--restart)',
};
