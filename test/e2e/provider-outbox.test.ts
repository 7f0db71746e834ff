// Issue 18 (provider items 5 and 13): data PostgreSQL's jsonb refuses (NUL, lone surrogates) is stored
// losslessly; one change that cannot be sent (the provider fails on it, its file is damaged) is set aside
// and blocks nothing; a crash while replaying a chained update gives no false conflict.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import { configDesign, configOf } from '../helpers/designs.js';
import {
  DATABASES,
  deviceLogin,
  providerFixture,
  restartableProvider,
  tokensFor,
  type RestartableProvider,
} from '../helpers/provider.js';

/** The outbox folder for the provider at url (folders are per provider: host-port-hash). */
const outboxDir = (home: TestHome, url: string) => {
  const port = new URL(url).port;
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
      if (!e.isDirectory()) continue;
      if (e.name === 'outbox' && dir.includes(`-${port}-`)) found.push(join(dir, e.name));
      else walk(join(dir, e.name));
    }
  };
  walk(join(home.env.XDG_STATE_HOME, 'meshdeck', 'provider'));
  return found[0];
};
const queued = (home: TestHome, url: string) => {
  const dir = outboxDir(home, url);
  return dir && existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => /^\d{12}\.json$/.test(n))
        .sort()
    : [];
};

for (const kind of DATABASES) {
  describe(`NUL characters and lone surrogates in document data (item 5, on ${kind})`, () => {
    const { server } = providerFixture(kind);

    it('are stored and answered losslessly, also when an idempotent request is replayed', async () => {
      const url = server().url;
      const token = (await tokensFor(url)).access_token;
      const data = { nul: 'x\u0000y', surrogate: 'a\ud800b', emoji: '😀' };
      const send = () =>
        fetch(`${url}/api/designs`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': 'nul-and-surrogate-1',
          },
          body: JSON.stringify({ name: 'odd-text', data }),
        });
      const first = await send();
      assert.equal(first.status, 201, await first.clone().text());
      const created = (await first.json()) as { id: string; data: unknown };
      assert.deepEqual(created.data, data);
      const again = await send();
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(((await again.json()) as { data: unknown }).data, data);
      const read = await fetch(`${url}/api/designs/${created.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.deepEqual(((await read.json()) as { data: unknown }).data, data);
    });
  });
}

describe('the outbox (items 5 and 13)', () => {
  let provider: RestartableProvider;
  const home = new TestHome();
  after(async () => {
    await provider?.cleanup();
    home.cleanup();
  });
  before(async () => {
    provider = await restartableProvider('pglite');
    await provider.start();
    assert.equal((await deviceLogin(home, provider.url)).code, 0);
  });
  const file = (name: string, body: string) => {
    const path = join(home.root, name);
    writeFileSync(path, body);
    return path;
  };
  const run = (args: string[], url = provider.url) => home.run([...args, '--provider', url]);

  it('replays a queued design holding a NUL character', async () => {
    await provider.stop();
    const nul = file('nul.yaml', configDesign('with-nul', { v: 'x\u0000y' }));
    const pushed = await run(['design', 'push', nul]);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stderr, /queued in the outbox/);
    await provider.start();
    const next = await run(['design', 'push', file('plain.yaml', configDesign('plain', { v: '1' }))]);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(queued(home, provider.url), []);
    const pulled = await run(['design', 'pull', 'with-nul', '-o', 'json']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.equal(configOf(JSON.parse(pulled.stdout)).v, 'x\u0000y');
  });

  it('gives no false conflict when a chained update is replayed again after a crash', async () => {
    await provider.stop();
    const design = file('chain.yaml', configDesign('chained', { v: '1' }));
    assert.equal((await run(['design', 'push', design])).code, 0);
    writeFileSync(design, configDesign('chained', { v: '2' }));
    assert.equal((await run(['design', 'push', design])).code, 0);
    const [, second] = queued(home, provider.url);
    const saved = join(home.root, 'second-change.json');
    copyFileSync(join(outboxDir(home, provider.url), second), saved);
    await provider.start();
    const synced = await run(['sync']);
    assert.equal(synced.code, 0, synced.stderr);
    // The state a crash leaves after the provider took the update and before its file was removed.
    copyFileSync(saved, join(outboxDir(home, provider.url), second));
    const again = await run(['sync', '-o', 'json']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /conflict/);
    assert.match(again.stdout, /already applied/);
    assert.deepEqual(queued(home, provider.url), []);
  });

  it('sets aside a change the provider fails on, and a damaged file, so the others go through', async (t) => {
    // A proxy in front of the provider that fails on one design, as a provider bug would.
    let failing = true;
    const proxy = createServer((req, res) => void forward(req, res));
    const forward = async (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      if (failing && body.includes('poison')) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"internal_error","message":"the provider failed to handle the request"}');
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
      ) as Record<string, string>;
      const answer = await fetch(provider.url + req.url, {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
        redirect: 'manual',
      }).catch(() => undefined);
      if (!answer) return void res.writeHead(502).end();
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    };
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    t.after(() => proxy.close());
    const via = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    assert.equal((await deviceLogin(home, via)).code, 0);

    await provider.stop();
    for (const name of ['good-1', 'poison', 'good-2']) {
      const r = await run(['design', 'push', file(`${name}.yaml`, configDesign(name, { v: name }))], via);
      assert.equal(r.code, 0, r.stderr);
    }
    // A change file cut short (a full disk, an editor).
    writeFileSync(join(outboxDir(home, via), '000000000099.json'), '{"op":"create","kind":"desi');
    await provider.start();

    const synced = await run(['sync'], via);
    assert.equal(synced.code, 1, synced.stderr);
    assert.match(synced.stderr, /2 queued change\(s\) could not be sent and were set aside/);
    assert.match(synced.stderr, /damaged outbox file .*000000000099\.json: not valid JSON/);
    assert.match(
      synced.stderr,
      /queued create of design "poison" set aside as failed change \d+ \(.*HTTP 500/,
    );
    assert.deepEqual(queued(home, via), [], 'nothing is left blocking the outbox');
    const listed = await run(['design', 'pull', 'good-2', '-o', 'json'], via);
    assert.equal(listed.code, 0, listed.stderr);

    const failed = await run(['sync', '--failed', '-o', 'json'], via);
    assert.equal(failed.code, 0, failed.stderr);
    const items = (JSON.parse(failed.stdout) as { items: Array<{ id: string; change?: { name: string } }> })
      .items;
    assert.deepEqual(
      items.map((f) => f.change?.name ?? 'damaged'),
      ['poison', 'damaged'],
    );
    const dropped = await run(['sync', '--drop', items[1].id], via);
    assert.equal(dropped.code, 0, dropped.stderr);
    assert.equal((await run(['sync', '--drop', items[1].id], via)).code, 2, 'unknown id');
    // Once the provider is fixed, the change is retried and goes through.
    failing = false;
    const retried = await run(['sync', '--retry', items[0].id], via);
    assert.equal(retried.code, 0, retried.stderr);
    assert.equal((await run(['design', 'pull', 'poison'], via)).code, 0);
    const left = await run(['sync', '--failed', '-o', 'json'], via);
    assert.deepEqual((JSON.parse(left.stdout) as { items: unknown[] }).items, []);
  });
});
