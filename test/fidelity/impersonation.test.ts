// Issue 17 class 8: impersonation. Impersonate-User, -Group, -Uid and -Extra-* act as another user
// once RBAC allows the `impersonate` verb on users, groups, serviceaccounts, uids and userextras, with
// the apiserver's 403 wording for the first thing not allowed; kubectl's --as, --as-group and --as-uid
// and the Python client's headers behave as on a real cluster.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, raw, testSandbox, type TestSandbox } from './helpers.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';

let ts: TestSandbox;
let daveKubeconfig: string;
before(async () => {
  ts = await testSandbox({ controllers: false });
  const admin = ts.home();
  const setup = [
    // dave may impersonate users and the group "dev", and service accounts in "default" only.
    [
      'create',
      'clusterrole',
      'impersonator',
      '--verb=impersonate',
      '--resource=users,groups',
      '--resource-name=alice',
      '--resource-name=dev',
    ],
    ['create', 'clusterrolebinding', 'dave-impersonates', '--clusterrole=impersonator', '--user=dave'],
    ['create', 'role', 'sa-impersonator', '--verb=impersonate', '--resource=serviceaccounts'],
    ['create', 'rolebinding', 'dave-impersonates-sa', '--role=sa-impersonator', '--user=dave'],
    // alice (through the group dev) may read pods; dave himself may not.
    ['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods'],
    ['create', 'rolebinding', 'dev-reads', '--role=pod-reader', '--group=dev'],
  ];
  for (const args of setup) {
    const r = await admin.run(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  daveKubeconfig = ts.sandbox.kubeconfigFor({ user: 'dave' });
});
after(() => ts.stop());

describe('impersonation (issue 17, class 8)', () => {
  for (const version of KUBECTL_VERSIONS) {
    it(`kubectl ${version}: --as and --as-group act as that user once RBAC allows it, 403 otherwise`, async () => {
      const dave = ts.home(daveKubeconfig);
      const own = await dave.run(['get', 'pods'], { version });
      assert.equal(own.code, 1);
      assert.match(
        own.stderr,
        /pods is forbidden: User "dave" cannot list resource "pods" in API group "" in the namespace "default"/,
      );

      const asAlice = await dave.run(['get', 'pods', '--as', 'alice', '--as-group', 'dev'], { version });
      assert.equal(asAlice.code, 0, asAlice.stderr);
      assert.match(asAlice.stderr + asAlice.stdout, /No resources found in default namespace/);

      // alice without the group has no binding of her own.
      const aliceAlone = await dave.run(['get', 'pods', '--as', 'alice'], { version });
      assert.equal(aliceAlone.code, 1);
      assert.match(
        aliceAlone.stderr,
        /pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/,
      );

      const notAllowed = await dave.run(['get', 'pods', '--as', 'mallory'], { version });
      assert.equal(notAllowed.code, 1);
      assert.match(
        notAllowed.stderr,
        /users "mallory" is forbidden: User "dave" cannot impersonate resource "users" in API group "" at the cluster scope/,
      );
      const badGroup = await dave.run(['get', 'pods', '--as', 'alice', '--as-group', 'system:masters'], {
        version,
      });
      assert.equal(badGroup.code, 1);
      assert.match(
        badGroup.stderr,
        /groups "system:masters" is forbidden: User "dave" cannot impersonate resource "groups" in API group "" at the cluster scope/,
      );

      const canI = await dave.run(['auth', 'can-i', 'list', 'pods', '--as', 'alice', '--as-group', 'dev'], {
        version,
      });
      assert.equal(canI.stdout.trim(), 'yes', canI.stderr);
      const cannot = await dave.run(
        ['auth', 'can-i', 'delete', 'pods', '--as', 'alice', '--as-group', 'dev'],
        { version },
      );
      assert.equal(cannot.stdout.trim(), 'no');
    });
  }

  it('kubectl auth whoami --as shows the impersonated user, its groups, uid and extras', async () => {
    const admin = ts.home();
    const who = await admin.run([
      'auth',
      'whoami',
      '--as',
      'alice',
      '--as-group',
      'dev',
      '--as-uid',
      'u-1',
      '-o',
      'json',
    ]);
    assert.equal(who.code, 0, who.stderr);
    assert.deepEqual(JSON.parse(who.stdout).status.userInfo, {
      username: 'alice',
      uid: 'u-1',
      groups: ['dev', 'system:authenticated'],
    });
    const sa = await ts
      .home(daveKubeconfig)
      .run(['auth', 'whoami', '--as', 'system:serviceaccount:default:builder', '-o', 'json']);
    assert.equal(sa.code, 0, sa.stderr);
    assert.deepEqual(JSON.parse(sa.stdout).status.userInfo, {
      username: 'system:serviceaccount:default:builder',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });
    // kubectl words any 403 of whoami as its own; the apiserver's Status is checked over HTTP below.
    const otherNs = await ts
      .home(daveKubeconfig)
      .run(['auth', 'whoami', '--as', 'system:serviceaccount:kube-system:builder']);
    assert.equal(otherNs.code, 1);
    assert.match(
      otherNs.stderr,
      /the selfsubjectreviews API is not enabled in the cluster or you do not have permission/,
    );
  });

  it('extras need userextras/<key>; a group without a user is 500; the 403 is the apiserver Status', async () => {
    const daveToken = /token: (\S+)/.exec(daveKubeconfig)![1];
    const extra = await raw(ts, '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Impersonate-User': 'alice',
        'Impersonate-Extra-Scopes': 'view',
      },
      body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
      token: daveToken,
    });
    assert.equal(extra.status, 403);
    assert.deepEqual(extra.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'userextras.authentication.k8s.io "view" is forbidden: User "dave" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
      reason: 'Forbidden',
      details: { name: 'view', group: 'authentication.k8s.io', kind: 'userextras' },
      code: 403,
    });
    const saElsewhere = await raw(ts, '/api/v1/namespaces', {
      headers: { 'Impersonate-User': 'system:serviceaccount:kube-system:builder' },
      token: daveToken,
    });
    assert.equal(saElsewhere.status, 403);
    assert.equal(
      saElsewhere.json().message,
      'serviceaccounts "builder" is forbidden: User "dave" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"',
    );
    const asAdmin = await raw(ts, '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Impersonate-User': 'alice',
        'Impersonate-Extra-Scopes': 'view',
        'Impersonate-Extra-Acme.com%2fteam': 'blue',
      },
      body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
    });
    assert.equal(asAdmin.status, 201, asAdmin.text);
    assert.deepEqual(asAdmin.json().status.userInfo.extra, { scopes: ['view'], 'acme.com/team': ['blue'] });
    const groupOnly = await raw(ts, '/api/v1/namespaces', { headers: { 'Impersonate-Group': 'dev' } });
    assert.equal(groupOnly.status, 500);
    assert.match(
      groupOnly.json().message,
      /^Internal error occurred: requested \[.*dev.*\] without impersonating a user$/,
    );
  });

  it('the Python client with Impersonate-* headers: allowed and refused as for kubectl', async (t) => {
    if (!needPrograms(t, PYTHON_KUBERNETES)) return;
    const r = await ts.home(daveKubeconfig).python(`
import json
from kubernetes import client, config
config.load_kube_config()
def pods(headers):
    api = client.ApiClient()
    for k, v in headers.items():
        api.set_default_header(k, v)
    try:
        return len(client.CoreV1Api(api).list_namespaced_pod("default").items)
    except client.exceptions.ApiException as e:
        return [e.status, json.loads(e.body)["message"]]
print(json.dumps({
    "alice": pods({"Impersonate-User": "alice", "Impersonate-Group": "dev"}),
    "mallory": pods({"Impersonate-User": "mallory"}),
}))
`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      alice: 0,
      mallory: [
        403,
        'users "mallory" is forbidden: User "dave" cannot impersonate resource "users" in API group "" at the cluster scope',
      ],
    });
  });
});
