// The reference Remote Provider: startProviderServer() for tests, demos and `meshdeck provider serve`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createApp, type App } from './app/app.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrations.js';
import { checkNewUser, initAdmin } from './auth/users.js';
import { ApiError, badRequest } from './http/errors.js';
import { sendError } from './http/respond.js';
import { Router } from './app/router.js';
import { apiTokenRoutes } from './routes/api-tokens.js';
import { authRoutes } from './routes/auth.js';
import { documentRoutes } from './routes/documents.js';
import { systemRoutes } from './routes/system.js';
import { Sweeper } from './store/sweep.js';
import { DEFAULTS, LOCAL_USER, type ProviderServerOptions } from './app/options.js';

export type { ProviderServerOptions } from './app/options.js';

export interface ProviderServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  database: Database['kind'];
  /** Whether --init-admin created the first admin on this start. */
  adminCreated: boolean;
  /** Stops listening, ends open connections, closes the database. */
  stop(): Promise<void>;
}

export async function startProviderServer(options: ProviderServerOptions = {}): Promise<ProviderServer> {
  // What can be refused without the database is refused first: opening PGlite takes seconds.
  if (options.initAdmin) checkNewUser(options.initAdmin);
  // Set once the database is ready; until then requests get 503.
  const ready: { serve?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const sockets = new Set<Socket>();
  const server = createHttpServer(options, ready, sockets);
  // The port first: a port in use is reported at once, before the database is opened.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? DEFAULTS.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  let db: Database;
  let adminCreated = false;
  try {
    db = await openDatabase(
      options.databaseUrl
        ? { databaseUrl: options.databaseUrl }
        : options.dataDir && !options.memory
          ? { dataDir: options.dataDir }
          : { memory: true },
    );
  } catch (err) {
    await closeServer();
    throw err;
  }
  try {
    await migrate(db);
    if (options.local) await ensureLocalUser(db);
    if (options.initAdmin)
      adminCreated = await initAdmin(db, options.initAdmin.username, options.initAdmin.password);
  } catch (err) {
    await db.close().catch(() => undefined);
    await closeServer();
    throw err;
  }

  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const app = createApp(db, options, () => publicUrl);
  const router = new Router();
  systemRoutes(router, app);
  authRoutes(router, app);
  if (!options.local) apiTokenRoutes(router, app);
  documentRoutes(router, app);
  ready.serve = (req, res) => void handle(app, router, req, res);
  const sweeper = new Sweeper(
    db,
    { idempotencyTtlSeconds: options.idempotencyTtlSeconds ?? DEFAULTS.idempotencyTtlSeconds },
    options.sweepIntervalMs ?? DEFAULTS.sweepIntervalMs,
    (line) => app.log(line),
  );
  sweeper.start();

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const listenUrl = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  publicUrl ||= listenUrl;

  let stopping: Promise<void> | undefined;
  return {
    url: publicUrl,
    port: address.port,
    database: db.kind,
    adminCreated,
    stop: () =>
      (stopping ??= (async () => {
        await closeServer();
        await sweeper.stop();
        await db.close();
      })()),
  };
}

/** The HTTP server: timeouts, connection tracking (to end them on stop), answers to broken requests. */
function createHttpServer(
  options: ProviderServerOptions,
  ready: { serve?: (req: IncomingMessage, res: ServerResponse) => void },
  sockets: Set<Socket>,
): Server {
  const headersTimeout = options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs;
  const requestTimeout = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const server = createServer(
    {
      requestTimeout,
      headersTimeout,
      // Node checks these timeouts every interval (30 s by default, which would triple a short timeout).
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
    },
    (req, res) => {
      if (ready.serve) ready.serve(req, res);
      else sendError(res, 503, 'unavailable', 'the provider is starting; try again shortly');
    },
  );
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Malformed HTTP never reaches a handler, and a client too slow to send its request is cut off: answer
  // them (unless an answer is already on its way) and keep serving.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const answering = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage?.headersSent;
    if (!socket.writable || answering) return socket.destroy();
    socket.end(clientErrorAnswer(err.code));
  });
  return server;
}

async function handle(app: App, router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  res.once('close', () =>
    app.log(`${req.method} ${url?.pathname ?? '?'} ${res.statusCode} ${Date.now() - started}ms`),
  );
  let url: URL | undefined;
  try {
    url = new URL(req.url ?? '/', 'http://provider.invalid');
  } catch {
    sendError(res, 400, 'bad_request', 'malformed request URL');
    return;
  }
  try {
    refuseNulInQuery(url);
    const match = router.match(req.method ?? 'GET', url.pathname);
    if ('status' in match) {
      if (match.status === 405) {
        sendError(
          res,
          405,
          'method_not_allowed',
          `${req.method} is not allowed on ${url.pathname}`,
          {},
          {
            allow: match.allow!.join(', '),
          },
        );
      } else {
        sendError(res, 404, 'not_found', `no such endpoint: ${url.pathname}`);
      }
      return;
    }
    await match.handler({ req, res, url, params: match.params, ip: req.socket.remoteAddress ?? 'unknown' });
  } catch (err) {
    if (err instanceof ApiError) {
      sendError(res, err.status, err.code, err.message, err.extra, {
        ...err.headers,
        // After refusing a body we did not read, do not try to reuse the connection.
        ...(err.status === 413 ? { connection: 'close' } : {}),
      });
    } else {
      app.log(`error: ${req.method} ${url.pathname}: ${(err as Error).message}`);
      const unavailable = isDatabaseDown(err);
      sendError(
        res,
        unavailable ? 503 : 500,
        unavailable ? 'unavailable' : 'internal_error',
        unavailable
          ? 'the provider cannot reach its database; try again shortly'
          : 'the provider failed to handle the request',
      );
    }
  }
}

/** A NUL cannot be stored or compared in a text column (PostgreSQL refuses it): bad input, said as such. */
function refuseNulInQuery(url: URL): void {
  for (const [key, value] of url.searchParams) {
    if (key.includes('\0') || value.includes('\0')) {
      throw badRequest(
        'invalid_query',
        `query parameter "${key.replace(/\0/g, '\\0')}" must not contain NUL characters`,
      );
    }
  }
}

/** The raw HTTP answer to a request Node refused before any handler saw it. */
function clientErrorAnswer(code: string | undefined): string {
  const [status, reason, error, message] =
    code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request_timeout', 'the request was not received in time']
      : code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'bad_request', 'the request headers are too large']
        : [400, 'Bad Request', 'bad_request', 'malformed HTTP request'];
  const body = JSON.stringify({ error, message });
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;
}

function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001'].includes(e.code ?? '') ||
    /connection terminated|timeout exceeded when trying to connect|Connection terminated/i.test(
      e.message ?? '',
    )
  );
}

async function ensureLocalUser(db: Database): Promise<void> {
  await db.query(
    `INSERT INTO users (id, username, display_name, role) VALUES ($1, $2, $3, 'admin') ON CONFLICT DO NOTHING`,
    [LOCAL_USER.id, LOCAL_USER.username, LOCAL_USER.displayName],
  );
}
