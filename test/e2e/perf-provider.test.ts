// Results and profiles with a Remote Provider: pushed after each run when signed in, read back on another
// machine, queued while the provider is down and sent by `meshdeck sync`, and kept locally throughout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import {
  deviceLogin,
  restartableProvider,
  tokensFor,
  type RestartableProvider,
} from '../helpers/provider.js';
import { countingTarget } from './perf-targets.js';

const laptop = new TestHome();
const ci = new TestHome();
let provider: RestartableProvider;
let target: Awaited<ReturnType<typeof countingTarget>>;

before(async () => {
  provider = await restartableProvider('pglite');
  await provider.start();
  target = await countingTarget();
  for (const home of [laptop, ci]) {
    const created = await home.run([
      'context',
      'create',
      'team',
      '--sandbox',
      '--provider',
      provider.url,
      '--use',
    ]);
    assert.equal(created.code, 0, created.stderr);
  }
});
after(async () => {
  await target.close();
  await provider.cleanup();
  laptop.cleanup();
  ci.cleanup();
});

async function providerResults(): Promise<Array<{ name: string; data: { id: string } }>> {
  const token = (await tokensFor(provider.url)).access_token;
  const res = await fetch(`${provider.url}/api/performance/results`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: Array<{ name: string; data: { id: string } }> }).items;
}

const run = (home: TestHome, name: string) =>
  home.run(['perf', 'run', target.url, '--requests', '50', '-c', '2', '--name', name, '-o', 'json']);

describe('perf with a Remote Provider', () => {
  it('keeps results only locally until signed in', async () => {
    const r = await run(laptop, 'before-login');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /provider/);
    assert.deepEqual(await providerResults(), []);
  });

  it('pushes each result when signed in, and another machine lists and views it', async () => {
    for (const home of [laptop, ci]) assert.equal((await deviceLogin(home, provider.url)).code, 0);
    const r = await run(ci, 'nightly');
    assert.equal(r.code, 0, r.stderr);
    const id = (JSON.parse(r.stdout) as { id: string }).id;
    assert.match(r.stderr, /result "nightly" created on the provider/);
    assert.deepEqual(
      (await providerResults()).map((d) => [d.name, d.data.id]),
      [['nightly', id]],
    );

    const list = await laptop.run(['perf', 'result', 'list', '-o', 'json']);
    assert.equal(list.code, 0, list.stderr);
    const names = (JSON.parse(list.stdout) as { items: Array<{ name: string }> }).items
      .map((x) => x.name)
      .sort();
    assert.deepEqual(names, ['before-login', 'nightly'], 'its own local result and the pushed one');
    const view = await laptop.run(['perf', 'result', 'view', id.slice(0, 8), '-o', 'json']);
    assert.equal(view.code, 0, view.stderr);
    assert.equal((JSON.parse(view.stdout) as { id: string }).id, id);
  });

  it('pushes profiles by name, so `perf apply` works from another machine', async () => {
    const created = await ci.run([
      'perf',
      'profile',
      'create',
      'smoke',
      '--url',
      target.url,
      '--requests',
      '20',
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /profile "smoke" created on the provider/);
    const applied = await laptop.run(['perf', 'apply', 'smoke', '-o', 'json']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((JSON.parse(applied.stdout) as { requests: { completed: number } }).requests.completed, 20);
  });

  it('queues results while the provider is down and sends them with meshdeck sync', async () => {
    await provider.stop();
    const r = await run(laptop, 'offline');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /result "offline" queued for the provider/);
    const local = await laptop.run(['perf', 'result', 'view', 'offline', '-o', 'json']);
    assert.equal(local.code, 0, 'kept on this machine meanwhile: ' + local.stderr);

    await provider.start();
    const sync = await laptop.run(['sync']);
    assert.equal(sync.code, 0, sync.stderr);
    const names = (await providerResults()).map((d) => d.name).sort();
    assert.deepEqual(names, ['nightly', 'offline', 'smoke']);
  });
});
