// Targets for the perf end-to-end tests, run in the test process while meshdeck (the generator) runs as
// a child process. Each records what it saw, so the tests compare meshdeck's numbers with the server's
// own truth instead of with constants that a busy machine would break.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export interface Target {
  url: string;
  close(): Promise<void>;
}

/** ms on the process-wide monotonic clock. */
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer({ keepAliveTimeout: 60_000 }, handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

function closer(server: Server) {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/**
 * Answers every request after a fixed delay. A plain TCP server speaking just enough HTTP/1.1, so the
 * time it records runs from the moment the request's bytes reach the process to the moment the response
 * is written: what the server itself adds, measured as closely as a process can.
 */
export async function delayTarget(delayMs: number): Promise<Target & { serverTimes: number[] }> {
  const serverTimes: number[] = [];
  const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n');
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      const arrived = now();
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
        pending = pending.slice(end + 4);
        setTimeout(() => {
          socket.write(response);
          serverTimes.push(now() - arrived);
        }, delayMs);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    serverTimes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/**
 * Once per period it stalls for `stallMs`: every response falling due in the window is held until the
 * window ends (like a GC pause). Records the windows as they really happened and every arrival.
 */
export async function stallTarget(periodMs = 1000, stallMs = 200) {
  const windows: Array<{ start: number; end: number }> = [];
  const arrivals: number[] = [];
  let held: ServerResponse[] = [];
  let stalled = false;
  const { server, url } = await listen((_req, res) => {
    arrivals.push(now());
    if (stalled) held.push(res);
    else res.end('ok\n');
  });
  let timer: NodeJS.Timeout;
  const startWindow = () => {
    stalled = true;
    const start = now();
    timer = setTimeout(() => {
      stalled = false;
      windows.push({ start, end: now() });
      const release = held;
      held = [];
      for (const res of release) res.end('ok\n');
      timer = setTimeout(startWindow, periodMs - stallMs);
    }, stallMs);
  };
  timer = setTimeout(startWindow, periodMs - stallMs);
  const close = closer(server);
  return {
    url,
    windows,
    arrivals,
    close: async () => {
      clearTimeout(timer);
      for (const res of held) res.end();
      await close();
    },
  };
}

/**
 * The latency percentile a perfect open-loop client would see: arrivals spread evenly over [from, to],
 * each waiting until the end of the window it falls in. P(latency > x) = sum over windows of
 * max(0, length - x) / span; solved for x by bisection.
 */
export function stallTruth(
  windows: Array<{ start: number; end: number }>,
  from: number,
  to: number,
  p: number,
): number {
  const span = to - from;
  const lengths = windows.map((w) => Math.min(w.end, to) - Math.max(w.start, from)).filter((l) => l > 0);
  const above = (x: number) => lengths.reduce((a, l) => a + Math.max(0, l - x), 0) / span;
  let lo = 0;
  let hi = Math.max(0, ...lengths);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (above(mid) > 1 - p / 100) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Answers at once; records arrival times. */
export async function countingTarget(): Promise<Target & { arrivals: number[] }> {
  const arrivals: number[] = [];
  const { server, url } = await listen((_req, res) => {
    arrivals.push(now());
    res.end('ok\n');
  });
  return { url, arrivals, close: closer(server) };
}

export function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface MeshdeckProcess {
  pid: number;
  /** Everything written so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the first stdout line (e.g. the URL `perf serve` prints). */
  firstLine(timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** meshdeck as a long-running child process (serve, or a run to interrupt). */
export async function spawnMeshdeck(env: Record<string, string>, args: string[]): Promise<MeshdeckProcess> {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('../helpers/cli.js');
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    pid: child.pid!,
    output: () => ({ stdout, stderr }),
    exited,
    firstLine: (timeoutMs = 15_000) =>
      new Promise<string>((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (stdout.includes('\n')) {
            clearInterval(poll);
            resolve(stdout.split('\n')[0]);
          } else if (Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`no output from meshdeck ${args.join(' ')}: ${stderr}`));
          }
        }, 10);
        void exited.then(() => {
          clearInterval(poll);
          if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
          else reject(new Error(`meshdeck ${args.join(' ')} exited: ${stderr}`));
        });
      }),
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}

export interface ServeProcess extends MeshdeckProcess {
  url: string;
}

/** `meshdeck perf serve` as a child process, the way the sandbox runs it; resolves once it prints its URL. */
export async function startServe(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const p = await spawnMeshdeck(env, ['perf', 'serve', '--port', '0', '--host', '127.0.0.1', ...args]);
  return { ...p, url: await p.firstLine() };
}

function machineBusyTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = f[3] + f[4];
  return { busy: total - idle, total };
}

/**
 * An accuracy check that needs the machine's cores to itself. Other builds and tests share this machine;
 * when an attempt fails while the machine was saturated (>= 75% of all cores busy), that attempt says
 * nothing about meshdeck and is repeated; a failure on a machine with room to spare fails at once.
 */
export async function checkWithRoom(
  diagnostic: (message: string) => void,
  check: () => Promise<string | null>,
  attempts = 4,
): Promise<void> {
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const before = machineBusyTicks();
    const failure = await check();
    const after = machineBusyTicks();
    const busy = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (failure === null) return;
    last = `${failure} (machine ${Math.round(busy * 100)}% busy)`;
    if (busy < 0.75) break;
    diagnostic(`attempt ${attempt} inconclusive, the machine was saturated: ${last}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(last);
}
