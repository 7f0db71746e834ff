// npm run bench:provider-lists: the memory a provider needs to list large documents (issue 18 item 6).
// A `meshdeck provider serve` process gets BENCH_DOCS documents of 1 MiB each; then BENCH_CLIENTS clients
// list them all at once (pagesize=500), reading slowly-but-fully, while /healthz/live is probed. Reports
// the provider's resident memory before and its peak during the lists (VmHWM, reset before the lists),
// and the slowest /healthz/live answer. Storage: BENCH_STORAGE=pglite (default) or postgres.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, type PostgresInstance } from '../test/helpers/postgres.js';
import { tokensFor } from '../test/helpers/provider.js';
import { machine, writeResult } from './lib.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = process.env.BENCH_BIN ?? join(root, 'bin', 'meshdeck.js');
const DOCS = Number(process.env.BENCH_DOCS ?? 400);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 6);
const STORAGE = process.env.BENCH_STORAGE ?? 'pglite';
const ADMIN = { username: 'admin', password: 'admin-password-1' };
const MIB = 1024 * 1024;

function memory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMiB: Math.round(kib('VmRSS') / 1024), peakMiB: Math.round(kib('VmHWM') / 1024) };
}

/** Reads a whole response, counting its bytes without keeping them. */
async function drain(url: string, token: string): Promise<number> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return bytes;
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'meshdeck-bench-lists-'));
  let postgres: PostgresInstance | undefined;
  const storage =
    STORAGE === 'postgres'
      ? ['--database-url', await (postgres = await startPostgres()).createDatabase()]
      : ['--data-dir', join(home, 'data')];
  const logFile = join(home, 'provider.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      bin,
      'provider',
      'serve',
      ...storage,
      '--port',
      '0',
      '--device-interval',
      '1',
      '--max-body-size',
      String(2 * MIB),
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_STATE_HOME: join(home, 'state'),
        MESHDECK_PROVIDER_INIT_ADMIN: ADMIN.username,
        MESHDECK_PROVIDER_ADMIN_PASSWORD: ADMIN.password,
      },
      stdio: ['ignore', 'pipe', log],
    },
  );
  closeSync(log);
  try {
    const url = await new Promise<string>((ok, fail) => {
      child.stdout!.setEncoding('utf8').once('data', (d: string) => ok(d.trim()));
      child.once('exit', (code) => fail(new Error(`provider exited ${code}`)));
    });
    const { access_token: token } = await tokensFor(url, ADMIN);
    const blob = 'x'.repeat(MIB - 64);
    const seeded = Date.now();
    for (let i = 0; i < DOCS; i++) {
      const res = await fetch(`${url}/api/designs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `big-${String(i).padStart(4, '0')}`, data: { blob } }),
      });
      if (res.status !== 201) throw new Error(`seeding: HTTP ${res.status} ${await res.text()}`);
    }
    const seedSeconds = (Date.now() - seeded) / 1000;
    process.stderr.write(`seeded ${DOCS} documents in ${seedSeconds} s\n`);
    // The peak from here on, not the seeding's.
    writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
    const before = memory(child.pid!);
    let slowestLiveMs = 0;
    let liveFailures = 0;
    let listing = true;
    const probe = (async () => {
      while (listing) {
        const started = Date.now();
        await drain(`${url}/healthz/live`, token).catch(() => liveFailures++);
        slowestLiveMs = Math.max(slowestLiveMs, Date.now() - started);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const started = Date.now();
    // A list the provider fails to send (a reset connection, say) counts as -1 bytes.
    const sizes = await Promise.all(
      Array.from({ length: CLIENTS }, () => drain(`${url}/api/designs?pagesize=500`, token).catch(() => -1)),
    );
    const listSeconds = (Date.now() - started) / 1000;
    listing = false;
    await probe;
    const during = memory(child.pid!);
    const result = {
      storage: STORAGE,
      docs: DOCS,
      clients: CLIENTS,
      responseMiB: Math.round(Math.max(...sizes) / MIB),
      failedLists: sizes.filter((n) => n < 0).length,
      liveFailures,
      seedSeconds,
      listSeconds,
      rssBeforeMiB: before.rssMiB,
      peakRssDuringListsMiB: during.peakMiB,
      slowestLiveMs,
      machine: machine(),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    writeResult(join(root, 'bench', 'results', `provider-lists-${STORAGE}.json`), result);
  } catch (err) {
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => !/^(GET|POST) /.test(l));
    process.stderr.write(`provider log (requests left out):\n${lines.slice(-20).join('\n')}\n`);
    process.stderr.write(
      `provider ${child.exitCode === null ? 'still running' : `exited ${child.exitCode}`}\n`,
    );
    throw err;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await postgres?.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
