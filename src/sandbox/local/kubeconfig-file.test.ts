import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { kubeconfigObject } from '../boot/kubeconfig.js';
import { mergeSandboxContext, removeSandboxContext } from './kubeconfig-file.js';
import { userKubeconfigPath } from './state.js';

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sandbox = (server: string) => kubeconfigObject({ server, caPem: 'CA', credentials: { token: 't' } });

describe('merging the sandbox context into a user kubeconfig', () => {
  it('adds its entries without touching the others, keeps comments, and replaces them on a second start', async () => {
    const file = join(dir, 'config');
    writeFileSync(
      file,
      '# my clusters\napiVersion: v1\nkind: Config\ncurrent-context: prod\nclusters:\n- name: prod\n  cluster: {server: https://prod}\ncontexts:\n- name: prod\n  context: {cluster: prod, user: me}\nusers:\n- name: me\n  user: {token: secret}\n',
    );
    await mergeSandboxContext(file, sandbox('https://127.0.0.1:1'));
    await mergeSandboxContext(file, sandbox('https://127.0.0.1:2'));
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^# my clusters/);
    const doc = parse(text);
    assert.equal(doc['current-context'], 'prod', 'the current context is left alone');
    assert.deepEqual(
      doc.clusters.map((c: { name: string }) => c.name),
      ['prod', 'meshdeck-sandbox'],
    );
    assert.equal(doc.clusters[1].cluster.server, 'https://127.0.0.1:2');
    assert.deepEqual(
      doc.users.map((u: { name: string }) => u.name),
      ['me', 'meshdeck-sandbox-admin'],
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
    await removeSandboxContext(file);
    const after = parse(readFileSync(file, 'utf8'));
    assert.deepEqual(
      after.contexts.map((c: { name: string }) => c.name),
      ['prod'],
    );
    assert.equal(after.users[0].user.token, 'secret');
  });

  it('creates the file when missing, with the sandbox as the current context', async () => {
    const file = join(dir, 'new', 'config');
    await mergeSandboxContext(file, sandbox('https://127.0.0.1:3'));
    const doc = parse(readFileSync(file, 'utf8'));
    assert.equal(doc['current-context'], 'meshdeck-sandbox');
    await removeSandboxContext(file);
    assert.equal(parse(readFileSync(file, 'utf8'))['current-context'], undefined);
  });

  it('refuses a kubeconfig that is not YAML, naming the line', async () => {
    const file = join(dir, 'broken');
    writeFileSync(file, 'clusters:\n  - a\n b: [\n');
    await assert.rejects(mergeSandboxContext(file, sandbox('https://x')), /broken:\d+:\d+ is not valid YAML/);
  });

  it('finds the file as kubectl does', () => {
    assert.equal(userKubeconfigPath('/flag', { KUBECONFIG: '/env' }), '/flag');
    assert.equal(userKubeconfigPath(undefined, { KUBECONFIG: `:/first:/second`, HOME: '/h' }), '/first');
    assert.equal(userKubeconfigPath(undefined, { HOME: '/h' }), '/h/.kube/config');
  });
});
