// Injection rules for every sidecar mesh, from the mesh tables: pods without the sidecar their namespace
// asks for, pods contradicting their namespace, namespaces two injectors select.
import { hasSidecar, MESH_PROFILES } from '../../meshes.js';
import type { Rule } from '../base/model.js';
import { asPodLike, sidecarMeshes } from './helpers.js';

export const MESH_RULES: Rule[] = [
  {
    code: 'MD0005',
    name: 'PodMissingSidecar',
    severity: 'warning',
    scope: 'mesh',
    control: 'workload-isolation',
    title: 'a running pod in a namespace labelled for injection has no sidecar',
    fileLevel: false,
    check(index, ctx) {
      for (const ns of index.namespaces.values()) {
        for (const profile of sidecarMeshes()) {
          if (profile.namespaceInjection(ns.object) !== 'enabled') continue;
          for (const p of index.pods(ns.name)) {
            if (!p.live || !p.running || profile.podInjection(asPodLike(p)) === 'disabled') continue;
            if (!hasSidecar(profile, asPodLike(p))) {
              ctx.report(
                p.entry,
                `pod ${ns.name}/${p.entry.name} runs without ${profile.sidecars[0]} although namespace ${ns.name} is labelled for ${profile.mesh} injection (restart it to inject)`,
              );
            }
          }
        }
      }
    },
  },
  {
    code: 'MD0006',
    name: 'PodInjectionContradictsNamespace',
    severity: 'warning',
    scope: 'mesh',
    control: 'workload-isolation',
    title: "a pod's injection label or annotation contradicts its namespace's",
    fileLevel: true,
    check(index, ctx) {
      for (const ns of index.namespaces.values()) {
        for (const profile of sidecarMeshes()) {
          const nsWants = profile.namespaceInjection(ns.object);
          if (nsWants === undefined) continue;
          for (const p of index.pods(ns.name)) {
            if (p.live && p.owned) continue; // its template speaks for it
            const podWants = profile.podInjection(asPodLike(p));
            if (podWants !== undefined && podWants !== nsWants) {
              ctx.report(
                p.entry,
                `${p.entry.object.kind} ${ns.name}/${p.entry.name} has ${profile.mesh} injection ${podWants} while namespace ${ns.name} has it ${nsWants}`,
                [...p.specPath.slice(0, -1), 'metadata'],
              );
            }
          }
        }
      }
    },
  },
  {
    code: 'MD0007',
    name: 'NamespaceInjectedByTwoMeshes',
    severity: 'error',
    scope: 'mesh',
    control: 'workload-isolation',
    title: "two meshes' injectors select the same namespace",
    fileLevel: true,
    check(index, ctx) {
      for (const ns of index.namespaces.values()) {
        const meshes = MESH_PROFILES.filter((p) => p.namespaceInjection(ns.object) === 'enabled').map(
          (p) => p.mesh,
        );
        if (meshes.length > 1) {
          ctx.report(
            ns,
            `namespace ${ns.name} is selected for injection by ${meshes.join(' and ')}: its pods would get two sidecars`,
            ['metadata'],
          );
        }
      }
    },
  },
];
