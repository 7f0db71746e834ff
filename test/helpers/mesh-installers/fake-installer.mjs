#!/usr/bin/env node
// A stand-in for the meshes' official installers (istioctl, linkerd, kumactl, helm), which cannot run on
// this machine. It answers the same command lines meshdeck gives the real ones and prints manifests shaped
// like theirs (see /work/shared/docs/reference/meshes.md and the upstream golden files): the same kinds,
// names, labels, annotations, webhook selectors and ports. Which installer it is comes from its file name;
// its version is written in when a test builds the release archive (VERSION below).
import { basename } from 'node:path';
import { randomBytes } from 'node:crypto';

// The real installers declare these webhooks failurePolicy: Fail; on the sandbox meshdeck serves them
// (docs/meshes.md, "On the sandbox"), so the test installers declare Fail too.
const INJECTOR_FAILURE_POLICY = 'Fail';

const VERSION = '__VERSION__';
const tool = basename(process.argv[1]).replace(/\.(m?js)$/, '');
const args = process.argv.slice(2);

// ---- a small YAML writer (the real installers print YAML, one object per document) ----
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|~|y|n)$/i;
function scalar(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  return PLAIN.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}
function yaml(v, indent = '') {
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []';
    return v
      .map((item) => {
        if (item && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length > 0) {
          const inner = yaml(item, indent + '  ').replace(/^\n\s*/, '');
          return `\n${indent}- ${inner}`;
        }
        return `\n${indent}-${yaml(item, indent + '  ')}`;
      })
      .join('');
  }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return ' {}';
    return keys.map((k) => `\n${indent}${scalar(k)}:${yaml(v[k], indent + '  ')}`).join('');
  }
  return ` ${scalar(v)}`;
}
const print = (objects, header) => {
  const docs = objects.map((o) => `${header ? header(o) : ''}${yaml(o).replace(/^\n/, '')}\n`);
  process.stdout.write((header ? '---\n' : '') + docs.join('---\n'));
};

// ---- command-line reading ----
function flag(name, alias) {
  const i = args.findIndex((a) => a === name || a === alias);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq ? eq.slice(name.length + 1) : undefined;
}
const has = (name) => args.includes(name);
/** --set a.b\.c=v, repeatable: [path segments, value]. */
function sets() {
  const out = [];
  for (let i = 0; i < args.length; i++) {
    let text;
    if (args[i] === '--set' || args[i] === '-s') text = args[++i];
    else if (args[i].startsWith('--set=')) text = args[i].slice(6);
    if (text === undefined) continue;
    const eq = text.indexOf('=');
    const path = text
      .slice(0, eq)
      .split(/(?<!\\)\./)
      .map((p) => p.replace(/\\\./g, '.'));
    out.push([path, text.slice(eq + 1)]);
  }
  return out;
}
function setValue(prefix) {
  const found = {};
  for (const [path, value] of sets()) {
    if (prefix.every((p, i) => path[i] === p) && path.length === prefix.length + 1)
      found[path.at(-1)] = value;
  }
  return found;
}
const single = (path) => sets().find(([p]) => p.join('.') === path)?.[1];
function fail(message) {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}

// ---- shared shapes ----
/** Kubernetes-style plural of a kind: Mesh → meshes, MeshRetry → meshretries, MeshTLS → meshtlses. */
function pluralOf(kind) {
  const l = kind.toLowerCase();
  if (l.endsWith('y')) return `${l.slice(0, -1)}ies`;
  return /(s|sh|ch|x)$/.test(l) ? `${l}es` : `${l}s`;
}
function crd(group, plural, kind, scope = 'Namespaced', labels = {}, annotations = {}) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.${group}`,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope,
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}
const sa = (name, namespace, labels) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace, labels },
});
const cm = (name, namespace, labels, data) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels },
  data,
});
function deployment(
  name,
  namespace,
  labels,
  podLabels,
  containers,
  { replicas = 1, podAnnotations = {}, initContainers, serviceAccount } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: podLabels },
      strategy: { rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { ...podLabels, ...labelsOnly(labels) }, annotations: podAnnotations },
        spec: {
          serviceAccountName: serviceAccount ?? name,
          ...(initContainers ? { initContainers } : {}),
          containers,
        },
      },
    },
  };
}
const labelsOnly = (l) =>
  Object.fromEntries(
    Object.entries(l).filter(([k]) => !k.startsWith('helm.sh') && k !== 'app.kubernetes.io/managed-by'),
  );
function service(name, namespace, labels, selector, ports, extra = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
    spec: { selector, ports, ...extra },
  };
}
function clusterRole(name, labels, rules) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels },
    rules,
  };
}
function clusterRoleBinding(name, labels, role, subject, namespace) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: subject, namespace }],
  };
}
const fakeCa = () =>
  Buffer.from(
    `-----BEGIN CERTIFICATE-----\n${randomBytes(48).toString('base64')}\n-----END CERTIFICATE-----\n`,
  ).toString('base64');
/** Pod annotations a test asks for, e.g. to inject a sandbox fault into a control plane. */
const extraPodAnnotations = (path) => setValue(path);

// ---- istioctl ----
function istioctl() {
  if (args[0] === 'version') {
    if (flag('-o', '--output') === 'json') {
      process.stdout.write(
        JSON.stringify({
          clientVersion: {
            version: VERSION,
            revision: 'fake',
            golang_version: 'go1.24',
            status: 'Clean',
            tag: VERSION,
          },
        }) + '\n',
      );
    } else process.stdout.write(`client version: ${VERSION}\n`);
    return;
  }
  if (args[0] !== 'manifest' || args[1] !== 'generate')
    fail(`unknown command "${args.join(' ')}" for "istioctl"`);
  const rev = flag('--revision', '-r') ?? single('revision') ?? '';
  if (rev && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(rev))
    fail(`invalid revision "${rev}": must be a DNS-1123 label`);
  const revision = rev === 'default' ? '' : rev;
  const profile = single('profile') ?? 'default';
  const hub = single('hub') ?? single('values.global.hub') ?? 'docker.io/istio';
  const tag = single('tag') ?? single('values.global.tag') ?? VERSION;
  const ns = single('values.global.istioNamespace') ?? 'istio-system';
  const suffix = revision ? `-${revision}` : '';
  const revLabel = revision || 'default';
  const minor = VERSION.split('.').slice(0, 2).join('.');
  const std = {
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/instance': 'istio',
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': VERSION,
    'helm.sh/chart': `istiod-${VERSION}`,
  };
  const crdLabels = {
    ...std,
    'helm.sh/chart': `base-${VERSION}`,
    app: 'istio-pilot',
    chart: 'istio',
    heritage: 'Tiller',
    release: 'istio',
  };
  const groups = {
    'networking.istio.io': [
      'DestinationRule',
      'EnvoyFilter',
      'Gateway',
      'ProxyConfig',
      'ServiceEntry',
      'Sidecar',
      'VirtualService',
      'WorkloadEntry',
      'WorkloadGroup',
    ],
    'security.istio.io': ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'],
    'telemetry.istio.io': ['Telemetry'],
    'extensions.istio.io': ['WasmPlugin', ...(Number(minor.split('.')[1]) >= 30 ? ['TrafficExtension'] : [])],
  };
  const objects = [];
  for (const [group, kinds] of Object.entries(groups))
    for (const kind of kinds) {
      objects.push(
        crd(group, pluralOf(kind), kind, 'Namespaced', crdLabels, { 'helm.sh/resource-policy': 'keep' }),
      );
    }
  const pilotLabels = { ...std, app: 'istiod', 'istio.io/rev': revLabel, istio: 'pilot', release: 'istio' };
  objects.push(
    sa('istio-reader-service-account', ns, {
      ...std,
      'helm.sh/chart': `base-${VERSION}`,
      app: 'istio-reader',
      release: 'istio',
    }),
  );
  objects.push(sa(`istiod${suffix}`, ns, pilotLabels));
  objects.push(
    clusterRole(`istiod-clusterrole${suffix}-${ns}`, pilotLabels, [
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['mutatingwebhookconfigurations'],
        verbs: ['get', 'list', 'watch', 'update', 'patch'],
      },
      {
        apiGroups: [''],
        resources: ['pods', 'nodes', 'services', 'namespaces', 'endpoints'],
        verbs: ['get', 'list', 'watch'],
      },
    ]),
    clusterRole(`istio-reader-clusterrole${suffix}-${ns}`, { ...pilotLabels, app: 'istio-reader' }, [
      { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
    ]),
    clusterRoleBinding(
      `istiod-clusterrole${suffix}-${ns}`,
      pilotLabels,
      `istiod-clusterrole${suffix}-${ns}`,
      `istiod${suffix}`,
      ns,
    ),
    clusterRoleBinding(
      `istio-reader-clusterrole${suffix}-${ns}`,
      { ...pilotLabels, app: 'istio-reader' },
      `istio-reader-clusterrole${suffix}-${ns}`,
      'istio-reader-service-account',
      ns,
    ),
  );
  const validator = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: {
      name: `istio-validator${suffix}-${ns}`,
      labels: { ...pilotLabels, app: 'istiod', istio: 'istiod' },
    },
    webhooks: [
      {
        name: 'rev.validation.istio.io',
        clientConfig: { service: { name: `istiod${suffix}`, namespace: ns, path: '/validate' } },
        rules: [
          {
            operations: ['CREATE', 'UPDATE'],
            apiGroups: [
              'security.istio.io',
              'networking.istio.io',
              'telemetry.istio.io',
              'extensions.istio.io',
            ],
            apiVersions: ['*'],
            resources: ['*'],
          },
        ],
        failurePolicy: 'Ignore',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        objectSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: [revLabel] }] },
      },
    ],
  };
  objects.push(validator);
  objects.push(
    cm(`istio${suffix}`, ns, pilotLabels, {
      mesh: `defaultConfig:\n  discoveryAddress: istiod${suffix}.${ns}.svc:15012\nrootNamespace: ${ns}\ntrustDomain: cluster.local\n`,
      meshNetworks: 'networks: {}',
    }),
    cm(
      `istio-sidecar-injector${suffix}`,
      ns,
      { ...pilotLabels, 'istio.io/rev': revLabel },
      {
        values: JSON.stringify({
          revision,
          global: { hub, tag, proxy: { image: 'proxyv2' }, istioNamespace: ns },
        }),
        config:
          'defaultTemplates: [sidecar]\npolicy: enabled\ntemplates:\n  sidecar: |\n    # injection template (simulated)\n',
      },
    ),
    cm(`values${suffix}`, ns, pilotLabels, {
      'original-values': JSON.stringify({ revision, profile }),
      'merged-values': JSON.stringify({ revision, profile, global: { hub, tag } }),
    }),
  );
  const inject = (name, nsSel, objSel) => ({
    name,
    clientConfig: { service: { name: `istiod${suffix}`, namespace: ns, path: '/inject', port: 443 } },
    sideEffects: 'None',
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    failurePolicy: INJECTOR_FAILURE_POLICY,
    reinvocationPolicy: 'Never',
    admissionReviewVersions: ['v1'],
    namespaceSelector: { matchExpressions: nsSel },
    objectSelector: { matchExpressions: objSel },
  });
  const notFalse = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };
  const webhooks = [
    inject(
      'rev.namespace.sidecar-injector.istio.io',
      [
        { key: 'istio.io/rev', operator: 'In', values: [revLabel] },
        { key: 'istio-injection', operator: 'DoesNotExist' },
      ],
      [notFalse],
    ),
    inject(
      'rev.object.sidecar-injector.istio.io',
      [
        { key: 'istio.io/rev', operator: 'DoesNotExist' },
        { key: 'istio-injection', operator: 'DoesNotExist' },
      ],
      [notFalse, { key: 'istio.io/rev', operator: 'In', values: [revLabel] }],
    ),
  ];
  if (!revision) {
    webhooks.push(
      inject(
        'namespace.sidecar-injector.istio.io',
        [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }],
        [notFalse],
      ),
      inject(
        'object.sidecar-injector.istio.io',
        [
          { key: 'istio-injection', operator: 'DoesNotExist' },
          { key: 'istio.io/rev', operator: 'DoesNotExist' },
        ],
        [
          { key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] },
          { key: 'istio.io/rev', operator: 'DoesNotExist' },
        ],
      ),
    );
  }
  objects.push({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: `istio-sidecar-injector${suffix}${ns === 'istio-system' ? '' : `-${ns}`}`,
      labels: { ...pilotLabels, app: 'sidecar-injector' },
    },
    webhooks,
  });
  const podLabels = { app: 'istiod', 'istio.io/rev': revLabel };
  const istiod = deployment(
    `istiod${suffix}`,
    ns,
    { ...pilotLabels, 'app.kubernetes.io/name': 'istiod' },
    podLabels,
    [
      {
        name: 'discovery',
        image: `${hub}/pilot:${tag}`,
        args: [
          'discovery',
          '--monitoringAddr=:15014',
          '--log_output_level=default:info',
          '--domain',
          'cluster.local',
          '--keepaliveMaxServerConnectionAge',
          '30m',
        ],
        ports: [
          { containerPort: 8080, protocol: 'TCP' },
          { containerPort: 15010, protocol: 'TCP' },
          { containerPort: 15012, protocol: 'TCP' },
          { containerPort: 15017, protocol: 'TCP' },
        ],
        readinessProbe: {
          httpGet: { path: '/ready', port: 8080 },
          initialDelaySeconds: 1,
          periodSeconds: 3,
          timeoutSeconds: 5,
        },
        env: [
          { name: 'REVISION', value: revLabel },
          { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
          { name: 'ISTIOD_CUSTOM_HOST', value: `istiod${suffix}.${ns}.svc` },
        ],
      },
    ],
    {
      serviceAccount: `istiod${suffix}`,
      podAnnotations: {
        'prometheus.io/port': '15014',
        'prometheus.io/scrape': 'true',
        'sidecar.istio.io/inject': 'false',
        ...extraPodAnnotations(['values', 'pilot', 'podAnnotations']),
      },
    },
  );
  // istiod's pods opt out of injection by label too (the webhooks' objectSelectors read labels).
  istiod.spec.template.metadata.labels['sidecar.istio.io/inject'] = 'false';
  objects.push(
    istiod,
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: `istiod${suffix}`, namespace: ns, labels: pilotLabels },
      spec: { minAvailable: 1, selector: { matchLabels: podLabels } },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: `istiod${suffix}`, namespace: ns, labels: pilotLabels },
      spec: {
        maxReplicas: 5,
        minReplicas: 1,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `istiod${suffix}` },
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
          },
        ],
      },
    },
    service(`istiod${suffix}`, ns, pilotLabels, podLabels, [
      { port: 15010, name: 'grpc-xds', protocol: 'TCP' },
      { port: 15012, name: 'https-dns', protocol: 'TCP' },
      { port: 443, name: 'https-webhook', targetPort: 15017, protocol: 'TCP' },
      { port: 15014, name: 'http-monitoring', protocol: 'TCP' },
    ]),
  );
  if (profile === 'default' || profile === 'demo') {
    const gw = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
    objects.push(
      sa('istio-ingressgateway-service-account', ns, { ...std, ...gw }),
      deployment(
        'istio-ingressgateway',
        ns,
        { ...std, ...gw, 'app.kubernetes.io/name': 'istio-ingressgateway' },
        gw,
        [
          {
            name: 'istio-proxy',
            image: `${hub}/proxyv2:${tag}`,
            args: ['proxy', 'router'],
            ports: [{ containerPort: 15021 }, { containerPort: 8080 }, { containerPort: 8443 }],
          },
        ],
        {
          serviceAccount: 'istio-ingressgateway-service-account',
          podAnnotations: { 'sidecar.istio.io/inject': 'false' },
        },
      ),
      service(
        'istio-ingressgateway',
        ns,
        { ...std, ...gw },
        gw,
        [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
        ],
        { type: 'LoadBalancer' },
      ),
    );
  }
  print(objects);
}

// ---- linkerd ----
function linkerd() {
  if (args[0] === 'version') {
    process.stdout.write(
      has('--short') ? `${VERSION}\n` : `Client version: ${VERSION}\nServer version: unavailable\n`,
    );
    return;
  }
  if (args[0] !== 'install') fail(`unknown command "${args[0]}" for "linkerd"`);
  if (!has('--ignore-cluster')) fail('meshdeck must render with --ignore-cluster (no cluster here)');
  const ns = flag('--linkerd-namespace', '-L') ?? 'linkerd';
  const created = { 'linkerd.io/created-by': `linkerd/cli ${VERSION}` };
  const cpns = { 'linkerd.io/control-plane-ns': ns };
  if (has('--crds')) {
    process.stderr.write(
      'Rendering Linkerd CRDs...\nNext, run `linkerd install | kubectl apply -f -` to install the control plane.\n\n',
    );
    const labels = { ...cpns, 'helm.sh/chart': 'linkerd-crds-0.0.0-undefined' };
    const list = [
      ['policy.linkerd.io', 'authorizationpolicies', 'AuthorizationPolicy'],
      ['policy.linkerd.io', 'egressnetworks', 'EgressNetwork'],
      ['policy.linkerd.io', 'httplocalratelimitpolicies', 'HTTPLocalRateLimitPolicy'],
      ['policy.linkerd.io', 'httproutes', 'HTTPRoute'],
      ['policy.linkerd.io', 'meshtlsauthentications', 'MeshTLSAuthentication'],
      ['policy.linkerd.io', 'networkauthentications', 'NetworkAuthentication'],
      ['policy.linkerd.io', 'serverauthorizations', 'ServerAuthorization'],
      ['policy.linkerd.io', 'servers', 'Server'],
      ['linkerd.io', 'serviceprofiles', 'ServiceProfile'],
      ['workload.linkerd.io', 'externalworkloads', 'ExternalWorkload'],
    ];
    if (single('installGatewayAPI') === 'true')
      list.push(
        ['gateway.networking.k8s.io', 'httproutes', 'HTTPRoute'],
        ['gateway.networking.k8s.io', 'grpcroutes', 'GRPCRoute'],
        ['gateway.networking.k8s.io', 'tlsroutes', 'TLSRoute'],
        ['gateway.networking.k8s.io', 'tcproutes', 'TCPRoute'],
      );
    print(
      list.map(([g, p, k]) => crd(g, p, k, 'Namespaced', labels, created)),
      (o) => `# Source: linkerd-crds/templates/${o.metadata.name.split('.')[0]}.yaml\n`,
    );
    return;
  }
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        annotations: { 'linkerd.io/inject': 'disabled' },
        labels: {
          'linkerd.io/is-control-plane': 'true',
          'config.linkerd.io/admission-webhooks': 'disabled',
          ...cpns,
          'pod-security.kubernetes.io/enforce': 'privileged',
        },
      },
    },
  ];
  const proxy = {
    name: 'linkerd-proxy',
    image: `cr.l5d.io/linkerd/proxy:${VERSION}`,
    restartPolicy: 'Always',
    ports: [
      { name: 'linkerd-proxy', containerPort: 4143 },
      { name: 'linkerd-admin', containerPort: 4191 },
    ],
  };
  const init = {
    name: 'linkerd-init',
    image: `cr.l5d.io/linkerd/proxy:${VERSION}`,
    args: ['--incoming-proxy-port', '4143', '--outgoing-proxy-port', '4140', '--proxy-uid', '2102'],
  };
  const comp = (c) => ({
    ...cpns,
    'linkerd.io/control-plane-component': c,
    'app.kubernetes.io/name': c,
    'app.kubernetes.io/part-of': 'Linkerd',
    'app.kubernetes.io/version': VERSION,
  });
  const podAnn = {
    ...created,
    'linkerd.io/proxy-version': VERSION,
    'linkerd.io/trust-root-sha256': 'a'.repeat(64),
    'checksum/config': randomBytes(32).toString('hex'),
    ...extraPodAnnotations(['podAnnotations']),
  };
  for (const c of ['identity', 'destination', 'proxy-injector']) {
    const name = `linkerd-${c}`;
    objects.push(sa(name, ns, comp(c)));
    objects.push(
      clusterRole(`linkerd-${ns}-${c}`, comp(c), [
        { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      ]),
    );
    objects.push(clusterRoleBinding(`linkerd-${ns}-${c}`, comp(c), `linkerd-${ns}-${c}`, name, ns));
  }
  objects.push(
    cm(
      'linkerd-config',
      ns,
      { ...cpns, 'linkerd.io/control-plane-component': 'controller' },
      { values: `linkerdVersion: ${VERSION}\ncontrollerReplicas: 1\n` },
    ),
    cm('linkerd-identity-trust-roots', ns, cpns, {
      'ca-bundle.crt': Buffer.from(fakeCa(), 'base64').toString(),
    }),
    {
      apiVersion: 'v1',
      // Opaque, as the chart's identity.yaml writes it (scheme linkerd.io/tls): crt.pem and key.pem, not
      // the tls.crt/tls.key a kubernetes.io/tls Secret must carry.
      kind: 'Secret',
      metadata: {
        name: 'linkerd-identity-issuer',
        namespace: ns,
        labels: comp('identity'),
        annotations: { 'linkerd.io/identity-issuer-expiry': '2027-08-21T00:00:00Z' },
      },
      data: { 'crt.pem': fakeCa(), 'key.pem': fakeCa() },
    },
  );
  for (const w of ['proxy-injector', 'sp-validator', 'policy-validator'])
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: `linkerd-${w}-k8s-tls`, namespace: ns, labels: comp(w) },
      data: { 'tls.crt': fakeCa(), 'tls.key': fakeCa() },
    });
  const nsSel = {
    matchExpressions: [
      { key: 'config.linkerd.io/admission-webhooks', operator: 'NotIn', values: ['disabled'] },
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'cert-manager'] },
    ],
  };
  objects.push({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'linkerd-proxy-injector-webhook-config', labels: comp('proxy-injector') },
    webhooks: [
      {
        name: 'linkerd-proxy-injector.linkerd.io',
        namespaceSelector: nsSel,
        clientConfig: {
          service: { name: 'linkerd-proxy-injector', namespace: ns, path: '/' },
          caBundle: fakeCa(),
        },
        failurePolicy: 'Ignore',
        admissionReviewVersions: ['v1', 'v1beta1'],
        reinvocationPolicy: 'IfNeeded',
        rules: [
          {
            operations: ['CREATE'],
            apiGroups: [''],
            apiVersions: ['v1'],
            resources: ['pods', 'services'],
            scope: 'Namespaced',
          },
        ],
        sideEffects: 'None',
        timeoutSeconds: 10,
      },
    ],
  });
  for (const [name, hook, group, resource] of [
    ['sp-validator', 'linkerd-sp-validator.linkerd.io', 'linkerd.io', 'serviceprofiles'],
    ['policy-validator', 'linkerd-policy-validator.linkerd.io', 'policy.linkerd.io', '*'],
  ])
    objects.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: `linkerd-${name}-webhook-config`, labels: comp(name) },
      webhooks: [
        {
          name: hook,
          namespaceSelector: nsSel,
          clientConfig: {
            service: { name: `linkerd-${name}`, namespace: ns, path: '/' },
            caBundle: fakeCa(),
          },
          failurePolicy: 'Ignore',
          admissionReviewVersions: ['v1', 'v1beta1'],
          rules: [
            {
              operations: ['CREATE', 'UPDATE'],
              apiGroups: [group],
              apiVersions: ['*'],
              resources: [resource],
            },
          ],
          sideEffects: 'None',
        },
      ],
    });
  const dep = (c, containers) =>
    deployment(
      `linkerd-${c}`,
      ns,
      comp(c),
      { ...cpns, 'linkerd.io/control-plane-component': c, 'linkerd.io/proxy-deployment': `linkerd-${c}` },
      containers,
      {
        podAnnotations: podAnn,
        initContainers: [init, proxy],
      },
    );
  const ctl = (name, port) => ({
    name,
    image: `cr.l5d.io/linkerd/controller:${VERSION}`,
    args: [name],
    ports: [{ containerPort: port }],
    readinessProbe: { httpGet: { path: '/ready', port: 9990 } },
  });
  objects.push(
    dep('identity', [ctl('identity', 8080)]),
    dep('destination', [
      ctl('destination', 8086),
      ctl('sp-validator', 8443),
      { ...ctl('policy', 8090), image: `cr.l5d.io/linkerd/policy-controller:${VERSION}` },
    ]),
    dep('proxy-injector', [ctl('proxy-injector', 8443)]),
  );
  for (const [name, c, port] of [
    ['linkerd-identity', 'identity', 8080],
    ['linkerd-dst', 'destination', 8086],
    ['linkerd-sp-validator', 'destination', 8443],
    ['linkerd-policy', 'destination', 8090],
    ['linkerd-policy-validator', 'destination', 9443],
    ['linkerd-proxy-injector', 'proxy-injector', 8443],
  ])
    objects.push(
      service(name, ns, comp(c), { 'linkerd.io/control-plane-component': c }, [
        { name: 'grpc', port: port === 8443 || port === 9443 ? 443 : port, targetPort: port },
      ]),
    );
  objects.push({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'linkerd-heartbeat', namespace: ns, labels: comp('heartbeat') },
    spec: {
      schedule: '1 0 * * *',
      successfulJobsHistoryLimit: 0,
      jobTemplate: {
        spec: {
          template: {
            metadata: { labels: comp('heartbeat') },
            spec: {
              restartPolicy: 'Never',
              serviceAccountName: 'linkerd-identity',
              containers: [
                { name: 'heartbeat', image: `cr.l5d.io/linkerd/controller:${VERSION}`, args: ['heartbeat'] },
              ],
            },
          },
        },
      },
    },
  });
  print(objects, (o) => `###\n### ${o.kind} ${o.metadata.name}\n###\n`);
}

// ---- kumactl ----
function kumactl() {
  if (args[0] === 'version') {
    process.stdout.write(`Client: Kuma ${VERSION}\n`);
    process.stderr.write(
      'Unable to connect to control plane: Get "http://localhost:5681/": dial tcp: connection refused\n',
    );
    return;
  }
  if (args[0] !== 'install' || args[1] !== 'control-plane')
    fail(`unknown command "${args.join(' ')}" for "kumactl"`);
  if (!has('--without-kubernetes-connection'))
    fail('meshdeck must render with --without-kubernetes-connection');
  const ns = flag('--namespace') ?? 'kuma-system';
  const registry = flag('--registry') ?? 'docker.io/kumahq';
  const labels = {
    app: 'kuma-control-plane',
    'app.kubernetes.io/name': 'kuma',
    'app.kubernetes.io/instance': 'kuma',
    'app.kubernetes.io/managed-by': 'Helm',
    'helm.sh/chart': `kuma-${VERSION}`,
  };
  const sel = {
    app: 'kuma-control-plane',
    'app.kubernetes.io/name': 'kuma',
    'app.kubernetes.io/instance': 'kuma',
  };
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'kuma.io/sidecar-injection': 'false' } },
    },
  ];
  const kinds = [
    'Mesh',
    'Dataplane',
    'DataplaneInsight',
    'MeshInsight',
    'ServiceInsight',
    'Zone',
    'ZoneInsight',
    'ZoneIngress',
    'ZoneEgress',
    'ContainerPatch',
    'MeshService',
    'MeshExternalService',
    'MeshIdentity',
    'MeshTrust',
    'MeshGateway',
    'MeshTLS',
    'MeshTrafficPermission',
    'MeshAccessLog',
    'MeshCircuitBreaker',
    'MeshFaultInjection',
    'MeshHealthCheck',
    'MeshHTTPRoute',
    'MeshTCPRoute',
    'MeshLoadBalancingStrategy',
    'MeshMetric',
    'MeshPassthrough',
    'MeshProxyPatch',
    'MeshRateLimit',
    'MeshRetry',
    'MeshTimeout',
    'MeshTrace',
  ];
  const clusterScoped = new Set(['Mesh', 'MeshInsight', 'Zone', 'ZoneInsight', 'ContainerPatch']);
  for (const k of kinds) {
    objects.push(crd('kuma.io', pluralOf(k), k, clusterScoped.has(k) ? 'Cluster' : 'Namespaced'));
  }
  const ca = fakeCa();
  objects.push(
    sa('kuma-control-plane', ns, labels),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: 'kuma-tls-cert', namespace: ns, labels },
      data: { 'tls.crt': fakeCa(), 'tls.key': fakeCa(), 'ca.crt': ca },
    },
    cm('kuma-control-plane-config', ns, labels, {
      'config.yaml': '# use this file to override default configuration of `kuma-cp`\n',
    }),
    clusterRole('kuma-control-plane', labels, [{ apiGroups: ['kuma.io'], resources: ['*'], verbs: ['*'] }]),
    clusterRoleBinding('kuma-control-plane', labels, 'kuma-control-plane', 'kuma-control-plane', ns),
    service('kuma-control-plane', ns, labels, sel, [
      { port: 5680, name: 'diagnostics', appProtocol: 'http' },
      { port: 5681, name: 'http-api-server', appProtocol: 'http' },
      { port: 5682, name: 'https-api-server', appProtocol: 'https' },
      { port: 443, name: 'https-admission-server', targetPort: 5443, appProtocol: 'https' },
      { port: 5676, name: 'mads-server' },
      { port: 5678, name: 'dp-server', appProtocol: 'https' },
    ]),
    deployment(
      'kuma-control-plane',
      ns,
      labels,
      sel,
      [
        {
          name: 'control-plane',
          image: `${registry}/kuma-cp:${VERSION}`,
          args: ['run', '--log-level=info', '--config-file=/etc/kuma.io/kuma-control-plane/config.yaml'],
          env: [
            { name: 'KUMA_MODE', value: 'zone' },
            { name: 'KUMA_STORE_TYPE', value: 'kubernetes' },
            { name: 'KUMA_EXPERIMENTAL_SIDECAR_CONTAINERS', value: 'true' },
            {
              name: 'KUMA_RUNTIME_KUBERNETES_INJECTOR_SIDECAR_CONTAINER_IMAGE',
              value: `${registry}/kuma-dp:${VERSION}`,
            },
            { name: 'KUMA_INJECTOR_INIT_CONTAINER_IMAGE', value: `${registry}/kuma-init:${VERSION}` },
          ],
          ports: [
            { containerPort: 5680 },
            { containerPort: 5681 },
            { containerPort: 5682 },
            { containerPort: 5443 },
            { containerPort: 5678 },
          ],
          readinessProbe: { httpGet: { path: '/ready', port: 5680 } },
        },
      ],
      {
        podAnnotations: {
          'checksum/config': randomBytes(32).toString('hex'),
          'checksum/tls-secrets': randomBytes(32).toString('hex'),
          ...extraPodAnnotations(['controlPlane', 'podAnnotations']),
        },
      },
    ),
  );
  const hook = (name, path, failurePolicy, extra) => ({
    name,
    admissionReviewVersions: ['v1'],
    failurePolicy,
    clientConfig: { caBundle: ca, service: { namespace: ns, name: 'kuma-control-plane', path } },
    sideEffects: 'None',
    ...extra,
  });
  const injRule = {
    rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
  };
  objects.push({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'kuma-admission-mutating-webhook-configuration', namespace: ns, labels },
    webhooks: [
      hook(
        'mesh.defaulter.kuma-admission.kuma.io',
        '/default-kuma-io-v1alpha1-mesh',
        INJECTOR_FAILURE_POLICY,
        {
          rules: [
            {
              apiGroups: ['kuma.io'],
              apiVersions: ['v1alpha1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['meshes'],
            },
          ],
        },
      ),
      hook('namespace-kuma-injector.kuma.io', '/inject-sidecar', INJECTOR_FAILURE_POLICY, {
        ...injRule,
        namespaceSelector: {
          matchExpressions: [
            { key: 'kuma.io/sidecar-injection', operator: 'In', values: ['enabled', 'true'] },
            { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', ns] },
          ],
        },
      }),
      hook('pods-kuma-injector.kuma.io', '/inject-sidecar', INJECTOR_FAILURE_POLICY, {
        ...injRule,
        namespaceSelector: {
          matchExpressions: [
            { key: 'kuma.io/sidecar-injection', operator: 'DoesNotExist' },
            { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', ns] },
          ],
        },
        objectSelector: { matchLabels: { 'kuma.io/sidecar-injection': 'enabled' } },
      }),
    ],
  });
  objects.push({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'kuma-validating-webhook-configuration', namespace: ns, labels },
    webhooks: [
      hook('validator.kuma-admission.kuma.io', '/validate-kuma-io-v1alpha1', INJECTOR_FAILURE_POLICY, {
        rules: [
          {
            apiGroups: ['kuma.io'],
            apiVersions: ['v1alpha1'],
            operations: ['CREATE', 'UPDATE', 'DELETE'],
            resources: ['*'],
          },
        ],
      }),
      hook('pod.validator.kuma-admission.kuma.io', '/validate-v1-pod', INJECTOR_FAILURE_POLICY, {
        // Not the control plane's own pods: kuma-cp must start before it can answer.
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [ns] }],
        },
        rules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
        ],
      }),
    ],
  });
  print(objects);
}

// ---- helm (template only, for the Consul and Cilium charts) ----
function helm() {
  if (args[0] === 'version') {
    process.stdout.write(
      has('--short')
        ? `${VERSION}+gfake\n`
        : `version.BuildInfo{Version:"${VERSION}", GitCommit:"fake", GoVersion:"go1.24"}\n`,
    );
    return;
  }
  if (args[0] !== 'template') fail(`unknown command "${args[0]}" for "helm"`);
  const [release, chart] = args.slice(1, 3);
  const version = flag('--version');
  const ns = flag('--namespace', '-n') ?? 'default';
  if (!flag('--repo')) fail('chart repository not given (--repo)');
  if (!version) fail('meshdeck always pins the chart with --version');
  if (chart === 'consul') return consul(release, version, ns);
  if (chart === 'cilium') return cilium(release, version, ns);
  fail(`chart "${chart}" not found in repository`);
}

function consul(release, V, ns) {
  const name = single('global.name') ?? `${release}-consul`;
  const base = (component) => ({ app: 'consul', chart: 'consul-helm', heritage: 'Helm', release, component });
  const src = (o) => `# Source: consul/templates/${o.metadata.name}-${o.kind.toLowerCase()}.yaml\n`;
  const crdLabels = { ...base('crd') };
  const objects = [];
  for (const k of [
    'ControlPlaneRequestLimit',
    'ExportedServices',
    'GatewayClassConfig',
    'GatewayPolicy',
    'IngressGateway',
    'JWTProvider',
    'Mesh',
    'MeshService',
    'ProxyDefaults',
    'RateLimit',
    'Registration',
    'SamenessGroup',
    'ServiceDefaults',
    'ServiceIntentions',
    'ServiceResolver',
    'ServiceRouter',
    'ServiceSplitter',
    'TerminatingGateway',
  ])
    objects.push(
      crd(
        'consul.hashicorp.com',
        k.endsWith('s') ? k.toLowerCase() : pluralOf(k),
        k,
        'Namespaced',
        crdLabels,
      ),
    );
  objects.push(
    sa(`${name}-server`, ns, base('server')),
    sa(`${name}-connect-injector`, ns, base('connect-injector')),
    sa(`${name}-webhook-cert-manager`, ns, base('webhook-cert-manager')),
    cm(`${name}-server-config`, ns, base('server'), { 'server.json': '{"bind_addr":"0.0.0.0"}' }),
    cm(`${name}-webhook-cert-manager-config`, ns, base('webhook-cert-manager'), {
      'webhook-config.json': JSON.stringify([
        {
          name: `${name}-connect-injector`,
          tlsAutoHosts: [`${name}-connect-injector`],
          secretName: `${name}-connect-inject-webhook-cert`,
          secretNamespace: ns,
        },
      ]),
    }),
    clusterRole(`${name}-connect-injector`, base('connect-injector'), [
      {
        apiGroups: [''],
        resources: ['pods', 'endpoints', 'services', 'namespaces'],
        verbs: ['get', 'list', 'watch'],
      },
    ]),
    clusterRoleBinding(
      `${name}-connect-injector`,
      base('connect-injector'),
      `${name}-connect-injector`,
      `${name}-connect-injector`,
      ns,
    ),
    service(
      `${name}-server`,
      ns,
      base('server'),
      { app: 'consul', release, component: 'server' },
      [
        { name: 'http', port: 8500 },
        { name: 'grpc', port: 8502 },
        { name: 'serflan-tcp', port: 8301 },
        { name: 'server', port: 8300 },
      ],
      { clusterIP: 'None', publishNotReadyAddresses: true },
    ),
    service(`${name}-dns`, ns, base('dns'), { app: 'consul', release, hasDNS: 'true' }, [
      { name: 'dns-tcp', port: 53, targetPort: 'dns-tcp', protocol: 'TCP' },
    ]),
    service(`${name}-ui`, ns, base('ui'), { app: 'consul', release, component: 'server' }, [
      { name: 'http', port: 80, targetPort: 8500 },
    ]),
    service(
      `${name}-connect-injector`,
      ns,
      base('connect-injector'),
      { app: 'consul', release, component: 'connect-injector' },
      [{ port: 443, targetPort: 8080 }],
    ),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: `${name}-server`, namespace: ns, labels: base('server') },
      spec: {
        serviceName: `${name}-server`,
        podManagementPolicy: 'Parallel',
        replicas: Number(single('server.replicas') ?? 1),
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { partition: Number(single('server.updatePartition') ?? 0) },
        },
        selector: {
          matchLabels: { app: 'consul', chart: 'consul-helm', release, component: 'server', hasDNS: 'true' },
        },
        template: {
          metadata: {
            labels: { app: 'consul', chart: 'consul-helm', release, component: 'server', hasDNS: 'true' },
            annotations: {
              'consul.hashicorp.com/connect-inject': 'false',
              'consul.hashicorp.com/mesh-inject': 'false',
              ...extraPodAnnotations(['server', 'annotations']),
            },
          },
          spec: {
            serviceAccountName: `${name}-server`,
            containers: [
              {
                name: 'consul',
                image: `hashicorp/consul:${V}`,
                ports: [
                  { name: 'http', containerPort: 8500 },
                  { name: 'dns-tcp', containerPort: 8600 },
                ],
                readinessProbe: {
                  exec: { command: ['/bin/sh', '-ec', 'curl http://127.0.0.1:8500/v1/status/leader'] },
                  initialDelaySeconds: 1,
                },
              },
            ],
          },
        },
      },
    },
    deployment(
      `${name}-connect-injector`,
      ns,
      base('connect-injector'),
      { app: 'consul', chart: 'consul-helm', release, component: 'connect-injector' },
      [
        {
          name: 'sidecar-injector',
          image: `hashicorp/consul-k8s-control-plane:${V}`,
          command: [
            'consul-k8s-control-plane',
            'inject-connect',
            `-consul-dataplane-image=hashicorp/consul-dataplane:${V}`,
            `-consul-k8s-image=hashicorp/consul-k8s-control-plane:${V}`,
          ],
          ports: [{ name: 'webhook-server', containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/readyz/ready', port: 9445 } },
        },
      ],
      {
        serviceAccount: `${name}-connect-injector`,
        podAnnotations: {
          'consul.hashicorp.com/connect-inject': 'false',
          'consul.hashicorp.com/mesh-inject': 'false',
          ...extraPodAnnotations(['connectInject', 'annotations']),
        },
      },
    ),
    deployment(
      `${name}-webhook-cert-manager`,
      ns,
      base('webhook-cert-manager'),
      { app: 'consul', chart: 'consul-helm', release, component: 'webhook-cert-manager' },
      [
        {
          name: 'webhook-cert-manager',
          image: `hashicorp/consul-k8s-control-plane:${V}`,
          command: [
            'consul-k8s-control-plane',
            'webhook-cert-manager',
            '-config-file=/bootstrap/config/webhook-config.json',
          ],
        },
      ],
      {
        serviceAccount: `${name}-webhook-cert-manager`,
        podAnnotations: { 'consul.hashicorp.com/connect-inject': 'false' },
      },
    ),
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: `${name}-connect-injector`, labels: base('connect-injector') },
      webhooks: [
        {
          name: `${name}-connect-injector.consul.hashicorp.com`,
          clientConfig: { service: { name: `${name}-connect-injector`, namespace: ns, path: '/mutate' } },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
          failurePolicy: INJECTOR_FAILURE_POLICY,
          sideEffects: 'None',
          admissionReviewVersions: ['v1beta1', 'v1'],
          objectSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['consul'] }] },
          namespaceSelector: {
            matchExpressions: [
              {
                key: 'kubernetes.io/metadata.name',
                operator: 'NotIn',
                values: ['kube-system', 'local-path-storage', 'openebs'],
              },
            ],
          },
        },
      ],
    },
  );
  print(objects, src);
}

function cilium(release, V, ns) {
  const kube = flag('--kube-version');
  if (!kube) fail('meshdeck passes --kube-version: the chart branches on .Capabilities.KubeVersion');
  const image = (repo) => `quay.io/cilium/${repo}:v${V}@sha256:${'0'.repeat(64)}`;
  const part = { 'app.kubernetes.io/part-of': 'cilium' };
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cilium-secrets', labels: part } },
    sa('cilium', ns, {}),
    sa('cilium-operator', ns, {}),
    sa('cilium-envoy', ns, {}),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: 'hubble-server-certs', namespace: ns },
      data: { 'ca.crt': fakeCa(), 'tls.crt': fakeCa(), 'tls.key': fakeCa() },
    },
    cm(
      'cilium-config',
      ns,
      {},
      {
        'identity-allocation-mode': 'crd',
        'kube-proxy-replacement': 'false',
        'enable-hubble': 'true',
        'cni-exclusive': 'true',
        'upgrade-compatibility': single('upgradeCompatibility') ?? '',
      },
    ),
    cm('cilium-envoy-config', ns, part, { 'bootstrap-config.json': '{}' }),
    clusterRole('cilium', part, [{ apiGroups: ['cilium.io'], resources: ['*'], verbs: ['*'] }]),
    clusterRole('cilium-operator', part, [
      {
        apiGroups: ['apiextensions.k8s.io'],
        resources: ['customresourcedefinitions'],
        verbs: ['create', 'get', 'list', 'watch', 'update'],
      },
    ]),
    clusterRoleBinding('cilium', part, 'cilium', 'cilium', ns),
    clusterRoleBinding('cilium-operator', part, 'cilium-operator', 'cilium-operator', ns),
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: 'cilium',
        namespace: ns,
        labels: { 'k8s-app': 'cilium', ...part, 'app.kubernetes.io/name': 'cilium-agent' },
      },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'cilium' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
        template: {
          metadata: {
            labels: { 'k8s-app': 'cilium', ...part, 'app.kubernetes.io/name': 'cilium-agent' },
            annotations: { ...extraPodAnnotations(['podAnnotations']) },
          },
          spec: {
            serviceAccountName: 'cilium',
            hostNetwork: true,
            initContainers: [
              'config',
              'mount-cgroup',
              'apply-sysctl-overwrites',
              'clean-cilium-state',
              'install-cni-binaries',
            ].map((n) => ({ name: n, image: image('cilium') })),
            containers: [
              {
                name: 'cilium-agent',
                image: image('cilium'),
                command: ['cilium-agent'],
                args: ['--config-dir=/tmp/cilium/config-map'],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: 'cilium-envoy',
        namespace: ns,
        labels: { 'k8s-app': 'cilium-envoy', ...part, name: 'cilium-envoy' },
      },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'cilium-envoy' } },
        template: {
          metadata: { labels: { 'k8s-app': 'cilium-envoy', name: 'cilium-envoy', ...part } },
          spec: {
            serviceAccountName: 'cilium-envoy',
            hostNetwork: true,
            containers: [
              { name: 'cilium-envoy', image: `quay.io/cilium/cilium-envoy:v1.35.9@sha256:${'1'.repeat(64)}` },
            ],
          },
        },
      },
    },
    deployment(
      'cilium-operator',
      ns,
      { 'io.cilium/app': 'operator', name: 'cilium-operator', ...part },
      { 'io.cilium/app': 'operator', name: 'cilium-operator' },
      [
        {
          name: 'cilium-operator',
          image: image('operator-generic'),
          command: ['cilium-operator-generic'],
          args: ['--config-dir=/tmp/cilium/config-map'],
        },
      ],
      { replicas: 2, serviceAccount: 'cilium-operator', podAnnotations: {} },
    ),
  ];
  print(objects, (o) => `# Source: cilium/templates/${o.metadata.name}.yaml\n`);
}

const run = { istioctl, linkerd, kumactl, helm }[tool];
if (!run) fail(`fake installer named "${tool}": not one of istioctl, linkerd, kumactl, helm`);
run();
