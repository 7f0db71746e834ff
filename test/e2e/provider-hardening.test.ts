// Issue 18 (provider): what an adversarial review broke, each reproduced end to end. Dropped database
// connections, two servers on one data folder, world-readable data, poisoned idempotency records.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { TestHome } from '../helpers/cli.js';
import { configDesign } from '../helpers/designs.js';
import { ADMIN, sharedPostgres, spawnProviderProcess, tokensFor, usePostgres } from '../helpers/provider.js';

const home = new TestHome();
after(() => home.cleanup());

// Every provider this file starts is killed when it ends, even after a failed assertion: a hook
// registered inside a test after an await is not reliably tied to that test.
const servers = new Set<ChildProcess>();
after(() => {
  for (const child of servers) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `meshdeck provider serve` as its own process: its URL (first stdout line), its log, its exit. */
function serve(args: string[], env: Record<string, string> = {}) {
  const child: ChildProcess = spawnProviderProcess(
    ['--port', '0', '--device-interval', '1', '--auth-rate-limit', '1000', ...args],
    {
      ...home.env,
      MESHDECK_PROVIDER_INIT_ADMIN: ADMIN.username,
      MESHDECK_PROVIDER_ADMIN_PASSWORD: ADMIN.password,
      ...env,
    },
  );
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => resolve(d.trim()));
    void exited.then((code) => reject(new Error(`provider exited ${code}: ${log}`)));
  });
  url.catch(() => undefined);
  servers.add(child);
  return { child, url, exited, log: () => log };
}

/** The exit code of a provider expected to refuse to start, or 'started' when it started instead. */
function refusal(server: ReturnType<typeof serve>): Promise<number | null | 'started'> {
  return Promise.race([server.exited, server.url.then(() => 'started' as const)]).catch(() => server.exited);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

function createDesign(url: string, token: string, name: string, data: unknown = { a: 1 }) {
  return fetch(`${url}/api/designs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, data }),
  });
}

describe('a PostgreSQL connection dropped in the middle of a transaction (item 1)', () => {
  usePostgres();

  it('answers 503 for the request in flight, stays up, and serves again', async () => {
    const dbUrl = await (await sharedPostgres()).createDatabase();
    const server = serve(['--database-url', dbUrl]);
    const url = await server.url;
    const token = (await tokensFor(url)).access_token;
    assert.equal((await createDesign(url, token, 'before')).status, 201);

    // Hold the documents table so that the next create waits inside its transaction, then cut every
    // connection of the provider while it waits.
    const blocker = new pg.Client({ connectionString: dbUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE documents IN ACCESS EXCLUSIVE MODE');
      const inFlight = createDesign(url, token, 'in-flight');
      for (let i = 0; i < 100; i++) {
        const waiting = await blocker.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (waiting.rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await blocker.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      const answer = await inFlight;
      assert.equal(answer.status, 503, await answer.text());
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    assert.equal(server.child.exitCode, null, `the provider is still running: ${server.log()}`);
    assert.equal((await createDesign(url, token, 'after')).status, 201);
    await stopProcess(server.child);
  });
});

describe('the PGlite data folder (items 2 and 3)', () => {
  it('is held by one provider: a second one refuses, naming the holder; a dead holder is taken over', async () => {
    const dir = join(home.root, 'shared-data');
    const first = serve(['--data-dir', dir]);
    const url = await first.url;
    const second = serve(['--data-dir', dir]);
    assert.equal(await refusal(second), 1, second.log());
    assert.match(
      second.log(),
      new RegExp(`data folder ${dir} is in use by another provider \\(pid ${first.child.pid}, since `),
    );
    assert.match(second.log(), /stop that provider first/);
    const token = (await tokensFor(url)).access_token;
    assert.equal((await createDesign(url, token, 'kept')).status, 201);

    // kill -9 leaves the lock behind; its holder is gone, so the next provider takes it over.
    first.child.kill('SIGKILL');
    await first.exited;
    const third = serve(['--data-dir', dir]);
    const url3 = await third.url;
    const token3 = (await tokensFor(url3)).access_token;
    const list = await fetch(`${url3}/api/designs`, { headers: { authorization: `Bearer ${token3}` } });
    assert.deepEqual(
      ((await list.json()) as { items: Array<{ name: string }> }).items.map((d) => d.name),
      ['kept'],
    );
    await stopProcess(third.child);
  });

  it('is private: created 0700 with 0600 files, an existing 0755 one tightened, a writable one refused', async () => {
    const { chmodSync, mkdirSync, statSync, readdirSync } = await import('node:fs');
    const dir = join(home.root, 'loose-data');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const server = serve(['--data-dir', dir]);
    const url = await server.url;
    const token = (await tokensFor(url)).access_token;
    assert.equal((await createDesign(url, token, 'private')).status, 201);
    await stopProcess(server.child);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const open: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if ((statSync(p).mode & 0o077) !== 0) open.push(`${p} ${(statSync(p).mode & 0o777).toString(8)}`);
        if (e.isDirectory()) walk(p);
      }
    };
    walk(dir);
    assert.deepEqual(open.slice(0, 5), [], 'nothing in the data folder is readable by others');

    const shared = join(home.root, 'shared-writable');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const refused = serve(['--data-dir', shared]);
    assert.equal(await refusal(refused), 1, refused.log());
    assert.match(refused.log(), /data folder .*shared-writable can be written by any user \(mode 0777\)/);
    assert.match(refused.log(), /chmod 700/);
  });
});

describe('a provider that answers with something that is not HTTP (item 17)', () => {
  it('fails the push (exit 1) instead of queueing it as if the provider were down', async (t) => {
    const { createServer } = await import('node:net');
    const { writeFileSync } = await import('node:fs');
    const garbage = createServer((socket) => {
      socket.on('data', () => socket.end('SSH-2.0-OpenSSH_9.2\r\nnot http at all\r\n\r\n'));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    t.after(() => garbage.close());
    const url = `http://127.0.0.1:${(garbage.address() as { port: number }).port}`;
    const file = join(home.root, 'garbage.yaml');
    writeFileSync(file, configDesign('garbage', { v: '1' }));
    const r = await home.run(['design', 'push', file, '--provider', url], {
      env: { MESHDECK_TOKEN: 'mda_test-token' },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /answered GET \/api\/capabilities with something that is not HTTP \(HPE_/);
    assert.doesNotMatch(r.stderr, /queued|unreachable/);
  });
});
