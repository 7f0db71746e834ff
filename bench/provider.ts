// npm run bench:provider: the reference provider under 200 concurrent clients reading and writing
// designs, on embedded PGlite and on PostgreSQL, measured side by side (interleaved rounds). Each
// provider runs as its own `meshdeck provider serve` process; autocannon drives the load from this one.
// Goal: p99 under 50 ms for reads at 200 concurrent clients on PostgreSQL.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../test/helpers/postgres.js';
import { tokensFor } from '../test/helpers/provider.js';
import { machine, median, writeResult } from './lib.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'bin', 'meshdeck.js');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DESIGNS = 200;
const GOAL_P99_MS = 50;
const BASELINE_BIN = process.env.BENCH_BASELINE_BIN;
const CLOCK_TICKS = 100; // USER_HZ on Linux
const ADMIN = { username: 'admin', password: 'admin-password-1' };

interface Provider {
  /** pglite, postgres, or postgres-baseline (an older build, BENCH_BASELINE_BIN). */
  name: string;
  url: string;
  token: string;
  ids: string[];
  child: ChildProcess;
  /** The provider's log file (a file, not a pipe: a busy reader must not slow the provider down). */
  logFile: string;
  /** Where the current run starts in it. */
  logOffset: number;
}

async function serve(name: string, storage: string[], home: string, binPath = bin): Promise<Provider> {
  const logFile = join(home, `${name}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      binPath,
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
      stdio: ['ignore', 'pipe', log],
    },
  );
  closeSync(log);
  const url = await new Promise<string>((ok, fail) => {
    child.stdout!.setEncoding('utf8').once('data', (d: string) => ok(d.trim()));
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
  return { name, url, token, ids, child, logFile, logOffset: 0 };
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
 * provider saturated). paced-read: the same 200 clients, each with its own connection, sending requests
 * at random (Poisson) times, PACED_RATE per second between them: what a provider that is not overloaded
 * feels like. Latency there is measured from when a request was due, so a stall is not hidden
 * (coordinated omission).
 */
type Mode = 'read' | 'write' | `paced-read@${number}`;
const PACED_RATES = (process.env.BENCH_PACED_RATES ?? '500,1500,3000').split(',').map(Number);

async function load(p: Provider, mode: Mode) {
  let n = 0;
  p.logOffset = statSync(p.logFile).size;
  const cpu = cpuMeter(p);
  if (mode.startsWith('paced-read@')) {
    const r = await paced(p, Number(mode.split('@')[1]));
    return { ...r, ...cpu(r.requests) };
  }
  const result = await autocannon({
    url: p.url,
    connections: CONNECTIONS,
    duration: SECONDS,
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
  const used = cpu(result.requests.total);
  await new Promise((r) => setTimeout(r, 200)); // the last log lines
  const sorted = providerDurations(p);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    serverP99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    ...used,
  };
}

async function paced(p: Provider, rate: number) {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  const perClientGapMs = (1000 * CONNECTIONS) / rate;
  let n = 0;
  const client = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let due = performance.now() + Math.random() * perClientGapMs;
    for (;;) {
      due += -Math.log(1 - Math.random()) * perClientGapMs;
      if (due > end) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const status = await get(agent, `${p.url}/api/designs/${p.ids[n++ % p.ids.length]}`, p.token);
      if (status !== 200) errors++;
      latencies.push(performance.now() - due);
    }
    agent.destroy();
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, client));
  const elapsed = (performance.now() - started) / 1000;
  await sleep(200);
  const sorted = latencies.sort((a, b) => a - b);
  const seen = providerDurations(p);
  const at = (list: number[], q: number) => Math.round(list[Math.floor(list.length * q)] ?? 0);
  return {
    rps: latencies.length / elapsed,
    p50: at(sorted, 0.5),
    p99: at(sorted, 0.99),
    serverP99: at(seen, 0.99),
    errors,
    non2xx: 0,
    requests: latencies.length,
  };
}

/** CPU time (ms) a process has used so far, from /proc (Linux; 0 elsewhere). */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Busy CPU time (ms) of the whole machine so far, all cores, from /proc/stat. */
function machineBusyMs(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = ticks[3] + ticks[4];
    return ((ticks.slice(0, 8).reduce((a, b) => a + b, 0) - idle) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Where the CPU went during a run, per request: the provider, the load generator, the rest. */
function cpuMeter(p: Provider) {
  const start = {
    provider: processCpuMs(p.child.pid!),
    loadgen: process.cpuUsage(),
    machine: machineBusyMs(),
  };
  const t0 = performance.now();
  return (requests: number) => {
    const loadgen = process.cpuUsage(start.loadgen);
    const provider = processCpuMs(p.child.pid!) - start.provider;
    const busy = machineBusyMs() - start.machine;
    const wall = performance.now() - t0;
    const per = (ms: number) => Math.round((ms / Math.max(1, requests)) * 1000) / 1000;
    const loadgenMs = (loadgen.user + loadgen.system) / 1000;
    return {
      providerCpuMsPerRequest: per(provider),
      loadgenCpuMsPerRequest: per(loadgenMs),
      // PostgreSQL and whatever else runs on the machine (other people's builds included).
      otherCpuMsPerRequest: per(Math.max(0, busy - provider - loadgenMs)),
      machineBusyPercent: Math.round((busy / (wall * cpus().length)) * 100),
    };
  };
}

/** Request durations (ms) the provider logged since the run started, sorted. */
function providerDurations(p: Provider): number[] {
  const text = readFileSync(p.logFile).subarray(p.logOffset).toString('utf8');
  const durations: number[] = [];
  for (const m of text.matchAll(/ (?:GET|POST) \/api\/designs\S* \d{3} (\d+)ms$/gm))
    durations.push(Number(m[1]));
  return durations.sort((a, b) => a - b);
}

function get(agent: Agent, url: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

const home = mkdtempSync(join(tmpdir(), 'meshdeck-bench-provider-'));
const pg = await startPostgres();
const providers: Provider[] = [];
try {
  providers.push(await serve('pglite', ['--data-dir', join(home, 'pglite')], home));
  providers.push(await serve('postgres', ['--database-url', await pg.createDatabase('bench')], home));
  // Another build of meshdeck on PostgreSQL, measured in the same rounds: before/after under one load.
  if (BASELINE_BIN) {
    const url = await pg.createDatabase('baseline');
    providers.push(await serve('postgres-baseline', ['--database-url', url], home, BASELINE_BIN));
  }
  const samples = new Map<string, Array<Awaited<ReturnType<typeof load>>>>();
  for (let round = 0; round < ROUNDS; round++) {
    const modes: Mode[] = ['read', ...PACED_RATES.map((r) => `paced-read@${r}` as const), 'write'];
    // Each round starts with another contender: what one leaves behind (PGlite's checkpoints, autovacuum)
    // must not always land on the same next one.
    const order = providers.map((_, i) => providers[(i + round) % providers.length]);
    for (const mode of modes) {
      for (const p of order) {
        const s = await load(p, mode);
        const key = `${p.name}/${mode}`;
        samples.set(key, [...(samples.get(key) ?? []), s]);
        console.log(
          `round ${round + 1}  ${key.padEnd(24)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50} ms  p99 ${s.p99} ms  (provider saw p99 ${s.serverP99} ms)  errors ${s.errors}  non-2xx ${s.non2xx}  CPU ms/req provider ${s.providerCpuMsPerRequest} load ${s.loadgenCpuMsPerRequest} other ${s.otherCpuMsPerRequest}  machine ${s.machineBusyPercent}% busy`,
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
      // CPU per request (medians): with every core busy, throughput is at most cores / their sum.
      providerCpuMsPerRequest: median(runs.map((r) => r.providerCpuMsPerRequest)),
      loadgenCpuMsPerRequest: median(runs.map((r) => r.loadgenCpuMsPerRequest)),
      otherCpuMsPerRequest: median(runs.map((r) => r.otherCpuMsPerRequest)),
      machineBusyPercent: median(runs.map((r) => r.machineBusyPercent)),
    };
  });
  const row = (database: string, mode: string) =>
    rows.find((r) => r.database === database && r.mode === mode)!;
  const pgRead = row('postgres', 'read');
  const pgPaced = PACED_RATES.map((rate) => ({ rate, ...row('postgres', `paced-read@${rate}`) }));
  const result = {
    benchmark: 'provider',
    date: new Date().toISOString(),
    machine: { ...machine(), cpus: cpus().length },
    setup: {
      connections: CONNECTIONS,
      pacedRequestsPerSecond: PACED_RATES,
      secondsPerRun: SECONDS,
      rounds: ROUNDS,
      seededDesigns: DESIGNS,
      dbPool: Number(process.env.MESHDECK_PROVIDER_DB_POOL ?? 20),
      ...(BASELINE_BIN ? { baseline: BASELINE_BIN } : {}),
    },
    results: rows,
    ratios: {
      readRpsPostgresOverPglite: ratio(pgRead.requestsPerSecond, row('pglite', 'read').requestsPerSecond),
      writeRpsPostgresOverPglite: ratio(
        row('postgres', 'write').requestsPerSecond,
        row('pglite', 'write').requestsPerSecond,
      ),
      readP99SaturatedOverPaced: ratio(pgRead.p99Ms, pgPaced[0].p99Ms),
      ...(BASELINE_BIN
        ? {
            readRpsOverBaseline: ratio(
              pgRead.requestsPerSecond,
              row('postgres-baseline', 'read').requestsPerSecond,
            ),
            readP99OverBaseline: ratio(pgRead.p99Ms, row('postgres-baseline', 'read').p99Ms),
            readProviderCpuPerRequestOverBaseline: ratio(
              pgRead.providerCpuMsPerRequest,
              row('postgres-baseline', 'read').providerCpuMsPerRequest,
            ),
            writeRpsOverBaseline: ratio(
              row('postgres', 'write').requestsPerSecond,
              row('postgres-baseline', 'write').requestsPerSecond,
            ),
          }
        : {}),
    },
    goal: {
      readP99OnPostgresMs: GOAL_P99_MS,
      saturated: {
        p99Ms: pgRead.p99Ms,
        met: pgRead.p99Ms < GOAL_P99_MS,
        // Little's law for a closed loop: each client waits clients / throughput on average.
        meanLatencyByLittlesLawMs: Math.round((CONNECTIONS / pgRead.requestsPerSecond) * 1000 * 10) / 10,
      },
      paced: pgPaced.map((p) => ({ requestsPerSecond: p.rate, p99Ms: p.p99Ms, met: p.p99Ms < GOAL_P99_MS })),
    },
  };
  writeResult(join(root, 'bench', 'results', 'provider.json'), result);
  for (const r of rows) {
    console.log(
      `${r.database.padEnd(17)} ${r.mode.padEnd(6)} ${String(r.requestsPerSecond).padStart(6)} req/s   p50 ${r.p50Ms} ms   p99 ${r.p99Ms} ms (provider p99 ${r.providerP99Ms} ms)   errors ${r.errors}`,
    );
  }
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  console.log(
    `goal: read p99 on PostgreSQL < ${GOAL_P99_MS} ms at ${CONNECTIONS} clients: saturated ${verdict(result.goal.saturated.met)} (${pgRead.p99Ms} ms); ${result.goal.paced.map((p) => `at ${p.requestsPerSecond} req/s ${verdict(p.met)} (${p.p99Ms} ms)`).join('; ')}  (bench/results/provider.json)`,
  );
} finally {
  for (const p of providers) p.child.kill('SIGTERM');
  await Promise.all(
    providers.map((p) => new Promise((r) => (p.child.exitCode !== null ? r(null) : p.child.once('exit', r)))),
  );
  await pg.stop();
  rmSync(home, { recursive: true, force: true });
}

function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}
