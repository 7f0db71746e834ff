// Context management end to end: the file it writes, what later commands see, and two processes at once.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { TestHome } from '../helpers/cli.js';

const home = new TestHome();
after(() => home.cleanup());

describe('meshdeck context', () => {
  it('starts with the built-in "local" context and no file', async () => {
    const r = await home.run(['context', 'list']);
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      'CURRENT   NAME    CLUSTER              NAMESPACE   PROVIDER\n*         local   sandbox (embedded)   default     built-in\n',
    );
    assert.throws(() => statSync(home.configFile), 'reading must not create the config file');
  });

  it('creates a context from the kubectl-style flags, in a private versioned file', async () => {
    const r = await home.run([
      'context',
      'create',
      'prod',
      '--kubeconfig',
      '/etc/kube/prod.yaml',
      '--kube-context',
      'east',
      '-n',
      'payments',
      '--provider',
      'https://provider.example.com',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /context "prod" created/);
    const file = parse(readFileSync(home.configFile, 'utf8'));
    assert.equal(file.apiVersion, 'meshdeck/v1');
    assert.deepEqual(file.contexts, [
      {
        name: 'prod',
        cluster: { kubeconfig: '/etc/kube/prod.yaml', context: 'east' },
        provider: { url: 'https://provider.example.com' },
        namespace: 'payments',
      },
    ]);
    assert.equal(statSync(home.configFile).mode & 0o777, 0o600);
    assert.equal(statSync(home.configDir).mode & 0o777, 0o700);
  });

  it('refuses a duplicate, a reserved or an invalid name with exit 2', async () => {
    for (const [name, message] of [
      ['prod', /already exists/],
      ['local', /built-in context's name/],
      ['-bad name', /not a valid context name|unknown option/],
    ] as const) {
      const r = await home.run(['context', 'create', name]);
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, message);
    }
    const ns = await home.run(['context', 'create', 'x', '-n', 'Not_OK']);
    assert.equal(ns.code, 2);
    assert.match(ns.stderr, /not a valid namespace/);
  });

  it('switches, views, renames and deletes', async () => {
    assert.equal((await home.run(['context', 'use', 'prod'])).code, 0);
    const view = await home.run(['context', 'view', '-o', 'json']);
    assert.equal(view.code, 0);
    const ctx = JSON.parse(view.stdout);
    assert.equal(ctx.kind, 'Context');
    assert.equal(ctx.name, 'prod');
    assert.equal(ctx.current, true);
    assert.equal(ctx.namespace, 'payments');

    const yamlView = await home.run(['context', 'view', 'local']);
    assert.equal(parse(yamlView.stdout).cluster.sandbox, true);

    assert.equal((await home.run(['context', 'rename', 'prod', 'prod-east'])).code, 0);
    const renamed = parse(readFileSync(home.configFile, 'utf8'));
    assert.equal(renamed['current-context'], 'prod-east');

    const del = await home.run(['context', 'delete', 'prod-east']);
    assert.equal(del.code, 0);
    assert.match(del.stderr, /was the current context; now using the built-in "local"/);
    const list = await home.run(['context', 'list', '-o', 'json']);
    const items = JSON.parse(list.stdout).items;
    assert.deepEqual(
      items.map((i: { name: string; current: boolean }) => [i.name, i.current]),
      [['local', true]],
    );
  });

  it('will not rename or delete the built-in context', async () => {
    for (const args of [
      ['rename', 'local', 'x'],
      ['delete', 'local'],
    ]) {
      const r = await home.run(['context', ...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /built-in context "local" cannot be/);
    }
  });

  it('--context and MESHDECK_CONTEXT pick a context for one command only', async () => {
    await home.run(['context', 'create', 'a', '-n', 'ns-a']);
    await home.run(['context', 'create', 'b', '-n', 'ns-b', '--use']);
    const flag = JSON.parse((await home.run(['--context', 'a', 'context', 'view', '-o', 'json'])).stdout);
    assert.equal(flag.namespace, 'ns-a');
    const env = JSON.parse(
      (await home.run(['context', 'view', '-o', 'json'], { env: { MESHDECK_CONTEXT: 'a' } })).stdout,
    );
    assert.equal(env.namespace, 'ns-a');
    const current = JSON.parse((await home.run(['context', 'view', '-o', 'json'])).stdout);
    assert.equal(current.name, 'b');
  });

  it('prints every format: wide adds the kubeconfig column, yaml parses back to the json', async () => {
    const wide = await home.run(['context', 'list', '-o', 'wide']);
    assert.match(wide.stdout.split('\n')[0], /KUBECONFIG$/);
    const json = JSON.parse((await home.run(['context', 'list', '-o', 'json'])).stdout);
    const yaml = parse((await home.run(['context', 'list', '-o', 'yaml'])).stdout);
    assert.deepEqual(yaml, json);
  });

  it("keeps the user's comments and unknown keys when it writes", async () => {
    writeFileSync(
      home.configFile,
      '# hand-written, keep this\napiVersion: meshdeck/v1\ncontexts:\n  - name: kept # note\n    owner: team-a\n',
    );
    const r = await home.run(['context', 'create', 'added']);
    assert.equal(r.code, 0);
    const text = readFileSync(home.configFile, 'utf8');
    assert.match(text, /^# hand-written, keep this\n/);
    assert.match(text, /- name: kept # note\n {4}owner: team-a\n/);
    assert.match(text, /- name: added/);
  });

  it('loses no update when many meshdeck processes write at once', async () => {
    writeFileSync(home.configFile, 'apiVersion: meshdeck/v1\ncontexts: []\n');
    const names = Array.from({ length: 8 }, (_, i) => `parallel-${i}`);
    const results = await Promise.all(names.map((n) => home.run(['context', 'create', n])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const file = parse(readFileSync(home.configFile, 'utf8'));
    assert.deepEqual(file.contexts.map((c: { name: string }) => c.name).sort(), names.sort());
  });
});
