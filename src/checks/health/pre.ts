// --pre: what matters before a mesh is deployed: the Kubernetes version (kubernetes-api), permission to
// create what an install creates, the API groups installs need, and meshes or injectors already there.
import type { Category, SubResult } from '../framework.js';
import { rollUp } from '../framework.js';
import { MESH_PROFILES } from '../meshes.js';
import type { CheckContext } from './context.js';
import { INSTALL_PERMISSIONS, reviewPermissions } from './permissions.js';

export const REQUIRED_GROUP_VERSIONS = [
  'apps/v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'rbac.authorization.k8s.io/v1',
  'policy/v1',
];

export const preInstall: Category<CheckContext> = {
  id: 'pre-install',
  checks: [
    {
      id: 'install-permissions',
      description: 'can create what a mesh install creates',
      hint: 'a mesh install needs cluster-admin-like rights; ask a cluster admin, or let them run meshdeck mesh deploy',
      anchor: 'pre-install-permissions',
      dependsOn: ['kubernetes-api/reachable'],
      run: (ctx) => reviewPermissions(ctx, INSTALL_PERMISSIONS),
    },
    {
      id: 'api-groups',
      description: 'the API groups mesh installs need are served',
      hint: 'the cluster is too old or restricted: these group versions must be served',
      anchor: 'pre-install-api-groups',
      dependsOn: ['kubernetes-api/reachable'],
      run: async (ctx) => {
        const index = await ctx.kube.discovery.index();
        const children: SubResult[] = REQUIRED_GROUP_VERSIONS.map((gv) => {
          const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
          const served = index.data.resources.some((r) => r.group === group && r.version === version);
          return {
            name: gv,
            outcome: served ? 'passed' : 'failed',
            message: served ? 'served' : 'not served',
          };
        });
        return rollUp(children, { outcome: 'passed', message: '' });
      },
    },
    {
      id: 'existing-meshes',
      description: 'meshes already installed',
      hint: 'installing a second mesh beside one is possible, but each namespace must be injected by one mesh only',
      anchor: 'pre-install-existing-meshes',
      dependsOn: ['kubernetes-api/reachable'],
      run: async (ctx) => {
        const meshes = await ctx.meshes();
        const children: SubResult[] = meshes.map((m) => ({
          name: m.profile.mesh,
          outcome: 'info',
          message: `${m.version ?? 'unknown version'} in ${m.namespace}`,
        }));
        return { outcome: 'info', message: meshes.length ? `${meshes.length} found` : 'none', children };
      },
    },
    {
      id: 'conflicting-injectors',
      description: 'no namespace is selected by two meshes’ injectors',
      hint: 'remove one mesh’s injection label or annotation from the namespace',
      anchor: 'pre-install-conflicting-injectors',
      dependsOn: ['kubernetes-api/reachable'],
      run: async (ctx) => {
        const children: SubResult[] = [];
        for (const ns of await ctx.list('v1', 'Namespace')) {
          const meshes = MESH_PROFILES.filter((p) => p.namespaceInjection(ns) === 'enabled').map(
            (p) => p.mesh,
          );
          if (meshes.length > 1)
            children.push({
              name: ns.metadata.name ?? '',
              outcome: 'failed',
              message: `injected by ${meshes.join(' and ')}`,
            });
        }
        return rollUp(children, { outcome: 'passed', message: 'none' });
      },
    },
  ],
};
