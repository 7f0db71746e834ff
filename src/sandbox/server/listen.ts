// The listeners: HTTPS on loopback with the sandbox CA (client certificates requested and checked
// against it, not required, so bearer tokens work too), and optionally plain HTTP.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface Listener {
  server: Server;
  port: number;
  close(): Promise<void>;
}

type Handle = (req: IncomingMessage, res: ServerResponse) => void;
/** HTTP upgrades (SPDY, WebSocket): the socket is the handler's from here on. */
export type UpgradeHandle = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

function harden(server: Server): void {
  // Malformed HTTP never reaches the handler: answer 400 and drop the connection.
  server.on('clientError', (_err: Error, socket: Socket) => {
    if (socket.writable && !socket.destroyed)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('tlsClientError', () => undefined);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  server.requestTimeout = 0; // watches are long-lived requests
  server.maxHeadersCount = 200;
}

async function listen(
  server: Server,
  host: string,
  port: number,
  upgrade?: UpgradeHandle,
): Promise<Listener> {
  harden(server);
  // Upgraded connections (exec, port-forward) leave the server's bookkeeping: closing ends them too.
  const upgraded = new Set<Duplex>();
  if (upgrade)
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
      upgrade(req, socket, head);
    });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }),
  };
}

export function listenHttps(
  tls: { key: string; cert: string; ca: string },
  host: string,
  port: number,
  handle: Handle,
  upgrade?: UpgradeHandle,
): Promise<Listener> {
  const server = createHttpsServer(
    {
      key: tls.key,
      cert: tls.cert,
      ca: [tls.ca],
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    handle,
  );
  return listen(server, host, port, upgrade);
}

export function listenHttp(
  host: string,
  port: number,
  handle: Handle,
  upgrade?: UpgradeHandle,
): Promise<Listener> {
  return listen(createHttpServer(handle), host, port, upgrade);
}
