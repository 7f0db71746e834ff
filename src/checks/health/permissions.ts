// permissions: what meshdeck needs, asked of the API server itself (SelfSubjectAccessReview), so RBAC,
// webhooks authorizers and cluster policy all have their say.
import { describePermission, type Permission } from '../../k8s/preflight/permissions.js';
import type { Category, CheckReturn, SubResult } from '../framework.js';
import type { CheckContext } from './context.js';

const read = (resource: string, group = ''): Permission[] =>
  ['list', 'watch'].map((verb) => ({ verb, group, resource }));

/** What check, analyze and cluster snapshot read, cluster-wide. */
export const READ_PERMISSIONS: Permission[] = [
  ...read('namespaces'),
  ...read('pods'),
  ...read('services'),
  ...read('configmaps'),
  ...read('deployments', 'apps'),
  ...read('customresourcedefinitions', 'apiextensions.k8s.io'),
  ...read('mutatingwebhookconfigurations', 'admissionregistration.k8s.io'),
];

/** What design apply needs in the context's namespace. */
export function writePermissions(namespace: string): Permission[] {
  return ['deployments:apps', 'services:', 'configmaps:'].flatMap((r) => {
    const [resource, group] = r.split(':');
    return ['create', 'patch', 'delete'].map((verb) => ({ verb, group, resource, namespace }));
  });
}

/** What a mesh install creates (istioctl precheck's list, IST0141). */
export const INSTALL_PERMISSIONS: Permission[] = [
  ['namespaces', ''],
  ['clusterroles', 'rbac.authorization.k8s.io'],
  ['clusterrolebindings', 'rbac.authorization.k8s.io'],
  ['customresourcedefinitions', 'apiextensions.k8s.io'],
  ['mutatingwebhookconfigurations', 'admissionregistration.k8s.io'],
  ['validatingwebhookconfigurations', 'admissionregistration.k8s.io'],
  ['roles', 'rbac.authorization.k8s.io'],
  ['serviceaccounts', ''],
  ['services', ''],
  ['deployments', 'apps'],
  ['configmaps', ''],
  ['secrets', ''],
].map(([resource, group]) => ({ verb: 'create', group, resource }));

/** Asks every permission at once; one child per denied permission. */
export async function reviewPermissions(
  ctx: CheckContext,
  wanted: readonly Permission[],
): Promise<CheckReturn> {
  const answers = await Promise.all(wanted.map(async (p) => ({ p, a: await ctx.kube.canI(p) })));
  const denied: SubResult[] = answers
    .filter(({ a }) => !a.allowed)
    .map(({ p, a }) => ({ name: describePermission(p), outcome: 'failed', message: a.reason || 'denied' }));
  if (denied.length === 0) return { outcome: 'passed', message: `all ${wanted.length} allowed` };
  return { outcome: 'failed', message: `${denied.length} of ${wanted.length} denied`, children: denied };
}

export const permissions: Category<CheckContext> = {
  id: 'permissions',
  checks: [
    {
      id: 'read',
      description: 'can read the objects checks and analysis look at',
      hint: 'ask a cluster admin for a ClusterRole with list and watch on these resources (docs/checks.md lists them)',
      anchor: 'permissions-read',
      dependsOn: ['kubernetes-api/reachable'],
      run: (ctx) => reviewPermissions(ctx, READ_PERMISSIONS),
    },
    {
      id: 'write',
      description: "can apply designs in the context's namespace",
      hint: 'ask for a Role with create, patch and delete on these resources in the namespace, or pick another with -n',
      anchor: 'permissions-write',
      dependsOn: ['kubernetes-api/reachable'],
      run: (ctx) => reviewPermissions(ctx, writePermissions(ctx.namespace)),
    },
  ],
};
