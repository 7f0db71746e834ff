// Istio rules: mTLS (PeerAuthentication and DestinationRule), injection labels, and references between
// VirtualServices, Gateways, DestinationRules and Services. Facts: meshes.md 2.4, 2.6 and 2.8.
import { hasSidecar } from '../../meshes.js';
import { rec, str, type ObjectIndex } from '../base/object-index.js';
import type { Entry, Rule, RuleContext } from '../base/model.js';
import {
  asPodLike,
  describe,
  ISTIO,
  ISTIO_ROOT_NAMESPACE,
  labelsOf,
  meshedNamespaces,
  PeerAuthentications,
  spec,
} from './helpers.js';

const VS = 'networking.istio.io/VirtualService';
const DR = 'networking.istio.io/DestinationRule';
const GW = 'networking.istio.io/Gateway';
const PA = 'security.istio.io/PeerAuthentication';
const AP = 'security.istio.io/AuthorizationPolicy';

type Path = (string | number)[];

interface RouteDestination {
  host: string;
  subset?: string;
  path: Path;
}

/** Every destination of a VirtualService's http, tcp and tls routes, with its field path. */
function destinations(vs: Entry): RouteDestination[] {
  const out: RouteDestination[] = [];
  for (const section of ['http', 'tcp', 'tls'] as const) {
    const routes = (spec(vs)[section] as unknown[] | undefined) ?? [];
    routes.forEach((route, i) => {
      const targets = (rec(route).route as unknown[] | undefined) ?? [];
      targets.forEach((t, j) => {
        const d = rec(rec(t).destination);
        if (typeof d.host === 'string') {
          out.push({
            host: d.host,
            subset: d.subset as string | undefined,
            path: ['spec', section, i, 'route', j, 'destination', 'host'],
          });
        }
      });
    });
  }
  return out;
}

/** A DestinationRule's TLS mode at the top level (port-level and subset settings are separate). */
function drTlsMode(dr: Entry): string | undefined {
  return rec(rec(spec(dr).trafficPolicy).tls).mode as string | undefined;
}

function drTlsSettings(dr: Entry): Array<{ tls: Record<string, unknown>; path: Path }> {
  const out: Array<{ tls: Record<string, unknown>; path: Path }> = [];
  const policy = rec(spec(dr).trafficPolicy);
  if (policy.tls) out.push({ tls: rec(policy.tls), path: ['spec', 'trafficPolicy', 'tls', 'mode'] });
  ((policy.portLevelSettings as unknown[] | undefined) ?? []).forEach((p, i) => {
    if (rec(p).tls)
      out.push({
        tls: rec(rec(p).tls),
        path: ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode'],
      });
  });
  ((spec(dr).subsets as unknown[] | undefined) ?? []).forEach((s, i) => {
    const tls = rec(rec(rec(s).trafficPolicy).tls);
    if (Object.keys(tls).length)
      out.push({ tls, path: ['spec', 'subsets', i, 'trafficPolicy', 'tls', 'mode'] });
  });
  return out;
}

function serviceSelector(service: Entry): Record<string, string> | undefined {
  const selector = spec(service).selector as Record<string, string> | undefined;
  return selector && Object.keys(selector).length > 0 ? selector : undefined;
}

export const ISTIO_RULES: Rule[] = [
  {
    code: 'MD0001',
    name: 'MtlsNotStrict',
    severity: 'warning',
    scope: 'istio',
    control: 'transport-encryption',
    title: 'mTLS is not STRICT in a namespace that holds Istio-injected workloads',
    fileLevel: false,
    check(index, ctx) {
      const pas = new PeerAuthentications(index);
      for (const ns of meshedNamespaces(index, ISTIO)) {
        if (ns === ISTIO_ROOT_NAMESPACE) continue;
        const { mode, from } = pas.forNamespace(ns);
        if (mode === 'STRICT') continue;
        const target = index.namespaces.get(ns) ?? from;
        if (!target) continue;
        ctx.report(
          target,
          `namespace ${ns} holds Istio-injected workloads but mTLS in force is ${mode} (${describe(from)})`,
          from === target ? ['spec', 'mtls', 'mode'] : undefined,
        );
      }
    },
  },
  {
    code: 'MD0002',
    name: 'PermissiveMeshWide',
    severity: 'warning',
    scope: 'istio',
    control: 'transport-encryption',
    title: 'a mesh-wide PeerAuthentication leaves mTLS PERMISSIVE',
    fileLevel: true,
    check(index, ctx) {
      for (const pa of index.kind(PA)) {
        if (
          pa.namespace !== ISTIO_ROOT_NAMESPACE ||
          Object.keys(rec(rec(spec(pa).selector).matchLabels)).length
        )
          continue;
        const mode = (rec(spec(pa).mtls).mode as string | undefined) ?? 'UNSET';
        if (mode === 'PERMISSIVE' || mode === 'UNSET' || mode === 'DISABLE') {
          ctx.report(
            pa,
            `mesh-wide PeerAuthentication ${pa.namespace}/${pa.name} sets mTLS ${mode}: plaintext is accepted everywhere`,
            ['spec', 'mtls', 'mode'],
          );
        }
      }
    },
  },
  {
    code: 'MD0003',
    name: 'DestinationRuleTlsConflict',
    severity: 'error',
    scope: 'istio',
    control: 'transport-encryption',
    title: "a DestinationRule's TLS mode contradicts the PeerAuthentication in force for its host",
    fileLevel: true,
    check(index, ctx) {
      const pas = new PeerAuthentications(index);
      for (const dr of index.kind(DR)) {
        const mode = drTlsMode(dr);
        if (!mode) continue;
        const found = index.lookupHost(str(spec(dr).host ?? ''), dr.namespace);
        if (!found.service?.namespace) continue;
        const labels = serviceSelector(found.service) ?? {};
        const policy = pas.forWorkload(found.service.namespace, labels);
        if (mode === 'DISABLE' && policy.mode === 'STRICT') {
          ctx.report(
            dr,
            `DestinationRule ${dr.namespace}/${dr.name} sends plaintext (tls.mode DISABLE) to ${str(spec(dr).host)}, which requires mTLS (STRICT, ${describe(policy.from)}): requests fail with 503`,
            ['spec', 'trafficPolicy', 'tls', 'mode'],
          );
        } else if (mode === 'ISTIO_MUTUAL' && policy.mode === 'DISABLE') {
          ctx.report(
            dr,
            `DestinationRule ${dr.namespace}/${dr.name} sends Istio mTLS to ${str(spec(dr).host)}, which accepts plaintext only (DISABLE, ${describe(policy.from)})`,
            ['spec', 'trafficPolicy', 'tls', 'mode'],
          );
        }
      }
    },
  },
  {
    code: 'MD0004',
    name: 'IstioMutualToNonMesh',
    severity: 'warning',
    scope: 'istio',
    control: 'transport-encryption',
    title: 'a DestinationRule sends ISTIO_MUTUAL to a Service whose pods have no sidecar',
    fileLevel: false,
    check(index, ctx) {
      for (const dr of index.kind(DR)) {
        if (drTlsMode(dr) !== 'ISTIO_MUTUAL') continue;
        const found = index.lookupHost(str(spec(dr).host ?? ''), dr.namespace);
        const selector = found.service && serviceSelector(found.service);
        if (!found.service?.namespace || !selector) continue;
        const pods = index.select(found.service.namespace, selector).filter((p) => p.live);
        if (pods.length > 0 && pods.every((p) => !hasSidecar(ISTIO, asPodLike(p)))) {
          ctx.report(
            dr,
            `DestinationRule ${dr.namespace}/${dr.name} sends Istio mTLS to ${str(spec(dr).host)}, whose ${pods.length} pods have no istio-proxy: the handshake fails`,
            ['spec', 'trafficPolicy', 'tls', 'mode'],
          );
        }
      }
    },
  },
  {
    code: 'MD0008',
    name: 'NamespaceMultipleInjectionLabels',
    severity: 'warning',
    scope: 'istio',
    control: 'workload-isolation',
    title: 'a namespace has both istio-injection and istio.io/rev labels (istio-injection wins)',
    fileLevel: true,
    check(index, ctx) {
      for (const ns of index.namespaces.values()) {
        const l = labelsOf(ns);
        if (l['istio-injection'] !== undefined && l['istio.io/rev'] !== undefined) {
          ctx.report(
            ns,
            `namespace ${ns.name} has istio-injection=${l['istio-injection']} and istio.io/rev=${l['istio.io/rev']}: istio-injection takes precedence, remove one`,
            ['metadata', 'labels', 'istio.io/rev'],
          );
        }
      }
    },
  },
  {
    code: 'MD0010',
    name: 'VirtualServiceDestinationNotFound',
    severity: 'error',
    scope: 'istio',
    control: 'resilience',
    title: 'a VirtualService routes to a host that no Service or ServiceEntry provides',
    fileLevel: true,
    check(index, ctx) {
      for (const vs of index.kind(VS)) {
        for (const d of destinations(vs)) {
          if (!index.lookupHost(d.host, vs.namespace).known) {
            ctx.report(
              vs,
              `VirtualService ${vs.namespace}/${vs.name} routes to ${d.host}, which no Service or ServiceEntry provides`,
              d.path,
            );
          }
        }
      }
    },
  },
  {
    code: 'MD0011',
    name: 'VirtualServiceGatewayNotFound',
    severity: 'error',
    scope: 'istio',
    control: 'resilience',
    title: 'a VirtualService is bound to a Gateway that does not exist',
    fileLevel: true,
    check(index, ctx) {
      for (const vs of index.kind(VS)) {
        const gateways = (spec(vs).gateways as string[] | undefined) ?? [];
        gateways.forEach((g, i) => {
          if (g === 'mesh') return;
          const [ns, name] = g.includes('/') ? g.split('/') : [vs.namespace, g];
          if (!index.get(GW, ns, name)) {
            ctx.report(
              vs,
              `VirtualService ${vs.namespace}/${vs.name} is bound to gateway ${ns}/${name}, which does not exist`,
              ['spec', 'gateways', i],
            );
          }
        });
      }
    },
  },
  {
    code: 'MD0012',
    name: 'DestinationRuleSubsetSelectsNoPods',
    severity: 'warning',
    scope: 'istio',
    control: 'resilience',
    title: "a DestinationRule subset's labels match none of its Service's pods",
    fileLevel: true,
    check(index, ctx) {
      for (const dr of index.kind(DR)) {
        const found = index.lookupHost(str(spec(dr).host ?? ''), dr.namespace);
        const selector = found.service && serviceSelector(found.service);
        if (!found.service?.namespace || !selector) continue;
        const pods = index.select(found.service.namespace, selector);
        if (pods.length === 0) continue; // nothing known about its pods
        ((spec(dr).subsets as unknown[] | undefined) ?? []).forEach((s, i) => {
          const labels = rec(rec(s).labels) as Record<string, string>;
          if (!pods.some((p) => Object.keys(labels).every((k) => p.labels[k] === labels[k]))) {
            ctx.report(
              dr,
              `subset ${str(rec(s).name)} of DestinationRule ${dr.namespace}/${dr.name} selects none of the pods of ${str(spec(dr).host)}`,
              ['spec', 'subsets', i, 'labels'],
            );
          }
        });
      }
    },
  },
  {
    code: 'MD0013',
    name: 'VirtualServiceSubsetNotDefined',
    severity: 'error',
    scope: 'istio',
    control: 'resilience',
    title: 'a VirtualService routes to a subset that no DestinationRule for the host defines',
    fileLevel: true,
    check(index, ctx) {
      // Subsets by resolved host, built once.
      const subsets = new Map<string, Set<string>>();
      for (const dr of index.kind(DR)) {
        const key = hostKey(index, str(spec(dr).host ?? ''), dr.namespace);
        const set = subsets.get(key) ?? new Set<string>();
        for (const s of (spec(dr).subsets as unknown[] | undefined) ?? []) set.add(str(rec(s).name));
        subsets.set(key, set);
      }
      for (const vs of index.kind(VS)) {
        for (const d of destinations(vs)) {
          if (!d.subset) continue;
          if (!subsets.get(hostKey(index, d.host, vs.namespace))?.has(d.subset)) {
            ctx.report(
              vs,
              `VirtualService ${vs.namespace}/${vs.name} routes to subset ${d.subset} of ${d.host}, which no DestinationRule defines`,
              d.path.slice(0, -1).concat('subset'),
            );
          }
        }
      }
    },
  },
  {
    code: 'MD0014',
    name: 'DestinationRuleHostNotFound',
    severity: 'warning',
    scope: 'istio',
    control: 'resilience',
    title: 'a DestinationRule applies to a host that no Service or ServiceEntry provides',
    fileLevel: true,
    check(index, ctx) {
      for (const dr of index.kind(DR)) {
        const host = str(spec(dr).host ?? '');
        if (!index.lookupHost(host, dr.namespace).known) {
          ctx.report(
            dr,
            `DestinationRule ${dr.namespace}/${dr.name} applies to ${host}, which no Service or ServiceEntry provides`,
            ['spec', 'host'],
          );
        }
      }
    },
  },
  {
    code: 'MD0015',
    name: 'DestinationRuleTlsWithoutCa',
    severity: 'warning',
    scope: 'istio',
    control: 'transport-encryption',
    title:
      'a DestinationRule originates TLS (SIMPLE or MUTUAL) without caCertificates: the server is not verified',
    fileLevel: true,
    check(index, ctx) {
      for (const dr of index.kind(DR)) {
        for (const { tls, path } of drTlsSettings(dr)) {
          if (
            (tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') &&
            !tls.caCertificates &&
            !tls.credentialName
          ) {
            ctx.report(
              dr,
              `DestinationRule ${dr.namespace}/${dr.name} uses tls.mode ${str(tls.mode)} without caCertificates or credentialName: the server certificate is not verified`,
              path,
            );
          }
        }
      }
    },
  },
  {
    code: 'MD0016',
    name: 'PortLevelMtlsWithoutSelector',
    severity: 'error',
    scope: 'istio',
    control: 'transport-encryption',
    title: 'a PeerAuthentication sets portLevelMtls without a workload selector',
    fileLevel: true,
    check(index, ctx) {
      for (const pa of index.kind(PA)) {
        if (spec(pa).portLevelMtls && Object.keys(rec(rec(spec(pa).selector).matchLabels)).length === 0) {
          ctx.report(
            pa,
            `PeerAuthentication ${pa.namespace}/${pa.name} sets portLevelMtls without a selector: the API server rejects it ("portLevelMtls requires selector")`,
            ['spec', 'portLevelMtls'],
          );
        }
      }
    },
  },
  {
    code: 'MD0017',
    name: 'RootNamespacePolicyWithSelector',
    severity: 'warning',
    scope: 'istio',
    control: 'transport-encryption',
    title: 'a PeerAuthentication with a selector in the root namespace is ignored',
    fileLevel: true,
    check(index, ctx) {
      for (const pa of index.kind(PA)) {
        if (
          pa.namespace === ISTIO_ROOT_NAMESPACE &&
          Object.keys(rec(rec(spec(pa).selector).matchLabels)).length > 0
        ) {
          ctx.report(
            pa,
            `PeerAuthentication ${pa.namespace}/${pa.name} has a selector in the root namespace ${ISTIO_ROOT_NAMESPACE}: Istio ignores it`,
            ['spec', 'selector'],
          );
        }
      }
    },
  },
  {
    code: 'MD0018',
    name: 'GatewaySelectsNoPods',
    severity: 'warning',
    scope: 'istio',
    control: 'resilience',
    title: "a Gateway's selector matches no gateway pods",
    fileLevel: false,
    check(index, ctx) {
      // Gateway selectors pick pods in any namespace; collect each label pair once.
      const pairs = new Set<string>();
      for (const ns of index.namespaceNames())
        for (const p of index.pods(ns)) for (const k in p.labels) pairs.add(`${k}=${p.labels[k]}`);
      for (const gw of index.kind(GW)) {
        const selector = rec(spec(gw).selector) as Record<string, string>;
        const keys = Object.keys(selector);
        if (keys.length === 0) continue;
        if (!keys.every((k) => pairs.has(`${k}=${selector[k]}`))) {
          ctx.report(
            gw,
            `Gateway ${gw.namespace}/${gw.name} selects ${keys.map((k) => `${k}=${selector[k]}`).join(',')}, which no pod has`,
            ['spec', 'selector'],
          );
        }
      }
    },
  },
  {
    code: 'MD0019',
    name: 'AllowPolicyWithoutRules',
    severity: 'warning',
    scope: 'istio',
    control: 'least-privilege',
    title: 'an ALLOW AuthorizationPolicy without rules denies every request',
    fileLevel: true,
    check(index, ctx) {
      for (const ap of index.kind(AP)) {
        const s = spec(ap);
        const action = (s.action as string | undefined) ?? 'ALLOW';
        if (action === 'ALLOW' && !s.rules && !s.provider) {
          ctx.report(
            ap,
            `AuthorizationPolicy ${ap.namespace}/${ap.name} is ALLOW with no rules: it matches nothing, so every request to its workloads is denied`,
            ['spec'],
          );
        }
      }
    },
  },
];

function hostKey(index: ObjectIndex, host: string, ns: string | undefined): string {
  const found = index.lookupHost(host, ns);
  return found.service ? `svc|${found.service.namespace}|${found.service.name}` : `host|${host}`;
}

export type { RuleContext };
