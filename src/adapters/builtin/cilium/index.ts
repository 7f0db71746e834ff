// Cilium: rendered with `helm template` of chart cilium/cilium into kube-system (which meshdeck never
// creates or deletes); no sidecars and no injector: a namespace joins ztunnel mTLS with the label
// io.cilium/mtls-enabled=true; upgrades go one minor version at a time; no revisions.
// Facts: /work/shared/docs/reference/meshes.md section 6.
import type { MeshLifecycle } from '../../lifecycle/types.js';
import { HELM_INSTALLER, minorSkewProblem } from '../common/versions.js';

export const cilium: MeshLifecycle = {
  name: 'cilium',
  title: 'Cilium',
  description: 'Cilium (helm chart cilium/cilium; sidecar-less, the CNI; one minor version at a time)',
  versions: ['1.19.5'],
  namespace: 'kube-system',
  createsNamespace: false,
  sharedNamespace: true,
  revisions: false,
  installer: HELM_INSTALLER,
  renderCommands: (r) => [
    [
      'template',
      'cilium',
      'cilium',
      '--repo',
      r.mirror('https://helm.cilium.io'),
      '--version',
      r.version,
      '--namespace',
      r.namespace,
      '--kube-version',
      r.kubeVersion,
      ...r.set.flatMap((s) => ['--set', s]),
    ],
  ],
  isShared: (o) => o.kind === 'CustomResourceDefinition',
  injection: {
    scope: 'namespace',
    enable: () => ({ labels: { 'io.cilium/mtls-enabled': 'true' } }),
    disable: () => ({ labels: { 'io.cilium/mtls-enabled': null } }),
    requested: ({ labels }) =>
      labels['io.cilium/mtls-enabled'] === 'true' ? { revision: 'default' } : undefined,
  },
  proxy: {
    versionOf: () => undefined,
    expected: (v) => v,
  },
  isInjectorWebhook: () => false,
  upgradeProblem: (from, to) =>
    minorSkewProblem('Cilium', from, to, 1, 'Cilium tests consecutive minor upgrades and rollbacks only'),
  revisionFor: () => 'default',
};
