// Every analyzer rule with a positive and a negative case, in the sandbox with Istio and Linkerd CRDs (shaped
// like upstream's) and the objects applied directly: each case lives in a namespace of its own (p-NNNN
// positive, n-NNNN negative), one `analyze -A -o json` reads them all, and each case asserts its code is
// reported on the positive object and not in the negative namespace. Rules whose objects are mesh-wide
// (one per cluster) are checked from files, with their file:line:column.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterHome } from '../helpers/cluster.js';
import { applyMeshCrds, kubectlApply } from '../helpers/meshes.js';

interface Finding {
  code: string;
  severity: string;
  message: string;
  object: { kind: string; namespace?: string; name: string };
  source?: string;
}

const ns = (name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}) =>
  `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${JSON.stringify(labels)}, annotations: ${JSON.stringify(annotations)}}\n`;
const INJECT = { 'istio-injection': 'enabled' };

function deployment(
  namespace: string,
  name: string,
  o: {
    labels?: Record<string, string>;
    templateAnnotations?: Record<string, string>;
    probe?: boolean;
    ports?: string;
  } = {},
) {
  const labels = o.labels ?? { app: name, version: 'v1' };
  const selector = Object.fromEntries(Object.entries(labels).slice(0, 1));
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: ${JSON.stringify(selector)}}
  template:
    metadata: {labels: ${JSON.stringify(labels)}, annotations: ${JSON.stringify(o.templateAnnotations ?? {})}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        ports: ${o.ports ?? '[{containerPort: 8080, name: http}]'}${o.probe ? '\n        readinessProbe: {httpGet: {path: /, port: 8080}}' : ''}
`;
}
const service = (
  namespace: string,
  name: string,
  selector: Record<string, string> = { app: name },
  portName = 'http-web',
) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec:\n  selector: ${JSON.stringify(selector)}\n  ports: [{name: ${portName}, port: 80, targetPort: 8080}]\n`;
const pod = (namespace: string, name: string, labels: Record<string, string>, sidecar: boolean) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${namespace}, labels: ${JSON.stringify(labels)}}\nspec:\n  containers:\n  - {name: app, image: nginx:1.27}${sidecar ? '\n  - {name: istio-proxy, image: docker.io/istio/proxyv2:1.30.3}' : ''}\n`;
const pa = (namespace: string, spec: string) =>
  `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: ${namespace}}\nspec: ${spec}\n`;
const dr = (namespace: string, spec: string) =>
  `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: web, namespace: ${namespace}}\nspec: ${spec}\n`;
const vs = (namespace: string, spec: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web, namespace: ${namespace}}\nspec: ${spec}\n`;
const gw = (namespace: string, selector: Record<string, string>) =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: ${namespace}}\nspec:\n  selector: ${JSON.stringify(selector)}\n  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]\n`;
const server = (namespace: string, selector: Record<string, string>, port = 'http') =>
  `apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: web, namespace: ${namespace}}\nspec:\n  podSelector: {matchLabels: ${JSON.stringify(selector)}}\n  port: ${port}\n`;
const authz = (namespace: string, target: string) =>
  `apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: allow, namespace: ${namespace}}\nspec:\n  targetRef: {group: policy.linkerd.io, kind: Server, name: ${target}}\n  requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: all}]\n`;
const web = (n: string) => deployment(n, 'web', { probe: true }) + '---\n' + service(n, 'web');

interface Case {
  code: string;
  /** Objects of the positive case, in namespace p; the finding is expected on `on` (kind/name). */
  positive: (p: string) => string[];
  negative: (n: string) => string[];
  on: (p: string) => string;
}

const CASES: Case[] = [
  {
    code: 'MD0001',
    on: (p) => `Namespace/${p}`,
    positive: (p) => [ns(p, INJECT), web(p)],
    negative: (n) => [ns(n, INJECT), web(n), pa(n, '{mtls: {mode: STRICT}}')],
  },
  {
    code: 'MD0003',
    on: (p) => `DestinationRule/${p}/web`,
    positive: (p) => [
      ns(p),
      web(p),
      pa(p, '{mtls: {mode: STRICT}}'),
      dr(p, '{host: web, trafficPolicy: {tls: {mode: DISABLE}}}'),
    ],
    negative: (n) => [
      ns(n),
      web(n),
      pa(n, '{mtls: {mode: PERMISSIVE}}'),
      dr(n, '{host: web, trafficPolicy: {tls: {mode: DISABLE}}}'),
    ],
  },
  {
    code: 'MD0004',
    on: (p) => `DestinationRule/${p}/web`,
    positive: (p) => [
      ns(p),
      pod(p, 'web', { app: 'web' }, false),
      service(p, 'web'),
      dr(p, '{host: web, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}'),
    ],
    negative: (n) => [
      ns(n),
      pod(n, 'web', { app: 'web' }, true),
      service(n, 'web'),
      dr(n, '{host: web, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}'),
    ],
  },
  {
    code: 'MD0005',
    on: (p) => `Pod/${p}/bare`,
    positive: (p) => [ns(p, INJECT), pod(p, 'bare', { app: 'bare' }, false)],
    negative: (n) => [ns(n, INJECT), pod(n, 'meshed', { app: 'meshed' }, true)],
  },
  {
    code: 'MD0006',
    on: (p) => `Deployment/${p}/web`,
    positive: (p) => [
      ns(p, INJECT),
      deployment(p, 'web', { labels: { app: 'web', 'sidecar.istio.io/inject': 'false' } }),
    ],
    negative: (n) => [
      ns(n, INJECT),
      deployment(n, 'web', { labels: { app: 'web', 'sidecar.istio.io/inject': 'true' } }),
    ],
  },
  {
    code: 'MD0007',
    on: (p) => `Namespace/${p}`,
    positive: (p) => [ns(p, { ...INJECT, 'kuma.io/sidecar-injection': 'enabled' })],
    negative: (n) => [ns(n, INJECT)],
  },
  {
    code: 'MD0008',
    on: (p) => `Namespace/${p}`,
    positive: (p) => [ns(p, { ...INJECT, 'istio.io/rev': 'canary' })],
    negative: (n) => [ns(n, { 'istio.io/rev': 'canary' })],
  },
  {
    code: 'MD0009',
    on: (p) => `Service/${p}/web`,
    positive: (p) => [ns(p), deployment(p, 'web'), service(p, 'web', { app: 'web' }, 'web')],
    negative: (n) => [ns(n), web(n)],
  },
  {
    code: 'MD0010',
    on: (p) => `VirtualService/${p}/web`,
    positive: (p) => [
      ns(p),
      web(p),
      vs(p, '{hosts: [web], http: [{route: [{destination: {host: nowhere}}]}]}'),
    ],
    negative: (n) => [
      ns(n),
      web(n),
      vs(
        n,
        '{hosts: [web], http: [{route: [{destination: {host: web.NS.svc.cluster.local}}]}]}'.replace('NS', n),
      ),
    ],
  },
  {
    code: 'MD0011',
    on: (p) => `VirtualService/${p}/web`,
    positive: (p) => [
      ns(p),
      web(p),
      vs(p, '{hosts: [web], gateways: [missing], http: [{route: [{destination: {host: web}}]}]}'),
    ],
    negative: (n) => [
      ns(n),
      web(n),
      pod(n, 'gwpod', { istio: 'ingress' }, false),
      gw(n, { istio: 'ingress' }),
      vs(n, '{hosts: [web], gateways: [gw, mesh], http: [{route: [{destination: {host: web}}]}]}'),
    ],
  },
  {
    code: 'MD0012',
    on: (p) => `DestinationRule/${p}/web`,
    positive: (p) => [ns(p), web(p), dr(p, '{host: web, subsets: [{name: v9, labels: {version: v9}}]}')],
    negative: (n) => [ns(n), web(n), dr(n, '{host: web, subsets: [{name: v1, labels: {version: v1}}]}')],
  },
  {
    code: 'MD0013',
    on: (p) => `VirtualService/${p}/web`,
    positive: (p) => [
      ns(p),
      web(p),
      dr(p, '{host: web, subsets: [{name: v1, labels: {version: v1}}]}'),
      vs(p, '{hosts: [web], http: [{route: [{destination: {host: web, subset: v2}}]}]}'),
    ],
    negative: (n) => [
      ns(n),
      web(n),
      dr(n, '{host: web, subsets: [{name: v1, labels: {version: v1}}]}'),
      vs(n, '{hosts: [web], http: [{route: [{destination: {host: web, subset: v1}}]}]}'),
    ],
  },
  {
    code: 'MD0014',
    on: (p) => `DestinationRule/${p}/web`,
    positive: (p) => [ns(p), dr(p, '{host: nowhere}')],
    negative: (n) => [ns(n), web(n), dr(n, '{host: web}')],
  },
  {
    code: 'MD0015',
    on: (p) => `DestinationRule/${p}/web`,
    positive: (p) => [ns(p), web(p), dr(p, '{host: web, trafficPolicy: {tls: {mode: SIMPLE}}}')],
    negative: (n) => [
      ns(n),
      web(n),
      dr(n, '{host: web, trafficPolicy: {tls: {mode: SIMPLE, caCertificates: /etc/certs/ca.pem}}}'),
    ],
  },
  {
    code: 'MD0016',
    on: (p) => `PeerAuthentication/${p}/default`,
    positive: (p) => [ns(p), pa(p, "{portLevelMtls: {'8080': {mode: DISABLE}}}")],
    negative: (n) => [
      ns(n),
      pa(n, "{selector: {matchLabels: {app: web}}, portLevelMtls: {'8080': {mode: DISABLE}}}"),
    ],
  },
  {
    code: 'MD0018',
    on: (p) => `Gateway/${p}/gw`,
    positive: (p) => [ns(p), gw(p, { istio: 'nothing-here' })],
    negative: (n) => [
      ns(n),
      pod(n, 'ingress', { istio: 'ingressgateway-n' }, false),
      gw(n, { istio: 'ingressgateway-n' }),
    ],
  },
  {
    code: 'MD0019',
    on: (p) => `AuthorizationPolicy/${p}/deny-all`,
    positive: (p) => [
      ns(p),
      `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: deny-all, namespace: ${p}}\nspec: {action: ALLOW}\n`,
    ],
    negative: (n) => [
      ns(n),
      `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-all, namespace: ${n}}\nspec: {action: ALLOW, rules: [{}]}\n`,
    ],
  },
  {
    code: 'MD0020',
    on: (p) => `Server/${p}/web`,
    positive: (p) => [ns(p), web(p), server(p, { app: 'web' })],
    negative: (n) => [ns(n), web(n), server(n, { app: 'web' }), authz(n, 'web')],
  },
  {
    code: 'MD0021',
    on: (p) => `Server/${p}/web`,
    positive: (p) => [ns(p), server(p, { app: 'ghost' })],
    negative: (n) => [ns(n), web(n), server(n, { app: 'web' })],
  },
  {
    code: 'MD0022',
    on: (p) => `Server/${p}/web`,
    positive: (p) => [ns(p), web(p), server(p, { app: 'web' }, 'admin-http')],
    negative: (n) => [ns(n), web(n), server(n, { app: 'web' }, 'http')],
  },
  {
    code: 'MD0023',
    on: (p) => `Namespace/${p}`,
    positive: (p) => [ns(p, {}, { 'config.linkerd.io/default-inbound-policy': 'deny' })],
    negative: (n) => [
      ns(n, {}, { 'config.linkerd.io/default-inbound-policy': 'deny' }),
      web(n),
      server(n, { app: 'web' }),
    ],
  },
  {
    code: 'MD0024',
    on: (p) => `AuthorizationPolicy/${p}/allow`,
    positive: (p) => [ns(p), authz(p, 'missing')],
    negative: (n) => [ns(n), web(n), server(n, { app: 'web' }), authz(n, 'web')],
  },
  {
    code: 'MD0025',
    on: (p) => `Namespace/${p}`,
    positive: (p) => [
      ns(p, { 'config.linkerd.io/admission-webhooks': 'disabled' }, { 'linkerd.io/inject': 'enabled' }),
    ],
    negative: (n) => [ns(n, {}, { 'linkerd.io/inject': 'enabled' })],
  },
  {
    code: 'MD0026',
    on: (p) => `Deployment/${p}/web`,
    positive: (p) => [ns(p, INJECT), deployment(p, 'web')],
    negative: (n) => [ns(n, INJECT), deployment(n, 'web', { probe: true })],
  },
  {
    code: 'MD0027',
    on: (p) => `Deployment/${p}/web`,
    positive: (p) => [ns(p, INJECT), deployment(p, 'web', { probe: true })],
    negative: (n) => [
      ns(n, INJECT),
      deployment(n, 'web', {
        probe: true,
        templateAnnotations: {
          'sidecar.istio.io/proxyCPULimit': '500m',
          'sidecar.istio.io/proxyMemoryLimit': '256Mi',
        },
      }),
    ],
  },
  {
    code: 'MD0028',
    on: (p) => `Deployment/${p}/web`,
    positive: (p) => [ns(p, INJECT), deployment(p, 'web', { labels: { tier: 'front' }, probe: true })],
    negative: (n) => [ns(n, INJECT), deployment(n, 'web', { probe: true })],
  },
  {
    code: 'MD0029',
    on: (p) => `Service/${p}/web`,
    positive: (p) => [ns(p), service(p, 'web', { app: 'ghost' })],
    negative: (n) => [ns(n), web(n)],
  },
];

function key(f: Finding): string {
  return `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`;
}

let c: ClusterHome;
let findings: Finding[] = [];

before(async () => {
  c = await ClusterHome.start();
  await applyMeshCrds(c, 'istio');
  await applyMeshCrds(c, 'linkerd');
  const docs: string[] = [];
  for (const k of CASES) {
    const id = k.code.slice(2);
    docs.push(...k.positive(`p-${id}`), ...k.negative(`n-${id}`));
  }
  // Namespaces first, then the rest (kubectl apply keeps file order).
  const namespaces = docs.filter((d) => d.startsWith('apiVersion: v1\nkind: Namespace'));
  await kubectlApply(c, namespaces.join('---\n'));
  await kubectlApply(c, docs.filter((d) => !namespaces.includes(d)).join('---\n'));
  const r = await c.meshdeck(['analyze', '-A', '-o', 'json']);
  assert.ok(r.code === 3, `analyze exit ${r.code}: ${r.stderr}`);
  findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
});

after(async () => {
  await c?.stop();
});

describe('analyze rules against the sandbox: positive and negative case per rule', () => {
  for (const k of CASES) {
    it(`${k.code}: reported on the positive case, not on the negative one`, () => {
      const id = k.code.slice(2);
      const p = `p-${id}`;
      const n = `n-${id}`;
      const mine = findings.filter((f) => f.code === k.code);
      assert.ok(
        mine.some((f) => key(f) === k.on(p)),
        `${k.code} not reported on ${k.on(p)}; ${k.code} findings: ${JSON.stringify(mine.map(key))}`,
      );
      const wrong = mine.filter(
        (f) => f.object.namespace === n || (f.object.kind === 'Namespace' && f.object.name === n),
      );
      assert.deepEqual(
        wrong.map((f) => f.message),
        [],
        `${k.code} reported on the negative case`,
      );
      for (const f of mine.filter((x) => key(x) === k.on(p))) assert.match(f.message, new RegExp(p));
    });
  }

  it('covers every rule in the catalogue except the mesh-wide ones tested from files', async () => {
    const r = await c.meshdeck(['analyze', '--list-rules', '-o', 'json']);
    const codes = (JSON.parse(r.stdout) as { items: Array<{ code: string }> }).items.map((i) => i.code);
    assert.ok(codes.length >= 25, `${codes.length} rules`);
    const covered = new Set([...CASES.map((k) => k.code), ...FILE_CASES.map((k) => k.code)]);
    assert.deepEqual(
      codes.filter((code) => !covered.has(code)),
      [],
    );
  });
});

// One per cluster (mesh-wide policy, a cluster-scoped Kuma Mesh): from files, with positions.
const FILE_CASES = [
  {
    code: 'MD0002',
    positive: pa('istio-system', '{mtls: {mode: PERMISSIVE}}'),
    negative: pa('istio-system', '{mtls: {mode: STRICT}}'),
    at: ':4:21',
  },
  {
    code: 'MD0017',
    positive: `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: web, namespace: istio-system}\nspec:\n  selector: {matchLabels: {app: web}}\n  mtls: {mode: STRICT}\n`,
    negative: `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  mtls: {mode: STRICT}\n`,
    at: ':5:13',
  },
  {
    code: 'MD0030',
    positive: `apiVersion: kuma.io/v1alpha1\nkind: Mesh\nmetadata: {name: default}\nspec:\n  mtls:\n    enabledBackend: ca-1\n    backends: [{name: ca-1, type: builtin}]\n`,
    negative: `apiVersion: kuma.io/v1alpha1\nkind: Mesh\nmetadata: {name: default}\nspec:\n  mtls:\n    enabledBackend: ca-1\n    backends: [{name: ca-1, type: builtin}]\n---\napiVersion: kuma.io/v1alpha1\nkind: MeshTrafficPermission\nmetadata: {name: allow-all, namespace: kuma-system}\nspec:\n  targetRef: {kind: Mesh}\n  from: [{targetRef: {kind: Mesh}, default: {action: Allow}}]\n`,
    at: ':6:21',
  },
];

describe('analyze rules from files: positive and negative case, with file:line:column', () => {
  for (const k of FILE_CASES) {
    it(`${k.code}: reported with its position in the positive file, not in the negative one`, async () => {
      const positive = c.file(`${k.code}-positive.yaml`, k.positive);
      const negative = c.file(`${k.code}-negative.yaml`, k.negative);
      const r = await c.meshdeck(['analyze', '-f', positive, '--use-cluster=false', '-o', 'json']);
      const mine = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter(
        (f) => f.code === k.code,
      );
      assert.equal(mine.length, 1, r.stdout);
      assert.equal(mine[0].source, `${positive}${k.at}`);
      const q = await c.meshdeck(['analyze', '-f', negative, '--use-cluster=false', '-o', 'json']);
      assert.deepEqual(
        (JSON.parse(q.stdout) as { findings: Finding[] }).findings.filter((f) => f.code === k.code),
        [],
      );
    });
  }
});
