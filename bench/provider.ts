// npm run bench:provider: the reference provider under 200 concurrent clients reading and writing
// designs, on embedded PGlite and on PostgreSQL, measured side by side (interleaved rounds). Each
// provider runs as its own `meshdeck provider serve` process; autocannon drives the load from this one.
// Goal: p99 under 50 ms for reads at 200 concurrent clients on PostgreSQL.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../test/helpers/postgres.js';
import { tokensFor } from '../test/helpers/provider.js';
import { machine, median, writeResult } from './lib.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'bin', 'meshdeck.cjs');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DESIGNS = 200;
const GOAL_P99_MS = 50;
const ADMIN = { username: 'admin', password: 'admin-password-1' };

interface Provider {
  name: 'pglite' | 'postgres';
  url: string;
  token: string;
  ids: string[];
  child: ChildProcess;
  /** Request durations the provider itself logged (ms), since the last reset. */
  seen: number[];
}

async function serve(name: Provider['name'], storage: string[], home: string): Promise<Provider> {
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
      '--auth-rate-limit',
      '100000',
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_STATE_HOME: join(home, 'state'),
        MESHDECK_PROVIDER_INIT_ADMIN: ADMIN.username,
        MESHDECK_PROVIDER_ADMIN_PASSWORD: ADMIN.password,
        MESHDECK_PROVIDER_DB_POOL: process.env.MESHDECK_PROVIDER_DB_POOL ?? '20',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const seen: number[] = [];
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = / (GET|POST) \/api\/designs\S* \d{3} (\d+)ms$/.exec(line);
      if (m) seen.push(Number(m[2]));
    }
  });
  const url = await new Promise<string>((ok, fail) => {
    child.stdout.setEncoding('utf8').once('data', (d: string) => ok(d.trim()));
    child.once('exit', (code) => fail(new Error(`${name} provider exited ${code}`)));
  });
  const { access_token: token } = await tokensFor(url, ADMIN);
  const ids: string[] = [];
  for (let i = 0; i < DESIGNS; i++) {
    const res = await fetch(`${url}/api/designs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `seed-${i}`, data: design(`seed-${i}`) }),
    });
    ids.push(((await res.json()) as { id: string }).id);
  }
  return { name, url, token, ids, child, seen };
}

function design(name: string) {
  return {
    name,
    services: Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [
        `svc-${i}`,
        { type: 'Deployment', image: `registry/app-${i}:1.${i}`, replicas: 2, labels: { app: `app-${i}` } },
      ]),
    ),
  };
}

/**
 * read and write: closed loop, each client sends its next request as soon as the last is answered (the
 * provider saturated). paced-read: the same 200 clients sending PACED_RATE requests per second between
 * them, which is what the latency of a provider that is not overloaded looks like.
 */
type Mode = 'read' | 'write' | 'paced-read';
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 400);

async function load(p: Provider, mode: Mode) {
  let n = 0;
  p.seen.length = 0;
  const result = await autocannon({
    url: p.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(mode === 'paced-read' ? { overallRate: PACED_RATE } : {}),
    headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          n++;
          if (mode !== 'write')
            return { ...req, method: 'GET', path: `/api/designs/${p.ids[n % p.ids.length]}` };
          const name = `w-${randomUUID()}`;
          return {
            ...req,
            method: 'POST',
            path: '/api/designs',
            headers: { ...req.headers, 'idempotency-key': randomUUID() },
            body: JSON.stringify({ name, data: design(name) }),
          };
        },
      },
    ],
  });
  await new Promise((r) => setTimeout(r, 200)); // the last log lines
  const sorted = [...p.seen].sort((a, b) => a - b);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    serverP99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const home = mkdtempSync(join(tmpdir(), 'meshdeck-bench-provider-'));
const pg = await startPostgres();
const providers: Provider[] = [];
try {
  providers.push(await serve('pglite', ['--data-dir', join(home, 'pglite')], home));
  providers.push(await serve('postgres', ['--database-url', await pg.createDatabase('bench')], home));
  const samples = new Map<string, Array<Awaited<ReturnType<typeof load>>>>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['read', 'paced-read', 'write'] as const) {
      for (const p of providers) {
        const s = await load(p, mode);
        const key = `${p.name}/${mode}`;
        samples.set(key, [...(samples.get(key) ?? []), s]);
        console.log(
          `round ${round + 1}  ${key.padEnd(15)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50} ms  p99 ${s.p99} ms  (provider saw p99 ${s.serverP99} ms)  errors ${s.errors}  non-2xx ${s.non2xx}`,
        );
      }
    }
  }
  const rows = [...samples].map(([key, runs]) => {
    const [database, mode] = key.split('/');
    return {
      database,
      mode,
      requestsPerSecond: Math.round(median(runs.map((r) => r.rps))),
      p50Ms: median(runs.map((r) => r.p50)),
      p99Ms: median(runs.map((r) => r.p99)),
      providerP99Ms: median(runs.map((r) => r.serverP99)),
      errors: runs.reduce((a, r) => a + r.errors + r.non2xx, 0),
      rounds: runs.length,
    };
  });
  const pgRead = rows.find((r) => r.database === 'postgres' && r.mode === 'read')!;
  const liteRead = rows.find((r) => r.database === 'pglite' && r.mode === 'read')!;
  const pgPaced = rows.find((r) => r.database === 'postgres' && r.mode === 'paced-read')!;
  const pgWrite = rows.find((r) => r.database === 'postgres' && r.mode === 'write')!;
  const liteWrite = rows.find((r) => r.database === 'pglite' && r.mode === 'write')!;
  const result = {
    benchmark: 'provider',
    date: new Date().toISOString(),
    machine: { ...machine(), cpus: cpus().length },
    setup: {
      connections: CONNECTIONS,
      pacedRequestsPerSecond: PACED_RATE,
      secondsPerRun: SECONDS,
      rounds: ROUNDS,
      seededDesigns: DESIGNS,
      dbPool: Number(process.env.MESHDECK_PROVIDER_DB_POOL ?? 20),
    },
    results: rows,
    ratios: {
      readRpsPostgresOverPglite: +(pgRead.requestsPerSecond / liteRead.requestsPerSecond).toFixed(2),
      writeRpsPostgresOverPglite: +(pgWrite.requestsPerSecond / liteWrite.requestsPerSecond).toFixed(2),
      readP99PostgresOverPglite: +(pgRead.p99Ms / liteRead.p99Ms).toFixed(2),
    },
    goal: {
      readP99OnPostgresMs: GOAL_P99_MS,
      saturated: { p99Ms: pgRead.p99Ms, met: pgRead.p99Ms < GOAL_P99_MS },
      paced: { requestsPerSecond: PACED_RATE, p99Ms: pgPaced.p99Ms, met: pgPaced.p99Ms < GOAL_P99_MS },
      providerSide: {
        saturatedP99Ms: pgRead.providerP99Ms,
        pacedP99Ms: pgPaced.providerP99Ms,
        met: pgRead.providerP99Ms < GOAL_P99_MS,
      },
    },
  };
  writeResult(join(root, 'bench', 'results', 'provider.json'), result);
  for (const r of rows) {
    console.log(
      `${r.database.padEnd(9)} ${r.mode.padEnd(6)} ${String(r.requestsPerSecond).padStart(6)} req/s   p50 ${r.p50Ms} ms   p99 ${r.p99Ms} ms (provider p99 ${r.providerP99Ms} ms)   errors ${r.errors}`,
    );
  }
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  console.log(
    `goal: read p99 on PostgreSQL < ${GOAL_P99_MS} ms at ${CONNECTIONS} clients: saturated ${verdict(result.goal.saturated.met)} (${pgRead.p99Ms} ms); at ${PACED_RATE} req/s ${verdict(result.goal.paced.met)} (${pgPaced.p99Ms} ms)  (bench/results/provider.json)`,
  );
} finally {
  for (const p of providers) p.child.kill('SIGTERM');
  await Promise.all(
    providers.map((p) => new Promise((r) => (p.child.exitCode !== null ? r(null) : p.child.once('exit', r)))),
  );
  await pg.stop();
  rmSync(home, { recursive: true, force: true });
}
