// npm run bench:adapters: meshdeck's external adapter client (src/adapters/external) against a real
// MeshService gRPC server (the test adapter) running in a child process of its own:
// - connect + MeshName: 1,000 times a new client (its own channel: TCP, HTTP/2 handshake) and one
//   MeshName; p50 and p99. Also MeshName over one open connection, 1,000 calls.
// - a restarted adapter: the adapter process is killed (SIGKILL) while a client needs it; the client waits
//   with its backoff (capped at 5 s); the adapter is started again on the same port after a downtime.
//   Measured: from the moment the new process says it listens to the moment the client's MeshName
//   returns. Goal: within 1 s of the adapter's return.
// Results in bench/results/adapters.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ADAPTER_BACKOFF } from '../src/adapters/backoff.js';
import { ExternalAdapter } from '../src/adapters/external/adapter.js';
import { MeshAdapterServer } from '../test/helpers/mesh-adapter-server.js';
import { machine, median, writeResult } from './lib.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
const DOWNTIMES_MS = [500, 1000, 2000, 4000, 500, 1000, 6000];
const GOAL_RECONNECT_MS = 1000;

async function serve(port: number): Promise<void> {
  const server = await MeshAdapterServer.start({ meshName: 'BENCH' }, port);
  process.stdout.write(`${server.port}\n`);
}

/** The adapter in a child process; resolves with its port once it listens. */
async function startChild(port = 0): Promise<{ child: ChildProcess; port: number; readyAt: number }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  const readyAt = performance.now();
  if (line.done) throw new Error('the adapter process ended before listening');
  return { child, port: Number(line.value), readyAt };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const summary = (values: number[]) => ({
  calls: values.length,
  p50Ms: round(percentile(values, 50)),
  p99Ms: round(percentile(values, 99)),
  maxMs: round(Math.max(...values)),
});
const round = (n: number) => Math.round(n * 1000) / 1000;

async function main(): Promise<void> {
  let server = await startChild();
  const address = `127.0.0.1:${server.port}`;
  const signal = () => AbortSignal.timeout(30_000);

  const connectAndPing: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    const adapter = new ExternalAdapter({ name: 'bench', address });
    await adapter.meshName(signal());
    connectAndPing.push(performance.now() - started);
    await adapter.close();
  }

  const open = new ExternalAdapter({ name: 'bench', address });
  await open.meshName(signal());
  const pingOnly: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await open.meshName(signal());
    pingOnly.push(performance.now() - started);
  }

  const restarts: { downtimeMs: number; reconnectMs: number; attempts: number }[] = [];
  for (const downtimeMs of DOWNTIMES_MS) {
    await kill(server.child);
    let attempts = 0;
    const waiter = new ExternalAdapter({ name: 'bench', address, onWait: () => attempts++ });
    const back = waiter.meshName(AbortSignal.timeout(60_000)).then(() => performance.now());
    await new Promise((r) => setTimeout(r, downtimeMs));
    server = await startChild(server.port);
    const reconnectMs = (await back) - server.readyAt;
    restarts.push({ downtimeMs, reconnectMs: round(reconnectMs), attempts });
    await waiter.close();
    process.stderr.write(
      `restart after ${downtimeMs} ms down: connected again ${reconnectMs.toFixed(0)} ms after its return\n`,
    );
  }
  await open.close();
  await kill(server.child);

  const reconnects = restarts.map((r) => r.reconnectMs);
  const result = {
    benchmark: 'adapters',
    date: new Date().toISOString(),
    machine: machine(),
    backoff: ADAPTER_BACKOFF,
    connectAndMeshName: summary(connectAndPing),
    meshNameOnOpenConnection: summary(pingOnly),
    restart: {
      goalMs: GOAL_RECONNECT_MS,
      runs: restarts,
      medianReconnectMs: round(median(reconnects)),
      maxReconnectMs: round(Math.max(...reconnects)),
      withinGoal: `${reconnects.filter((r) => r <= GOAL_RECONNECT_MS).length}/${reconnects.length}`,
    },
  };
  writeResult(`${root}/bench/results/adapters.json`, result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[2] === '--serve') await serve(Number(process.argv[3]));
else await main();
