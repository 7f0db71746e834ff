// Offline-first sync end to end, on PGlite and on PostgreSQL: push and pull, conflicts with both versions
// kept, the cache deleted between commands, the outbox replayed after an outage, two processes syncing at
// once, and the provider killed in the middle of a sync.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { TestHome } from '../helpers/cli.js';
import { configDesign, configOf } from '../helpers/designs.js';
import {
  ADMIN,
  DATABASES,
  deviceLogin,
  designNames,
  restartableProvider,
  spawnProviderProcess,
  startTestProvider,
  tokensFor,
  usePostgres,
  type RestartableProvider,
} from '../helpers/provider.js';

const write = (home: TestHome, name: string, body: string) => {
  const file = join(home.root, name);
  writeFileSync(file, body);
  return file;
};
const outboxFiles = (home: TestHome) => {
  const root = join(home.env.XDG_STATE_HOME, 'meshdeck', 'provider');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (dir.endsWith('outbox') && entry.name.endsWith('.json')) found.push(join(dir, entry.name));
    }
  };
  walk(root);
  return found;
};

for (const kind of DATABASES) {
  describe(`design push and pull with offline-first sync (provider on ${kind})`, () => {
    if (kind === 'postgres') usePostgres();
    let provider: RestartableProvider;
    let token: string;
    const home = new TestHome();
    const other = new TestHome(); // the same user on a second machine
    after(async () => {
      await provider?.cleanup();
      home.cleanup();
      other.cleanup();
    });
    before(async () => {
      provider = await restartableProvider(kind);
      await provider.start();
      for (const h of [home, other]) assert.equal((await deviceLogin(h, provider.url)).code, 0);
      token = (await tokensFor(provider.url)).access_token;
    });
    const run = (h: TestHome, args: string[]) => h.run([...args, '--provider', provider.url]);

    it('pushes a design, pulls it back, and knows when nothing changed', async () => {
      const file = write(home, 'web.yaml', configDesign('web', { image: 'nginx', replicas: '2' }));
      const pushed = await run(home, ['design', 'push', file]);
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.match(pushed.stderr, /design "web" created on .* \(version 1\)/);
      const again = await run(home, ['design', 'push', file]);
      assert.match(again.stderr, /design "web" is up to date on .* \(version 1\)/);
      const pulled = await run(other, ['design', 'pull', 'web']);
      assert.equal(pulled.code, 0, pulled.stderr);
      assert.deepEqual(parse(pulled.stdout), parse(readFileSync(file, 'utf8')));
      const json = await run(other, ['design', 'pull', 'web', '-o', 'json']);
      assert.equal(configOf(JSON.parse(json.stdout)).image, 'nginx');
      writeFileSync(file, configDesign('web', { image: 'nginx', replicas: '3' }));
      assert.match(
        (await run(home, ['design', 'push', file])).stderr,
        /design "web" updated .* \(version 2\)/,
      );
    });

    it('refuses a bad design file with file:line:column and exit 2, as every design command does', async () => {
      const file = write(
        home,
        'bad.yaml',
        configDesign('web', { a: '1' }).replace('name: web\n      data', 'labels: {}\n      data'),
      );
      const r = await run(home, ['design', 'push', file]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`${file}:11:9: this configmap has no metadata.name`));
      const legacy = write(home, 'legacy.yaml', 'name: web\nservices:\n  a: 1\n');
      const old = await run(home, ['design', 'push', legacy]);
      assert.equal(old.code, 2);
      assert.match(old.stderr, /OAM-style Meshery pattern/);
    });

    it('reports a conflicting edit (412) with both versions kept, and never overwrites', async () => {
      const mine = write(other, 'web.yaml', (await run(other, ['design', 'pull', 'web'])).stdout);
      // The first machine changes it meanwhile.
      const theirs = write(home, 'web.yaml', configDesign('web', { image: 'nginx', replicas: '5' }));
      assert.equal((await run(home, ['design', 'push', theirs])).code, 0);
      writeFileSync(mine, configDesign('web', { image: 'caddy', replicas: '3' }));
      const r = await run(other, ['design', 'push', mine]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /conflict: design "web": .*version 3, not 2.*both versions are kept/);
      const local = r.stderr.match(/your version: (\S+)/)![1];
      const remote = r.stderr.match(/the provider's version 3: (\S+)/)![1];
      assert.equal(configOf(JSON.parse(readFileSync(local, 'utf8'))).image, 'caddy');
      assert.equal(configOf(JSON.parse(readFileSync(remote, 'utf8'))).replicas, '5');
      assert.equal(readFileSync(mine, 'utf8').includes('caddy'), true, 'the local file is untouched');
      const onServer = await run(home, ['design', 'pull', 'web', '-o', 'json']);
      assert.equal(configOf(JSON.parse(onServer.stdout)).replicas, '5', 'the provider kept its version');
      // After merging, --force replaces it deliberately.
      const forced = await run(other, ['design', 'push', mine, '--force']);
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(forced.stderr, /updated .* \(version 4\)/);
    });

    it('loses nothing when the cache folder is deleted between commands', async () => {
      const file = write(home, 'cache.yaml', configDesign('cached', { value: '1' }));
      assert.equal((await run(home, ['design', 'push', file])).code, 0);
      rmSync(home.env.XDG_CACHE_HOME, { recursive: true, force: true });
      const pulled = await run(home, ['design', 'pull', 'cached', '-o', 'json']);
      assert.equal(pulled.code, 0, pulled.stderr);
      assert.equal(configOf(JSON.parse(pulled.stdout)).value, '1');
      // And the next push still knows it is an update of the same design.
      writeFileSync(file, configDesign('cached', { value: '2' }));
      rmSync(home.env.XDG_CACHE_HOME, { recursive: true, force: true });
      assert.match((await run(home, ['design', 'push', file])).stderr, /updated .* \(version 2\)/);
    });

    it('queues writes in the outbox while the provider is down, serves reads from the cache, and replays on the next command', async () => {
      await provider.stop();
      const a = write(home, 'a.yaml', configDesign('offline-a', { n: '1' }));
      const b = write(home, 'b.yaml', configDesign('offline-b', { n: '1' }));
      for (const f of [a, b]) {
        const r = await run(home, ['design', 'push', f]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /unreachable.*queued in the outbox/);
      }
      writeFileSync(a, configDesign('offline-a', { n: '2' }));
      assert.equal((await run(home, ['design', 'push', a])).code, 0);
      assert.equal(outboxFiles(home).length, 3);
      const stale = await run(home, ['design', 'pull', 'offline-a', '-o', 'json']);
      assert.equal(stale.code, 0, stale.stderr);
      assert.match(stale.stderr, /warning: provider at .* unreachable.*cached copy.*may be out of date/);
      assert.equal(configOf(JSON.parse(stale.stdout)).n, '2', 'the cache shows the queued change');
      // design list and view (which use the context's provider) read the local cache too, saying it
      // may be out of date.
      const context = await home.run([
        'context',
        'create',
        'remote',
        '--sandbox',
        '--provider',
        provider.url,
      ]);
      assert.equal(context.code, 0, context.stderr);
      const list = await home.run(['design', 'list', '-o', 'json', '--context', 'remote']);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stderr, /unreachable.*showing cached designs.*may be out of date/);
      const listed = (JSON.parse(list.stdout) as { items: Array<{ metadata: { name: string } }> }).items;
      assert.deepEqual(
        listed.map((d) => d.metadata.name).filter((n) => n.startsWith('offline-')),
        ['offline-a', 'offline-b'],
      );
      const view = await home.run(['design', 'view', 'offline-a', '-o', 'json', '--context', 'remote']);
      assert.equal(view.code, 0, view.stderr);
      assert.match(view.stderr, /unreachable.*cached copy.*may be out of date/);
      assert.equal(configOf(JSON.parse(view.stdout)).n, '2');
      const cold = await run(home, ['design', 'pull', 'never-seen']);
      assert.equal(cold.code, 1);
      assert.match(cold.stderr, /unreachable[\s\S]*no cached copy/);

      // The cache can go too: the outbox is state, not cache.
      rmSync(home.env.XDG_CACHE_HOME, { recursive: true, force: true });
      await provider.start();
      const next = await run(home, ['design', 'pull', 'offline-b', '-o', 'json']);
      assert.equal(next.code, 0, next.stderr);
      assert.match(next.stderr, /sent 3 queued change\(s\)/);
      assert.equal(outboxFiles(home).length, 0);
      const a2 = await run(home, ['design', 'pull', 'offline-a', '-o', 'json']);
      assert.equal(configOf(JSON.parse(a2.stdout)).n, '2');
      const names = await designNames(provider.url, token);
      assert.deepEqual(
        names.filter((n) => n.startsWith('offline-')),
        ['offline-a', 'offline-b'],
      );
    });

    it('lets two meshdeck processes sync at once: every queued change is sent exactly once', async () => {
      await provider.stop();
      for (let i = 0; i < 12; i++) {
        const r = await run(home, [
          'design',
          'push',
          write(home, `p${i}.yaml`, configDesign(`parallel-${i}`, { i: String(i) })),
        ]);
        assert.equal(r.code, 0, r.stderr);
      }
      assert.equal(outboxFiles(home).length, 12);
      await provider.start();
      const [one, two] = await Promise.all([
        run(home, ['sync', '-o', 'json']),
        run(home, ['sync', '-o', 'json']),
      ]);
      assert.equal(one.code, 0, one.stderr);
      assert.equal(two.code, 0, two.stderr);
      assert.match(
        one.stderr,
        /cache refreshed \(\d+ designs, 0 performance-profiles, 0 performance-results, 0 mesh-installs, 1 preferences\)/,
      );
      const sent = [...JSON.parse(one.stdout).items, ...JSON.parse(two.stdout).items];
      assert.equal(sent.length, 12, 'each change was sent by one of the two');
      assert.equal(outboxFiles(home).length, 0);
      const names = (await designNames(provider.url, token)).filter((n) => n.startsWith('parallel-'));
      assert.equal(names.length, 12);
      assert.equal(new Set(names).size, 12);
    });
  });
}

for (const kind of DATABASES) {
  describe(`the provider killed in the middle of a sync (provider on ${kind})`, () => {
    if (kind === 'postgres') usePostgres();
    const home = new TestHome();
    after(() => home.cleanup());

    it('replays the rest after a restart, and the provider holds every object exactly once', async () => {
      const { sharedPostgres } = await import('../helpers/provider.js');
      const storage =
        kind === 'postgres'
          ? ['--database-url', await (await sharedPostgres()).createDatabase()]
          : ['--data-dir', join(home.root, 'provider-data')];
      const env = {
        ...home.env,
        MESHDECK_PROVIDER_INIT_ADMIN: ADMIN.username,
        MESHDECK_PROVIDER_ADMIN_PASSWORD: ADMIN.password,
      };
      const serve = (port: string) => {
        const child = spawnProviderProcess(
          [...storage, '--port', port, '--device-interval', '1', '--auth-rate-limit', '1000'],
          env,
        );
        let log = '';
        child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
        const url = new Promise<string>((resolve, reject) => {
          child.stdout!.setEncoding('utf8').on('data', (d: string) => resolve(d.trim()));
          child.once('exit', (code) => reject(new Error(`provider exited ${code}: ${log}`)));
        });
        return { child, url, log: () => log };
      };
      let server = serve('0');
      const url = await server.url;
      const port = new URL(url).port;
      assert.equal((await deviceLogin(home, url)).code, 0);

      // Queue many designs while the provider is down.
      server.child.kill('SIGKILL');
      await new Promise((r) => server.child.once('exit', r));
      // Enough that the sync is still going when the provider dies; queued a few processes at a time.
      const count = 60;
      for (let i = 0; i < count; i++) {
        writeFileSync(join(home.root, `k${i}.yaml`), configDesign(`killed-${i}`, { i: String(i) }));
      }
      for (let i = 0; i < count; i += 6) {
        const batch = await Promise.all(
          Array.from({ length: 6 }, (_, j) =>
            home.run(['design', 'push', join(home.root, `k${i + j}.yaml`), '--provider', url]),
          ),
        );
        for (const r of batch) assert.equal(r.code, 0, r.stderr);
      }
      assert.equal(outboxFiles(home).length, count);

      // Start it, begin syncing, and kill it as soon as it has stored a few.
      server = serve(port);
      assert.equal(await server.url, url);
      const sync = home.run(['sync', '--provider', url]);
      const started = Date.now();
      while ((server.log().match(/POST \/api\/designs 201/g) ?? []).length < 3) {
        assert.ok(Date.now() - started < 30_000, `no design arrived: ${server.log()}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      server.child.kill('SIGKILL');
      const interrupted = await sync;
      assert.equal(interrupted.code, 1, interrupted.stderr);
      assert.match(interrupted.stderr, /unreachable.*; \d+ change\(s\) remain queued/);
      const left = outboxFiles(home).length;
      assert.ok(left > 0 && left < count, `some but not all were sent (${left} left)`);

      server = serve(port);
      await server.url;
      try {
        const resumed = await home.run(['sync', '--provider', url, '-o', 'json']);
        assert.equal(resumed.code, 0, resumed.stderr);
        assert.equal(outboxFiles(home).length, 0);
        const token = (await tokensFor(url)).access_token;
        const names = (await designNames(url, token)).filter((n) => n.startsWith('killed-'));
        assert.equal(names.length, count, 'every design is there');
        assert.equal(new Set(names).size, count, 'and only once');
      } finally {
        server.child.kill('SIGTERM');
        await new Promise((r) => server.child.once('exit', r));
      }
    });
  });
}

describe('two users on one provider', () => {
  it("never see each other's designs", async () => {
    const server = await startTestProvider('pglite');
    try {
      const admin = (await tokensFor(server.url)).access_token;
      await fetch(`${server.url}/api/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bob', password: 'bob-password' }),
      });
      const bob = (await tokensFor(server.url, { username: 'bob', password: 'bob-password' })).access_token;
      const created = await fetch(`${server.url}/api/designs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'private', data: { name: 'private' } }),
      });
      const { id } = (await created.json()) as { id: string };
      assert.deepEqual(await designNames(server.url, bob), []);
      const peek = await fetch(`${server.url}/api/designs/${id}`, {
        headers: { authorization: `Bearer ${bob}` },
      });
      assert.equal(peek.status, 404);
      const forbidden = await fetch(`${server.url}/api/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bob}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'eve', password: 'eve-password' }),
      });
      assert.equal(forbidden.status, 403);
    } finally {
      await server.stop();
    }
  });
});
