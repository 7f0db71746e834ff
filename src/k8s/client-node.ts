// The one module that loads @kubernetes/client-node. It is heavy (hundreds of modules), so only modules
// reached through import() use this, and only what meshdeck needs from it is re-exported: kubeconfig
// parsing and the credential plugins (exec, token files, OIDC, cloud providers) behind KubeConfig.
export { KubeConfig, loadYaml } from '@kubernetes/client-node';
export type { Cluster, Context, User } from '@kubernetes/client-node';
