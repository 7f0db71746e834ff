// How a context looks in tables and machine output; shared by list and view.
import { API_VERSION } from '../../core/output/formats.js';
import type { ListView } from '../../core/output/printer.js';
import { describeCluster, describeProvider, type ContextSpec } from '../../core/config/model.js';

export interface ContextRow {
  spec: ContextSpec;
  current: boolean;
}

export const contextView: ListView<ContextRow> = {
  kind: 'Context',
  columns: [
    { header: 'current', value: (r) => (r.current ? '*' : '') },
    { header: 'name', value: (r) => r.spec.name },
    { header: 'cluster', value: (r) => describeCluster(r.spec.cluster) },
    { header: 'namespace', value: (r) => r.spec.namespace },
    { header: 'provider', value: (r) => describeProvider(r.spec.provider) },
    {
      header: 'kubeconfig',
      value: (r) => (r.spec.cluster.sandbox ? '' : (r.spec.cluster.kubeconfig ?? '')),
      wide: true,
    },
  ],
  toData: (r) => ({
    apiVersion: API_VERSION,
    kind: 'Context',
    name: r.spec.name,
    current: r.current,
    builtin: Boolean(r.spec.builtin),
    cluster: r.spec.cluster,
    provider: r.spec.provider,
    namespace: r.spec.namespace,
  }),
};
