// `meshdeck perf serve`: the echo target. Built on node:http; it is a test and demo target, not a
// benchmark contender. It keeps idle keep-alive connections for a minute, so a slow open-loop run never
// races the server closing a connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OperationError, errnoCode } from '../../core/errors.js';
import { BadQuery, ExactShare, behaviourFor, type Behaviour } from './behaviour.js';

export interface EchoServer {
  /** A URL that reaches the server from this machine. */
  url: string;
  host: string;
  port: number;
  /** Requests answered so far. */
  served(): number;
  close(): Promise<void>;
}

export async function startEchoServer(options: { host: string; port: number }): Promise<EchoServer> {
  const shares = new ExactShare();
  let served = 0;
  const filler = new Map<number, Buffer>();
  const bodyOf = (size: number) => {
    let b = filler.get(size);
    if (!b) {
      b = Buffer.alloc(size, 'x');
      if (filler.size < 16) filler.set(size, b);
    }
    return b;
  };

  const server: Server = createServer({ keepAliveTimeout: 60_000, noDelay: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let b: Behaviour;
      try {
        b = behaviourFor(new URL(req.url ?? '/', 'http://x').searchParams, shares);
      } catch (err) {
        if (!(err instanceof BadQuery)) throw err;
        respond(
          res,
          req,
          { delayMs: 0, status: 400, size: null, close: false, chunked: false },
          Buffer.from(`${err.message}\n`),
        );
        return;
      }
      const body = b.size !== null ? bodyOf(b.size) : Buffer.concat(chunks);
      const send = () => {
        served++;
        respond(res, req, b, body);
      };
      if (b.delayMs > 0) setTimeout(send, b.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err, options)));
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const shownHost = wildcard
    ? '127.0.0.1'
    : address.family === 'IPv6'
      ? `[${address.address}]`
      : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    host: address.address,
    port: address.port,
    served: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function respond(res: ServerResponse, req: IncomingMessage, b: Behaviour, body: Buffer): void {
  res.statusCode = b.status;
  const type = b.size !== null ? 'text/plain' : (req.headers['content-type'] ?? 'application/octet-stream');
  res.setHeader('Content-Type', type);
  if (b.close) res.setHeader('Connection', 'close');
  const withBody = req.method !== 'HEAD' && b.status !== 204 && b.status !== 304;
  if (b.chunked && withBody) {
    // Two chunks, so the client really has to follow chunk boundaries.
    const half = Math.floor(body.length / 2);
    res.write(body.subarray(0, half));
    res.end(body.subarray(half));
    return;
  }
  res.setHeader('Content-Length', withBody ? body.length : 0);
  res.end(withBody ? body : undefined);
}

function listenError(err: Error, o: { host: string; port: number }): OperationError {
  const code = errnoCode(err);
  if (code === 'EADDRINUSE') {
    return new OperationError(`port ${o.port} on ${o.host} is already in use`, {
      hint: 'choose another with --port (0 picks a free one)',
    });
  }
  if (code === 'EACCES') {
    return new OperationError(`not allowed to listen on ${o.host}:${o.port}`, {
      hint: 'ports below 1024 need privileges; choose --port 8080 or above',
    });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new OperationError(`cannot listen on ${o.host}: no such address on this machine`, {
      hint: 'use --host 127.0.0.1 or 0.0.0.0',
    });
  }
  return new OperationError(`cannot listen on ${o.host}:${o.port}: ${err.message}`, { cause: err });
}
