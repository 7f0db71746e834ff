// Consul on Kubernetes: rendered with `helm template` of chart hashicorp/consul (global.name=consul), one
// control plane (no revisions). There is no namespace switch: pods opt in with the annotation
// consul.hashicorp.com/connect-inject=true, so meshdeck sets it on each workload's pod template.
// Facts: /work/shared/docs/reference/meshes.md section 5.
import type { MeshLifecycle } from '../../lifecycle/types.js';
import { HELM_INSTALLER, minorSkewProblem } from '../common/versions.js';

const INJECT = 'consul.hashicorp.com/connect-inject';

export const consul: MeshLifecycle = {
  name: 'consul',
  title: 'Consul',
  description: 'Consul service mesh (helm chart hashicorp/consul; pods opt in by annotation)',
  versions: ['2.0.3', '1.9.11'],
  namespace: 'consul',
  createsNamespace: true,
  sharedNamespace: false,
  revisions: false,
  installer: HELM_INSTALLER,
  renderCommands: (r) => [
    [
      'template',
      'consul',
      'consul',
      '--repo',
      r.mirror('https://helm.releases.hashicorp.com'),
      '--version',
      r.version,
      '--namespace',
      r.namespace,
      '--kube-version',
      r.kubeVersion,
      '--set',
      'global.name=consul',
      ...r.set.flatMap((s) => ['--set', s]),
    ],
  ],
  isShared: (o) => o.kind === 'CustomResourceDefinition',
  injection: {
    scope: 'pod-template',
    enable: () => ({ annotations: { [INJECT]: 'true' } }),
    disable: () => ({ annotations: { [INJECT]: null } }),
    requested: ({ annotations }) => (annotations[INJECT] === 'true' ? { revision: 'default' } : undefined),
  },
  proxy: {
    container: 'consul-dataplane',
    versionOf: (pod) => pod.annotations['consul.hashicorp.com/consul-k8s-version']?.replace(/^v/, ''),
    expected: (v) => v,
  },
  isInjectorWebhook: (name) => name.endsWith('connect-injector.consul.hashicorp.com'),
  upgradeProblem: (from, to) =>
    minorSkewProblem(
      'Consul',
      from,
      to,
      1,
      'keep chart, control plane and CLI together, one minor version at a time',
    ),
  revisionFor: () => 'default',
};
