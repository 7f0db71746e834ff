// Linkerd policy rules (meshes.md 3.4 and 3.8): Servers that deny everything, select nothing or name ports
// no container has; AuthorizationPolicies aimed at nothing; namespaces that deny even probes.
import { rec, str } from '../base/object-index.js';
import type { Entry, Rule } from '../base/model.js';
import { annotationsOf, labelsOf, LINKERD, spec } from './helpers.js';

const SERVER = 'policy.linkerd.io/Server';
const AUTHZ = 'policy.linkerd.io/AuthorizationPolicy';
const SERVER_AUTHZ = 'policy.linkerd.io/ServerAuthorization';

function podSelector(server: Entry): Record<string, string> | undefined {
  const ps = rec(spec(server).podSelector);
  return ps.matchLabels ? (rec(ps.matchLabels) as Record<string, string>) : undefined;
}

export const LINKERD_RULES: Rule[] = [
  {
    code: 'MD0020',
    name: 'ServerDeniesAll',
    severity: 'error',
    scope: 'linkerd',
    control: 'least-privilege',
    title: 'a Linkerd Server denies by default and no authorization allows anything to it',
    fileLevel: true,
    check(index, ctx) {
      const authorized = new Set<string>();
      for (const ap of index.kind(AUTHZ)) {
        const t = rec(spec(ap).targetRef);
        if (t.kind === 'Server') authorized.add(`${ap.namespace}/${str(t.name)}`);
        if (t.kind === 'Namespace') authorized.add(`${ap.namespace}/*`);
      }
      for (const sa of index.kind(SERVER_AUTHZ)) {
        const name = rec(rec(spec(sa).server)).name;
        if (typeof name === 'string') authorized.add(`${sa.namespace}/${name}`);
        else authorized.add(`${sa.namespace}/*`);
      }
      for (const server of index.kind(SERVER)) {
        const policy = (spec(server).accessPolicy as string | undefined) ?? 'deny';
        if (policy !== 'deny') continue;
        if (authorized.has(`${server.namespace}/${server.name}`) || authorized.has(`${server.namespace}/*`))
          continue;
        ctx.report(
          server,
          `Server ${server.namespace}/${server.name} has accessPolicy deny and no AuthorizationPolicy targets it: all traffic to port ${str(spec(server).port)} is refused`,
          ['spec'],
        );
      }
    },
  },
  {
    code: 'MD0021',
    name: 'ServerSelectsNoPods',
    severity: 'warning',
    scope: 'linkerd',
    control: 'resilience',
    title: "a Linkerd Server's podSelector matches no pods",
    fileLevel: false,
    check(index, ctx) {
      for (const server of index.kind(SERVER)) {
        const selector = podSelector(server);
        if (!selector || !server.namespace) continue;
        if (index.select(server.namespace, selector).length === 0) {
          ctx.report(
            server,
            `Server ${server.namespace}/${server.name} selects no pods (${Object.entries(selector)
              .map(([k, v]) => `${k}=${v}`)
              .join(',')})`,
            ['spec', 'podSelector'],
          );
        }
      }
    },
  },
  {
    code: 'MD0022',
    name: 'ServerPortNotFound',
    severity: 'error',
    scope: 'linkerd',
    control: 'resilience',
    title: "a Linkerd Server names a port that none of its pods' containers declare",
    fileLevel: true,
    check(index, ctx) {
      for (const server of index.kind(SERVER)) {
        const port = spec(server).port;
        const selector = podSelector(server);
        if (!selector || !server.namespace || port === undefined) continue;
        const pods = index.select(server.namespace, selector);
        if (pods.length === 0) continue;
        const declared = pods.some((p) =>
          (p.spec.containers ?? []).some((c) =>
            (c.ports ?? []).some((cp) =>
              typeof port === 'number' ? cp.containerPort === port : cp.name === port,
            ),
          ),
        );
        if (!declared) {
          ctx.report(
            server,
            `Server ${server.namespace}/${server.name} names port ${str(port)}, which no container of its pods declares`,
            ['spec', 'port'],
          );
        }
      }
    },
  },
  {
    code: 'MD0023',
    name: 'DefaultInboundPolicyDeny',
    severity: 'warning',
    scope: 'linkerd',
    control: 'least-privilege',
    title: 'a namespace sets default-inbound-policy deny without Servers: even health probes are refused',
    fileLevel: true,
    check(index, ctx) {
      const withServers = new Set(index.kind(SERVER).map((s) => s.namespace));
      for (const ns of index.namespaces.values()) {
        if (
          annotationsOf(ns)['config.linkerd.io/default-inbound-policy'] === 'deny' &&
          !withServers.has(ns.name)
        ) {
          ctx.report(
            ns,
            `namespace ${ns.name} sets config.linkerd.io/default-inbound-policy deny and has no Server: meshed pods refuse all traffic, health probes included`,
            ['metadata', 'annotations', 'config.linkerd.io/default-inbound-policy'],
          );
        }
      }
    },
  },
  {
    code: 'MD0024',
    name: 'AuthorizationTargetNotFound',
    severity: 'error',
    scope: 'linkerd',
    control: 'least-privilege',
    title: 'a Linkerd AuthorizationPolicy targets a Server that does not exist',
    fileLevel: true,
    check(index, ctx) {
      for (const ap of index.kind(AUTHZ)) {
        const t = rec(spec(ap).targetRef);
        if (t.kind !== 'Server' || typeof t.name !== 'string') continue;
        if (!index.get(SERVER, ap.namespace, t.name)) {
          ctx.report(
            ap,
            `AuthorizationPolicy ${ap.namespace}/${ap.name} targets Server ${t.name}, which does not exist in ${ap.namespace}`,
            ['spec', 'targetRef', 'name'],
          );
        }
      }
    },
  },
  {
    code: 'MD0025',
    name: 'InjectionWithWebhooksDisabled',
    severity: 'error',
    scope: 'linkerd',
    control: 'workload-isolation',
    title: 'a namespace asks for Linkerd injection but disables its admission webhooks',
    fileLevel: true,
    check(index, ctx) {
      for (const ns of index.namespaces.values()) {
        if (
          LINKERD.namespaceInjection(ns.object) === 'enabled' &&
          labelsOf(ns)['config.linkerd.io/admission-webhooks'] === 'disabled'
        ) {
          ctx.report(
            ns,
            `namespace ${ns.name} has linkerd.io/inject enabled and config.linkerd.io/admission-webhooks=disabled: the injector skips it, nothing is injected`,
            ['metadata', 'labels', 'config.linkerd.io/admission-webhooks'],
          );
        }
      }
    },
  },
];
