// `meshdeck sandbox` end to end: the real binary starts, reports, persists and stops the sandbox, and
// real kubectl reaches it through the merged kubeconfig context.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { BIN, runProcess, TestHome } from '../helpers/cli.js';

const home = new TestHome();
after(async () => {
  await home.run(['sandbox', 'stop']);
  home.cleanup();
});

const kubectl = (args: string[]) => runProcess('kubectl', args, { env: home.env });

describe('meshdeck sandbox', () => {
  it('reports a stopped sandbox with exit 3, and refuses a bad --port with exit 2', async () => {
    const status = await home.run(['sandbox', 'status', '-o', 'json']);
    assert.equal(status.code, 3);
    assert.deepEqual(JSON.parse(status.stdout), {
      apiVersion: 'meshdeck/v1',
      kind: 'SandboxStatus',
      running: false,
      ready: false,
    });
    const port = await home.run(['sandbox', 'start', '--port', 'http']);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--port must be a number from 0 to 65535, got "http"/);
    const none = await home.run(['sandbox', 'kubeconfig']);
    assert.equal(none.code, 1);
    assert.match(
      none.stderr,
      /error: no sandbox is running\nhint: start one with "meshdeck sandbox start --detach"/,
    );
  });

  it('starts detached, merges the meshdeck-sandbox context, and serves kubectl', async () => {
    const start = await home.run(['sandbox', 'start', '--detach']);
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.stdout, '');
    assert.match(
      start.stderr,
      /sandbox running at https:\/\/127\.0\.0\.1:\d+ \(pid \d+\); kubectl context "meshdeck-sandbox" in /,
    );
    const status = JSON.parse((await home.run(['sandbox', 'status', '-o', 'json'])).stdout);
    assert.equal(status.running, true);
    assert.equal(status.ready, true);
    assert.equal(status.context, 'meshdeck-sandbox');
    const path = (await home.run(['sandbox', 'kubeconfig'])).stdout.trim();
    assert.equal(path, join(home.env.XDG_STATE_HOME, 'meshdeck', 'sandbox', 'kubeconfig'));
    const kube = parse(readFileSync(home.env.KUBECONFIG, 'utf8'));
    assert.equal(kube['current-context'], 'meshdeck-sandbox');
    const ns = await kubectl(['get', 'namespaces', '-o', 'name']);
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, /^namespace\/kube-system$/m);
    const again = await home.run(['sandbox', 'start', '--detach']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /a sandbox is already running \(pid \d+\)/);
  });

  it('prints the kubeconfig with its credentials redacted', async () => {
    const r = await home.run(['sandbox', 'kubeconfig', '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    const doc = parse(r.stdout);
    assert.equal(doc.users[0].user['client-key-data'], 'REDACTED');
    assert.equal(doc.clusters[0].cluster['certificate-authority-data'], 'DATA+OMITTED');
    assert.doesNotMatch(r.stdout, /PRIVATE KEY|LS0t/);
  });

  it('stops, removing its state and its kubeconfig entries', async () => {
    const stop = await home.run(['sandbox', 'stop']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stderr, /sandbox stopped \(pid \d+\)/);
    assert.equal((await home.run(['sandbox', 'status'])).code, 3);
    assert.equal(existsSync(join(home.env.XDG_STATE_HOME, 'meshdeck', 'sandbox', 'state.json')), false);
    const kube = parse(readFileSync(home.env.KUBECONFIG, 'utf8'));
    assert.deepEqual(kube.contexts, []);
    const again = await home.run(['sandbox', 'stop']);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /no sandbox is running/);
  });

  it('keeps objects across a restart with --data-dir', async () => {
    const data = join(home.root, 'sandbox-data');
    assert.equal((await home.run(['sandbox', 'start', '--detach', '--data-dir', data])).code, 0);
    assert.equal((await kubectl(['create', 'configmap', 'kept', '--from-literal=k=v'])).code, 0);
    assert.equal((await home.run(['sandbox', 'stop'])).code, 0);
    const restart = await home.run(['sandbox', 'start', '--detach', '--data-dir', data]);
    assert.equal(restart.code, 0, restart.stderr);
    const got = await kubectl(['get', 'configmap', 'kept', '-o', 'jsonpath={.data.k}']);
    assert.equal(got.stdout, 'v', got.stderr);
    assert.equal((await home.run(['sandbox', 'stop'])).code, 0);
  });

  it('runs in the foreground until SIGTERM, then cleans up', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', 'start'], {
      env: { PATH: process.env.PATH, ...home.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 15_000;
    while (!/sandbox running at/.test(stderr) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(
      stderr,
      /sandbox running at https:\/\/127\.0\.0\.1:\d+; kubectl context "meshdeck-sandbox" in .*; Ctrl-C stops it/,
    );
    assert.equal((await kubectl(['get', 'ns', 'default', '-o', 'name'])).stdout, 'namespace/default\n');
    child.kill('SIGTERM');
    assert.equal(await exited, 130);
    assert.match(stderr, /sandbox stopped/);
    assert.equal((await home.run(['sandbox', 'status'])).code, 3);
  });
});
