import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExitCode, MeshdeckError } from '../core/errors.js';
import { kubeconfigCredentials, resolveCluster, SANDBOX_CONTEXT } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const first = file(
  'first',
  `apiVersion: v1
kind: Config
current-context: east
clusters:
- name: east
  cluster: {server: "https://east.example.com:6443", certificate-authority: certs/ca.crt}
- name: shared
  cluster: {server: "https://first.example.com"}
users:
- name: admin
  user: {token: first-token}
contexts:
- name: east
  context: {cluster: east, user: admin, namespace: payments}
- name: shared
  context: {cluster: shared, user: admin}
`,
);
const second = file(
  'second',
  `apiVersion: v1
kind: Config
current-context: west
clusters:
- name: shared
  cluster: {server: "https://second.example.com"}
- name: west
  cluster: {server: "https://west.example.com"}
users:
- name: admin
  user: {token: second-token}
contexts:
- name: west
  context: {cluster: west, user: admin}
- name: ${SANDBOX_CONTEXT}
  context: {cluster: west, user: admin}
`,
);

function failure(fn: () => unknown): MeshdeckError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MeshdeckError, String(err));
    return err;
  }
  assert.fail('expected a failure');
}

describe('resolveCluster', () => {
  it('merges KUBECONFIG files as kubectl does: the first to define a name or current-context wins', () => {
    const target = resolveCluster({
      cluster: {},
      env: { HOME: dir, KUBECONFIG: [first, join(dir, 'missing'), second].join(delimiter) },
    });
    assert.equal(target.context.name, 'east');
    assert.equal(target.cluster.server, 'https://east.example.com:6443');
    // Relative certificate paths are relative to the kubeconfig's folder.
    assert.equal(target.cluster.caFile, join(dir, 'certs', 'ca.crt'));
    const shared = resolveCluster({
      cluster: { context: 'shared' },
      env: { HOME: dir, KUBECONFIG: [first, second].join(delimiter) },
    });
    assert.equal(shared.cluster.server, 'https://first.example.com');
    const west = resolveCluster({
      cluster: { context: 'west' },
      env: { HOME: dir, KUBECONFIG: [first, second].join(delimiter) },
    });
    assert.equal(west.user.token, 'first-token');
  });

  it('uses the context kubeconfig over KUBECONFIG, and ~/.kube/config when neither is set', () => {
    const target = resolveCluster({ cluster: { kubeconfig: second }, env: { HOME: dir, KUBECONFIG: first } });
    assert.equal(target.context.name, 'west');
    mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
    writeFileSync(
      join(dir, 'home', '.kube', 'config'),
      'current-context: west\nclusters: [{name: w, cluster: {server: "https://home.example.com"}}]\n' +
        'users: [{name: u, user: {}}]\ncontexts: [{name: west, context: {cluster: w, user: u}}]\n',
    );
    assert.equal(
      resolveCluster({ cluster: {}, env: { HOME: join(dir, 'home') } }).cluster.server,
      'https://home.example.com',
    );
  });

  it('names a missing kube context with the ones that exist (exit 2)', () => {
    const err = failure(() =>
      resolveCluster({ cluster: { context: 'eats' }, env: { HOME: dir, KUBECONFIG: first } }),
    );
    assert.equal(err.exitCode, ExitCode.USAGE);
    assert.match(err.message, /kube context "eats" is not in .*first \(did you mean "east"\?\)/);
    assert.equal(err.hint, 'contexts there: east, shared');
    const missing = failure(() =>
      resolveCluster({ cluster: { kubeconfig: join(dir, 'nope') }, env: { HOME: dir } }),
    );
    assert.equal(missing.exitCode, ExitCode.USAGE);
    assert.match(missing.message, /kubeconfig .*nope \(from the context or --kubeconfig\) does not exist/);
    const none = failure(() => resolveCluster({ cluster: {}, env: { HOME: join(dir, 'nohome') } }));
    assert.match(none.message, /no kubeconfig found/);
    const broken = file('broken', 'clusters: [a: b: c]\n');
    assert.match(
      failure(() => resolveCluster({ cluster: { kubeconfig: broken }, env: {} })).message,
      /kubeconfig .*broken is not valid/,
    );
  });

  it('finds the sandbox by its kube context, and says how to start it when it is absent', () => {
    const sandbox = resolveCluster({ cluster: { sandbox: true }, env: { HOME: dir, KUBECONFIG: second } });
    assert.equal(sandbox.context.name, SANDBOX_CONTEXT);
    const err = failure(() =>
      resolveCluster({ cluster: { sandbox: true }, env: { HOME: dir, KUBECONFIG: first } }),
    );
    assert.equal(err.exitCode, ExitCode.FAILED);
    assert.match(err.hint ?? '', /meshdeck sandbox start/);
  });

  it('falls back to the in-cluster service account, reading the token file for each credential', async () => {
    const root = join(dir, 'pod');
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'sa-token-1');
    writeFileSync(join(sa, 'ca.crt'), 'not really a certificate');
    writeFileSync(join(sa, 'namespace'), 'apps');
    const env = {
      HOME: join(dir, 'nohome'),
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
    };
    const target = resolveCluster({ cluster: {}, env, serviceAccountRoot: root });
    assert.equal(target.cluster.server, 'https://10.96.0.1:443');
    assert.equal(target.description, 'the in-cluster service account');
    assert.equal(process.env.KUBERNETES_SERVICE_HOST, undefined, 'the process environment is left as it was');
    const creds = await kubeconfigCredentials(target).get(false);
    assert.equal(creds.headers.Authorization, 'Bearer sa-token-1');
    assert.equal(String(creds.tls.ca), 'not really a certificate');
  });
});
