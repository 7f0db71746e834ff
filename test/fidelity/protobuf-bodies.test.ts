// Issue 17 class 4: request bodies in protobuf. kubectl's typed `create` generators, `autoscale` and
// `create token` send application/vnd.kubernetes.protobuf; the sandbox decodes every kind generically
// (fixtures/kubernetes/protobuf-1.32.json.gz) and stores what a real apiserver would. TokenRequest returns
// a real token that authenticates; the Python client's TokenRequest too.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS } from './helpers.js';
import { sharedSandbox } from './shared-sandbox.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';

const shared = sharedSandbox();
const kubectl = (args: string[], version?: string) => shared.kubectl(args, version);
const json = async (args: string[], version?: string) =>
  JSON.parse(await kubectl([...args, '-o', 'json'], version)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { sub: string; aud: string[] };

for (const version of KUBECTL_VERSIONS) {
  describe(`protobuf request bodies with kubectl ${version}`, () => {
    const ns = `pb-${version.replace('.', '-')}`;
    // kubectl 1.27's typed clients still send JSON; protobuf bodies came with later versions.
    const bodyType = version === '1.27' ? 'application/json' : 'application/vnd.kubernetes.protobuf';
    before(async () => {
      await kubectl(['create', 'namespace', ns], version);
      await kubectl(['create', 'serviceaccount', 'robot', '-n', ns], version);
    });

    it('create token: a protobuf TokenRequest answered with a token that authenticates as the service account', async () => {
      const token = (await kubectl(['create', 'token', 'robot', '-n', ns, '--duration=15m'], version)).trim();
      const rec = shared.ts.requests
        .filter((r) => r.url.includes(`/namespaces/${ns}/serviceaccounts/robot/token`))
        .at(-1)!;
      assert.equal(rec.contentType, bodyType);
      assert.equal(rec.status, 201);
      assert.equal(claimsOf(token).sub, `system:serviceaccount:${ns}:robot`);
      const denied = await shared.h.run(['--token', token, 'get', 'secrets', '-n', ns], { version });
      assert.match(
        denied.stderr,
        new RegExp(`"system:serviceaccount:${ns}:robot" cannot list resource "secrets"`),
      );
    });

    it('create ingress, deployment, job, cronjob, service, secret, quota, priorityclass, pdb and role bindings decode from protobuf', async () => {
      const creates: string[][] = [
        [
          'create',
          'ingress',
          'web',
          '-n',
          ns,
          '--class=nginx',
          '--rule=example.com/api*=web:8080,tls=web-tls',
        ],
        ['create', 'deployment', 'web', '-n', ns, '--image=nginx:1.27', '--replicas=0', '--port=8080'],
        ['create', 'job', 'once', '-n', ns, '--image=busybox', '--', 'echo', 'hi'],
        ['create', 'cronjob', 'tick', '-n', ns, '--image=busybox', '--schedule=@hourly', '--', 'date'],
        ['create', 'service', 'clusterip', 'web', '-n', ns, '--tcp=80:8080'],
        ['create', 'secret', 'generic', 'creds', '-n', ns, '--from-literal=user=admin'],
        ['create', 'quota', 'q', '-n', ns, '--hard=pods=10,requests.cpu=2'],
        ['create', 'priorityclass', `pc-${ns}`, '--value=1000', '--description=test'],
        ['create', 'poddisruptionbudget', 'pdb', '-n', ns, '--selector=app=web', '--min-available=50%'],
        ['create', 'role', 'reader', '-n', ns, '--verb=get,list', '--resource=pods'],
        ['create', 'rolebinding', 'rb', '-n', ns, '--role=reader', '--serviceaccount', `${ns}:robot`],
      ];
      for (const args of creates) await kubectl(args, version);
      const protobufPosts = shared.ts.requests.filter(
        (r) => r.method === 'POST' && r.url.includes(ns) && r.contentType === bodyType,
      );
      assert.ok(protobufPosts.length >= 8, `protobuf bodies: ${protobufPosts.map((r) => r.url).join(' ')}`);
      assert.ok(
        protobufPosts.every((r) => r.status === 201),
        JSON.stringify(protobufPosts),
      );

      const ing = await json(['get', 'ingress', 'web', '-n', ns], version);
      assert.equal(ing.spec.ingressClassName, 'nginx');
      assert.deepEqual(ing.spec.rules[0].http.paths[0], {
        path: '/api',
        pathType: 'Prefix',
        backend: { service: { name: 'web', port: { number: 8080 } } },
      });
      assert.deepEqual(ing.spec.tls, [{ hosts: ['example.com'], secretName: 'web-tls' }]);
      const deploy = await json(['get', 'deployment', 'web', '-n', ns], version);
      assert.equal(deploy.spec.replicas, 0, 'an explicit zero of a pointer field is kept');
      assert.deepEqual(deploy.spec.template.spec.containers[0].ports, [
        { containerPort: 8080, protocol: 'TCP' },
      ]);
      const cj = await json(['get', 'cronjob', 'tick', '-n', ns], version);
      assert.equal(cj.spec.schedule, '@hourly');
      assert.deepEqual(cj.spec.jobTemplate.spec.template.spec.containers[0].command, ['date']);
      const secret = await json(['get', 'secret', 'creds', '-n', ns], version);
      assert.equal(Buffer.from(secret.data.user, 'base64').toString(), 'admin');
      const quota = await json(['get', 'quota', 'q', '-n', ns], version);
      assert.deepEqual(quota.spec.hard, { pods: '10', 'requests.cpu': '2' });
      const pdb = await json(['get', 'pdb', 'pdb', '-n', ns], version);
      assert.equal(pdb.spec.minAvailable, '50%');
      const svc = await json(['get', 'service', 'web', '-n', ns], version);
      assert.deepEqual(svc.spec.ports[0].targetPort, 8080);
      const rb = await json(['get', 'rolebinding', 'rb', '-n', ns], version);
      assert.deepEqual(rb.subjects, [{ kind: 'ServiceAccount', name: 'robot', namespace: ns }]);
    });
  });
}

it('the Python client requests a token for a service account (TokenRequest) that authenticates', async (t) => {
  if (!needPrograms(t, PYTHON_KUBERNETES)) return;
  const r = await shared.ts.home().python(`
import json
from kubernetes import client, config
config.load_kube_config()
v1 = client.CoreV1Api()
v1.create_namespaced_service_account("default", client.V1ServiceAccount(metadata=client.V1ObjectMeta(name="py-robot")))
tr = client.AuthenticationV1TokenRequest(spec=client.V1TokenRequestSpec(audiences=[], expiration_seconds=600))
out = v1.create_namespaced_service_account_token("py-robot", "default", tr)
review = client.AuthenticationV1Api().create_token_review(client.V1TokenReview(spec=client.V1TokenReviewSpec(token=out.status.token)))
print(json.dumps({"authenticated": review.status.authenticated, "user": review.status.user.username}))
`);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    authenticated: true,
    user: 'system:serviceaccount:default:py-robot',
  });
});
