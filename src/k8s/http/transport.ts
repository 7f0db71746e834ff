// HTTP to one API server: keep-alive connections (TLS material and credentials from the kubeconfig),
// retries on 429, 5xx and dropped connections (honouring Retry-After), a fresh credential once on 401, and
// typed errors. Every request of meshdeck goes through here, so these rules hold everywhere.
import { setMaxListeners } from 'node:events';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { OperationError, errnoCode } from '../../core/errors.js';
import { asError } from '../util/abort.js';
import { apiError, asStatus, type RequestContext } from './errors.js';
import {
  DEFAULT_RETRY,
  isRetryableErrorCode,
  isRetryableStatus,
  mayRetry,
  parseRetryAfter,
  retryDelay,
  type RetryPolicy,
} from './retry.js';
import { setting } from '../../core/settings.js';

export interface TlsMaterial {
  ca?: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/**
 * The agent's TLS options with the CA, certificate and key built into one secure context: given as they
 * are, every new socket builds its own (40 to 60 ms of CPU each, mostly parsing the CA), and a command's
 * parallel lists and watches open several sockets at once.
 */
function tlsOptions(m: TlsMaterial): https.AgentOptions {
  const { ca, cert, key, ...rest } = m;
  if (ca === undefined && cert === undefined && key === undefined) return rest;
  try {
    return { ...rest, secureContext: tls.createSecureContext({ ca, cert, key }) };
  } catch {
    return m; // bad material fails at connect, where its error is turned into a clear one
  }
}

export interface Credentials {
  headers: Record<string, string>;
  tls: TlsMaterial;
  /** A proxy agent from the kubeconfig's proxy-url; used instead of our own pool. */
  proxyAgent?: http.Agent;
}

export interface CredentialSource {
  /** Credentials for the next requests; `fresh` asks for new ones (after a 401), e.g. re-running an exec plugin. */
  get(fresh: boolean): Promise<Credentials>;
}

export interface TransportOptions {
  server: string;
  credentials: CredentialSource;
  /** The cluster, for messages. */
  describe: string;
  retry?: RetryPolicy;
  /** Per request, from sending it to the end of the response (not for watches). */
  timeoutMs?: number;
  /** Connections kept open to the server. */
  maxSockets?: number;
  userAgent?: string;
  signal?: AbortSignal;
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  /** "429", "503", "ECONNRESET" ... */
  cause: string;
  what?: string;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** JSON-serialised unless a string. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  what?: string;
  /** false: one attempt only. */
  retry?: boolean;
  timeoutMs?: number;
}

export interface KubeResponse<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
}

export interface TransportStats {
  requests: number;
  retries: number;
}

/** A network failure that was not an HTTP answer. */
class NetworkFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** One attempt either finished (any answer the caller wants) or got an HTTP error answer. */
type Attempt<R> = { done: R } | { failed: KubeResponse };

export class KubeTransport {
  readonly server: URL;
  readonly stats: TransportStats = { requests: 0, retries: 0 };
  private readonly policy: RetryPolicy;
  private creds?: Promise<Credentials>;
  private agent?: http.Agent;
  private agentTls?: TlsMaterial;
  /** Whether the server ever answered: a refused connection before that means it is not there at all. */
  private contacted = false;
  /** How to abort each request in flight, for the transport's signal. */
  private readonly inflight = new Set<() => void>();
  /**
   * Follows the transport's signal for the waits between retries: many requests may be waiting at once
   * (every watch of a snapshot, when the server restarts), and each wait listens to it.
   */
  private readonly stopped = new AbortController();

  constructor(private readonly options: TransportOptions) {
    this.server = new URL(options.server);
    this.policy = options.retry ?? DEFAULT_RETRY;
    setMaxListeners(0, this.stopped.signal);
    options.signal?.addEventListener('abort', () => {
      this.stopped.abort(options.signal?.reason);
      for (const abort of [...this.inflight]) abort();
    });
  }

  get describe(): string {
    return this.options.describe;
  }

  /** A request whose whole answer is read (and parsed when it is JSON). */
  async request<T = unknown>(req: KubeRequest): Promise<KubeResponse<T>> {
    return this.withRetries(req, async (creds): Promise<Attempt<KubeResponse<T>>> => {
      const res = await this.send(req, creds);
      const answer = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: (await readBody(res, req.method)) as T,
      };
      return answer.status < 400 ? { done: answer } : { failed: answer };
    });
  }

  /** A streaming request (watch): resolves once a 2xx answer starts; the caller reads and closes it. */
  async stream(req: KubeRequest, signal: AbortSignal): Promise<IncomingMessage> {
    return this.withRetries(req, async (creds): Promise<Attempt<IncomingMessage>> => {
      const res = await this.send({ ...req, timeoutMs: 0 }, creds, signal);
      if ((res.statusCode ?? 0) < 300) return { done: res };
      return {
        failed: { status: res.statusCode ?? 0, headers: res.headers, body: await readBody(res, req.method) },
      };
    });
  }

  close(): void {
    this.agent?.destroy();
  }

  private async withRetries<R>(
    req: KubeRequest,
    attemptOnce: (creds: Credentials) => Promise<Attempt<R>>,
  ): Promise<R> {
    const started = Date.now();
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      this.throwIfAborted();
      const creds = await this.credentials(false);
      let cause: string;
      let retryAfterMs: number | undefined;
      let lastStatus: { status: number; body: unknown } | undefined;
      try {
        this.stats.requests++;
        const result = await attemptOnce(creds);
        this.contacted = true;
        if ('done' in result) return result.done;
        const res = result.failed;
        if (res.status === 401 && !refreshed) {
          refreshed = true;
          await this.credentials(true);
          continue;
        }
        if (!isRetryableStatus(res.status) || req.retry === false)
          throw apiError(res.status, res.body, this.context(req), attempt);
        cause = String(res.status);
        lastStatus = { status: res.status, body: res.body };
        const header: string | string[] | undefined = res.headers['retry-after'];
        retryAfterMs =
          parseRetryAfter(typeof header === 'string' ? header : header?.[0]) ??
          secondsToMs(asStatus(res.body)?.details?.retryAfterSeconds);
      } catch (err) {
        if (!(err instanceof NetworkFailure)) throw err;
        if (!isRetryableErrorCode(err.code) || req.retry === false) throw this.networkError(err, req);
        // A server that never answered is probably not running: one quick retry, not the whole budget.
        // Once it has answered, a refusal is a restart, worth waiting for.
        if (err.code === 'ECONNREFUSED' && !this.contacted && attempt >= 2)
          throw this.networkError(err, req, attempt);
        cause = err.code;
        lastStatus = undefined;
        if (!mayRetry(attempt, Date.now() - started, 0, this.policy))
          throw this.networkError(err, req, attempt);
      }
      const delayMs = retryDelay(attempt, retryAfterMs, this.policy);
      if (!mayRetry(attempt, Date.now() - started, delayMs, this.policy)) {
        if (lastStatus) throw apiError(lastStatus.status, lastStatus.body, this.context(req), attempt);
        throw new OperationError(
          `cannot reach the cluster at ${this.server.origin} (${cause}) after ${attempt} attempts`,
          {
            hint: `is the API server of ${this.describe} running and reachable?`,
          },
        );
      }
      this.stats.retries++;
      this.options.onRetry?.({ attempt, delayMs, cause, what: req.what });
      await sleep(delayMs, undefined, { signal: this.stopped.signal }).catch(() => this.throwIfAborted());
    }
  }

  private context(req: KubeRequest): RequestContext {
    return { method: req.method, path: req.path, what: req.what, cluster: this.describe };
  }

  private throwIfAborted(): void {
    if (this.options.signal?.aborted) throw this.options.signal.reason;
  }

  private credentials(fresh: boolean): Promise<Credentials> {
    if (fresh || !this.creds) {
      const next = this.options.credentials.get(fresh);
      // A failure (an exec plugin that fails) is not cached: the next call tries again.
      next.catch(() => {
        if (this.creds === next) this.creds = undefined;
      });
      this.creds = next;
    }
    return this.creds;
  }

  private agentFor(creds: Credentials): http.Agent {
    if (creds.proxyAgent) return creds.proxyAgent;
    if (this.agent && this.agentTls === creds.tls) return this.agent;
    this.agent?.destroy();
    const common = {
      keepAlive: true,
      maxSockets: this.options.maxSockets ?? 16,
      scheduling: 'lifo' as const,
    };
    this.agent =
      this.server.protocol === 'http:'
        ? new http.Agent(common)
        : new https.Agent({ ...common, ...tlsOptions(creds.tls) });
    this.agentTls = creds.tls;
    return this.agent;
  }

  private send(req: KubeRequest, creds: Credentials, signal?: AbortSignal): Promise<IncomingMessage> {
    const url = new URL(req.path, this.server);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const body =
      req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const headers: Record<string, string | number> = {
      ...creds.headers,
      Accept: req.accept ?? 'application/json',
      'Accept-Encoding': 'gzip',
      'User-Agent': this.options.userAgent ?? 'meshdeck',
    };
    if (body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const lib = this.server.protocol === 'http:' ? http : https;
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs ?? 60_000;
    const aborts = [this.options.signal, signal].filter((s): s is AbortSignal => s !== undefined);
    return new Promise((resolve, reject) => {
      const request = lib.request(url, { method: req.method, headers, agent: this.agentFor(creds) });
      const onAbort = () => request.destroy(new NetworkFailure('ABORTED', 'aborted'));
      // The transport's own signal is listened to once for all requests in flight (there may be many).
      this.inflight.add(onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        this.inflight.delete(onAbort);
        signal?.removeEventListener('abort', onAbort);
      };
      if (timeoutMs > 0) {
        request.setTimeout(timeoutMs, () =>
          request.destroy(new NetworkFailure('REQUEST_TIMEOUT', `no answer within ${timeoutMs / 1000}s`)),
        );
      }
      request.on('response', (res) => {
        // Streams clean up when the caller is done with them; plain requests once read.
        res.on('close', cleanup);
        resolve(res);
      });
      request.on('error', (err) => {
        cleanup();
        for (const s of aborts) if (s.aborted) return reject(asError(s.reason));
        reject(
          err instanceof NetworkFailure
            ? err
            : new NetworkFailure(errnoCode(err) ?? socketCode(err), err.message, err),
        );
      });
      request.end(body);
    });
  }

  private networkError(err: NetworkFailure, req: KubeRequest, attempts = 1): OperationError {
    const after = attempts > 1 ? ` after ${attempts} attempts` : '';
    if (err.code === 'REQUEST_TIMEOUT') {
      return new OperationError(
        `the cluster at ${this.server.origin} gave ${err.message}${req.what ? ` for ${req.what}` : ''}`,
        {
          hint: `the API server may be overloaded; try again, or allow longer with ${setting('request-timeout')}`,
        },
      );
    }
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|SSL|TLS/.test(err.code)) {
      return new OperationError(`TLS with the cluster at ${this.server.origin} failed: ${err.message}`, {
        hint: `the server's certificate does not match the certificate-authority of ${this.describe}`,
      });
    }
    if (err.code === 'ENOTFOUND') {
      return new OperationError(`cannot resolve the cluster's host ${this.server.hostname}`, {
        hint: `check the server URL of ${this.describe}`,
      });
    }
    return new OperationError(`cannot reach the cluster at ${this.server.origin} (${err.code})${after}`, {
      hint: `is the API server of ${this.describe} running and reachable?`,
    });
  }
}

function socketCode(err: Error): string {
  return /socket hang up/i.test(err.message) ? 'ESOCKETHANGUP' : 'ENETWORK';
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Reads a whole answer; a connection dropped in the middle is a retryable network failure. */
function readBody(res: IncomingMessage, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', (err) => reject(new NetworkFailure(errnoCode(err) ?? 'ECONNRESET', err.message, err)));
    res.on('end', () => {
      try {
        let data = Buffer.concat(chunks);
        if (res.headers['content-encoding'] === 'gzip') data = gunzipSync(data);
        const text = data.toString('utf8');
        const type = res.headers['content-type'] ?? '';
        if (type.includes('json') && text.length > 0) {
          try {
            resolve(JSON.parse(text));
          } catch {
            resolve(text);
          }
        } else {
          resolve(method === 'HEAD' ? '' : text);
        }
      } catch (err) {
        reject(new NetworkFailure('EBADBODY', (err as Error).message, err));
      }
    });
    res.on('aborted', () =>
      reject(new NetworkFailure('ECONNRESET', 'the connection closed in the middle of the answer')),
    );
  });
}
