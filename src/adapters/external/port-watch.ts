// A backoff sleep that ends early when an adapter that refused connections starts listening again: a
// refused TCP connection is a definite "nothing there" and costs nothing to ask again, so the port is
// watched (a bare TCP connect, closed at once) while the slower gRPC attempts keep to the backoff. This is
// what lets a restarted adapter be seen within a fraction of a second even when the backoff has grown to
// its 5 s cap. Used only after "connection refused": a server that accepts and never answers would end
// every sleep at once.
import { connect } from 'node:net';
import { sleep } from '../backoff.js';

export async function sleepUntilListening(
  address: string,
  ms: number,
  signal: AbortSignal,
  everyMs = 200,
): Promise<void> {
  const target = splitAddress(address);
  const end = Date.now() + ms;
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) return;
    await sleep(Math.min(everyMs, left), signal);
    if (target && (await accepts(target.host, target.port, everyMs))) return;
  }
}

function accepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function splitAddress(address: string): { host: string; port: number } | undefined {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return match ? { host: match[1], port: Number(match[2]) } : undefined;
}
