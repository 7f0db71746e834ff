// The one HTTP layer every provider call goes through (Node's fetch): base URL, bearer token, a timeout
// per request, one automatic refresh on a 401, and uniform messages for every way a call can fail.
import { AuthError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import {
  ProviderResponseError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  ProviderUnreachableError,
  tokenRefused,
} from './errors.js';

export interface TokenSource {
  /** The access token to send, or undefined when there is none. */
  token(): Promise<string | undefined>;
  /** Called on a 401: obtain a new access token; false when that is not possible. */
  refresh(rejected: string): Promise<boolean>;
  /** True when the token comes from MESHDECK_TOKEN (changes the advice on failure). */
  readonly fromEnv: boolean;
}

export interface HttpOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Ctrl-C. */
  signal?: AbortSignal;
  auth?: TokenSource;
  debug?: (message: string) => void;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Send the bearer token (default true when there is a token source). */
  auth?: boolean;
  /** Statuses the caller handles itself besides 2xx (e.g. 404, 409, 412, 400 for OAuth). */
  accept?: number[];
}

export interface ProviderResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export class ProviderHttp {
  constructor(readonly options: HttpOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ProviderResponse<T>> {
    const first = await this.send<T>(method, path, options);
    const auth = this.options.auth;
    if (first.status !== 401 || options.auth === false || !auth)
      return this.check(first, method, path, options);
    const reason = errorText(first.body) ?? 'unauthorized';
    const sent = await auth.token();
    this.options.debug?.(`provider: ${method} ${path} got 401 (${reason}); refreshing the token once`);
    if (!sent || !(await auth.refresh(sent))) throw tokenRefused(this.baseUrl, reason, auth.fromEnv);
    const second = await this.send<T>(method, path, options);
    if (second.status === 401)
      throw tokenRefused(this.baseUrl, errorText(second.body) ?? 'unauthorized', auth.fromEnv);
    return this.check(second, method, path, options);
  }

  private async send<T>(method: string, path: string, options: RequestOptions): Promise<ProviderResponse<T>> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': `meshdeck/${VERSION}`,
      ...options.headers,
    };
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    if (options.auth !== false && this.options.auth) {
      const token = await this.options.auth.token();
      if (token) headers.authorization = `Bearer ${token}`;
    }

    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
    const started = Date.now();
    try {
      const res = await fetch(url, { method, headers, body, signal, redirect: 'manual' });
      const text = await res.text();
      this.options.debug?.(
        `provider: ${method} ${url.pathname} → ${res.status} in ${Date.now() - started} ms`,
      );
      return { status: res.status, headers: res.headers, body: this.parse(res, text, method, path) as T };
    } catch (err) {
      if (this.options.signal?.aborted) throw this.options.signal.reason;
      if (timeout.aborted) {
        throw new ProviderTimeoutError(
          `provider at ${this.baseUrl} did not answer within ${formatSeconds(this.options.timeoutMs)} (${method} ${path})`,
          {
            hint: 'check that it is up (meshdeck provider status), or allow more time with MESHDECK_PROVIDER_TIMEOUT=SECONDS',
          },
        );
      }
      if (err instanceof ProviderResponseError) throw err;
      const code = (err as { cause?: { code?: unknown } }).cause?.code;
      if (typeof code === 'string' && code.startsWith('HPE_')) {
        // It answered, but not in HTTP: a wrong port or a broken proxy, not an outage. Queueing writes
        // for it would only hide the mistake.
        throw new ProviderResponseError(
          `provider at ${this.baseUrl} answered ${method} ${path} with something that is not HTTP (${code})`,
          0,
          undefined,
          { hint: 'check the provider URL and port: something other than a meshdeck provider answers there' },
        );
      }
      throw new ProviderUnreachableError(`provider at ${this.baseUrl} unreachable: ${networkReason(err)}`, {
        hint: 'check the URL and that the provider is running; work you save meanwhile is queued in the outbox',
        cause: err,
      });
    }
  }

  private parse(res: Response, text: string, method: string, path: string): unknown {
    if (text === '' || res.status === 204 || res.status === 304) return undefined;
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'text/html' || /^\s*<(!doctype|html)/i.test(text)) {
      throw new ProviderResponseError(
        `provider at ${this.baseUrl} answered ${method} ${path} with an HTML page (HTTP ${res.status}) instead of JSON`,
        res.status,
        undefined,
        {
          hint: 'check the provider URL: it may point at a web site, a proxy or a sign-in portal rather than the provider API',
        },
      );
    }
    if (type !== 'application/json' && !type.endsWith('+json')) {
      if (res.status >= 500 || (res.status >= 200 && res.status < 300)) {
        throw new ProviderResponseError(
          `provider at ${this.baseUrl} answered ${method} ${path} with ${type || 'an untyped body'} (HTTP ${res.status}) instead of JSON`,
          res.status,
          undefined,
        );
      }
      return { message: text.slice(0, 200) };
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new ProviderResponseError(
        `provider at ${this.baseUrl} sent malformed JSON in answer to ${method} ${path} (HTTP ${res.status})`,
        res.status,
        undefined,
      );
    }
  }

  private check<T>(
    res: ProviderResponse<T>,
    method: string,
    path: string,
    options: RequestOptions,
  ): ProviderResponse<T> {
    const { status } = res;
    if ((status >= 200 && status < 300) || status === 304 || options.accept?.includes(status)) return res;
    const code = errorCode(res.body);
    const text = errorText(res.body);
    const what = `${method} ${path}`;
    if (status === 401)
      throw tokenRefused(this.baseUrl, text ?? 'unauthorized', this.options.auth?.fromEnv ?? false);
    if (status === 403) {
      throw new AuthError(
        `not permitted: the provider at ${this.baseUrl} refused ${what}${text ? ` (${text})` : ''}`,
      );
    }
    if (status === 502 || status === 503 || status === 504) {
      throw new ProviderUnavailableError(
        `provider at ${this.baseUrl} is unavailable (HTTP ${status}${text ? `: ${text}` : ''})`,
        {
          hint: 'try again shortly; work you save meanwhile is queued in the outbox',
        },
      );
    }
    if (status >= 500) {
      throw new ProviderResponseError(
        `provider at ${this.baseUrl} failed on ${what} (HTTP ${status}${text ? `: ${text}` : ''})`,
        status,
        code,
        { hint: "try again; if it keeps failing, the provider's logs say why" },
      );
    }
    throw new ProviderResponseError(
      `provider at ${this.baseUrl} refused ${what} (HTTP ${status}${code ? ` ${code}` : ''})${text ? `: ${text}` : ''}`,
      status,
      code,
    );
  }
}

export function errorCode(body: unknown): string | undefined {
  const v = (body as { error?: unknown } | undefined)?.error;
  return typeof v === 'string' ? v : undefined;
}

export function errorText(body: unknown): string | undefined {
  const b = body as { message?: unknown; error_description?: unknown } | undefined;
  const v = b?.message ?? b?.error_description;
  return typeof v === 'string' ? v : undefined;
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_SOCKET: 'connection closed by the other side',
  };
  return (code && reasons[code]) ?? cause?.message ?? (err as Error).message;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The request timeout from MESHDECK_PROVIDER_TIMEOUT (seconds), else the default. */
export function timeoutFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.MESHDECK_PROVIDER_TIMEOUT;
  const seconds = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : DEFAULT_TIMEOUT_MS;
}
