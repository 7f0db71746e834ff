import { BUILTIN_MESHES } from '../../adapters/builtin/index.js';
import type { MeshLifecycle } from '../../adapters/lifecycle/types.js';
import type { Invocation } from '../shared/invocation.js';

export { noOptions as complete } from '../shared/convention.js';

export async function run(inv: Invocation): Promise<void> {
  await inv.out.list(BUILTIN_MESHES, {
    kind: 'Mesh',
    columns: [
      { header: 'MESH', value: (m: MeshLifecycle) => m.name },
      { header: 'DEFAULT', value: (m) => m.versions[0] },
      { header: 'VERSIONS', value: (m) => m.versions.join(', ') },
      { header: 'INSTALLER', value: (m) => m.installer.binary },
      { header: 'REVISIONS', value: (m) => (m.revisions ? 'yes' : 'no') },
      { header: 'NAMESPACE', value: (m) => m.namespace, wide: true },
      { header: 'DESCRIPTION', value: (m) => m.description, wide: true },
    ],
    toData: (m) => ({
      name: m.name,
      title: m.title,
      defaultVersion: m.versions[0],
      versions: m.versions,
      installer: m.installer.binary,
      revisions: m.revisions,
      namespace: m.namespace,
      injection: m.injection.scope,
      description: m.description,
    }),
  });
}
