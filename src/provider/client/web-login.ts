// Browser sign-in: a one-shot HTTP server on a loopback port receives the provider's redirect with an
// authorization code; PKCE and a random state make the code useless to anyone else.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, TimeoutError } from '../../core/errors.js';
import { CLIENT_ID } from '../protocol/auth.js';
import { FEATURES } from '../protocol/capabilities.js';
import type { ProviderCapabilities } from './capabilities.js';

export interface WebLoginOptions {
  providerUrl: string;
  caps: ProviderCapabilities;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Told the URL to open (always printed, in case no browser opens). */
  onUrl: (url: string) => void;
  /** Try to open a browser. */
  openBrowser: boolean;
}

export interface WebLoginResult {
  code: string;
  redirectUri: string;
  verifier: string;
}

const DONE_PAGE = `<!doctype html><meta charset="utf-8"><title>meshdeck</title><p>Signed in. You can close this tab and return to your terminal.</p>`;
const FAILED_PAGE = `<!doctype html><meta charset="utf-8"><title>meshdeck</title><p>Sign-in failed. Return to your terminal.</p>`;

export async function webLogin(options: WebLoginOptions): Promise<WebLoginResult> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');

  let settle!: (result: { code: string } | { error: string }) => void;
  const outcome = new Promise<{ code: string } | { error: string }>((resolve) => (settle = resolve));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const code = url.searchParams.get('code');
    const error = url.searchParams.get('error');
    // A request with another state is not the answer to our request; ignore it.
    if (url.searchParams.get('state') !== state) {
      res.writeHead(400, { 'content-type': 'text/html' }).end(FAILED_PAGE);
      return;
    }
    res.writeHead(code ? 200 : 400, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
    res.end(code ? DONE_PAGE : FAILED_PAGE);
    settle(code ? { code } : { error: error ?? 'no code in the callback' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;

  try {
    const login = new URL(options.providerUrl + options.caps.endpoint(FEATURES.webLogin, 'browser sign-in'));
    login.search = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    options.onUrl(login.toString());
    if (options.openBrowser) openInBrowser(login.toString());

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)),
    );
    const aborted = new Promise<'aborted'>((resolve) =>
      options.signal?.addEventListener('abort', () => resolve('aborted'), { once: true }),
    );
    const result = await Promise.race([outcome, timedOut, aborted]);
    clearTimeout(timer);
    if (result === 'aborted') throw options.signal?.reason;
    if (result === 'timeout') {
      throw new TimeoutError(`no sign-in came back within ${Math.round(options.timeoutMs / 1000)} s`, {
        hint: 'run meshdeck login again, or use --device on a machine without a browser',
      });
    }
    if ('error' in result) throw new AuthError(`sign-in failed: ${result.error}`);
    return { code: result.code, redirectUri, verifier };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Best effort: the platform's opener, detached; failure only means the user opens the printed URL. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    /* the URL is printed anyway */
  }
}

/** Whether a browser can plausibly be opened here. */
export function canOpenBrowser(env: Readonly<Record<string, string | undefined>>): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
