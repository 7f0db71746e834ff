// The categories `meshdeck check` runs, by mode: --pre before a mesh deploy, the default after, --proxy adds
// the data plane.
import type { Category } from '../framework.js';
import { adapters } from './adapters.js';
import type { CheckContext } from './context.js';
import { controlPlane } from './control-plane.js';
import { dataPlane } from './data-plane.js';
import { kubernetesApi } from './kubernetes.js';
import { permissions } from './permissions.js';
import { preInstall } from './pre.js';
import { provider } from './provider.js';
import { sandbox } from './sandbox.js';

export interface CheckSelection {
  pre: boolean;
  proxy: boolean;
  provider: boolean;
  sandbox: boolean;
}

export function healthCategories(s: CheckSelection): Category<CheckContext>[] {
  if (s.pre) return [kubernetesApi, preInstall];
  return [
    kubernetesApi,
    permissions,
    ...(s.provider ? [provider] : []),
    adapters,
    controlPlane,
    ...(s.proxy ? [dataPlane] : []),
    ...(s.sandbox ? [sandbox] : []),
  ];
}

export type { CheckContext, ProviderProbe } from './context.js';
export { memo } from './context.js';
