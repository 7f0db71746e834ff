// Signing in and out: the three ways to get a token (device code, browser, a token given on stdin),
// checked against the provider's /me and then stored; signing out revokes it on the provider first.
import { AuthError } from '../../core/errors.js';
import { fetchCapabilities, type ProviderCapabilities } from './capabilities.js';
import { isOffline } from './errors.js';
import { ProviderHttp, timeoutFromEnv } from './http.js';
import { ProviderApi } from './api.js';
import { exchangeCode, pollDeviceToken, requestDeviceCode, revokeTokens } from './oauth.js';
import { webLogin } from './web-login.js';
import { credentialFrom, credentialsFor, type ProviderTarget, type SessionHost } from './session.js';
import type { DeviceCodeResponse, TokenResponse, UserProfile } from '../protocol/auth.js';
import type { CredentialStore, StoredCredential } from '../../core/credentials/types.js';

export type LoginMethod = 'device' | 'web' | 'token';

export interface LoginOptions {
  method: LoginMethod;
  /** For --with-token. */
  token?: string;
  /** Shows the user code and verification URL (device flow). */
  onDeviceCode?: (device: DeviceCodeResponse) => void;
  /** Shows the sign-in URL (browser flow). */
  onBrowserUrl?: (url: string) => void;
  openBrowser?: boolean;
  webTimeoutMs?: number;
  onSlowDown?: (seconds: number) => void;
}

export interface LoginResult {
  profile: UserProfile;
  store: CredentialStore;
  credential: StoredCredential;
}

export async function login(
  host: SessionHost,
  target: ProviderTarget,
  options: LoginOptions,
): Promise<LoginResult> {
  const http = new ProviderHttp({
    baseUrl: target.url,
    timeoutMs: timeoutFromEnv(host.env),
    signal: host.signal,
    debug: host.debug,
  });
  const caps = await fetchCapabilities(http);
  if (caps.isLocal) {
    throw new AuthError(`the provider at ${target.url} is a local provider: it needs no sign-in`);
  }
  const tokens = await obtainTokens(host, target, http, caps, options);
  const profile = await whoIs(target, tokens.access_token, host, caps);
  const credential = credentialFrom(target.url, tokens, options.method, {
    id: profile.id,
    username: profile.username,
  });
  // A pasted token (--with-token) comes without its lifetime; the provider says it.
  credential.expiresAt ??= profile.tokenExpiresAt;
  const store = await credentialsFor(host).save(credential);
  return { profile, store, credential };
}

async function obtainTokens(
  host: SessionHost,
  target: ProviderTarget,
  http: ProviderHttp,
  caps: ProviderCapabilities,
  options: LoginOptions,
): Promise<TokenResponse> {
  if (options.method === 'token') {
    const token = options.token?.trim();
    if (!token)
      throw new AuthError('no token on standard input', {
        hint: 'echo "$TOKEN" | meshdeck login --with-token',
      });
    return { access_token: token, token_type: 'Bearer' };
  }
  if (options.method === 'web') {
    const result = await webLogin({
      providerUrl: target.url,
      caps,
      timeoutMs: options.webTimeoutMs ?? 300_000,
      signal: host.signal,
      onUrl: options.onBrowserUrl ?? (() => undefined),
      openBrowser: options.openBrowser ?? false,
    });
    return exchangeCode(http, caps, result);
  }
  const device = await requestDeviceCode(http, caps);
  options.onDeviceCode?.(device);
  return pollDeviceToken(http, caps, device, { signal: host.signal, onSlowDown: options.onSlowDown });
}

/** The user a token belongs to; a refused token is an auth error (exit 4). */
async function whoIs(
  target: ProviderTarget,
  token: string,
  host: SessionHost,
  caps: ProviderCapabilities,
): Promise<UserProfile> {
  const http = new ProviderHttp({
    baseUrl: target.url,
    timeoutMs: timeoutFromEnv(host.env),
    signal: host.signal,
    debug: host.debug,
    auth: { fromEnv: false, token: async () => token, refresh: async () => false },
  });
  return new ProviderApi(http, async () => caps).me();
}

export interface LogoutResult {
  /** Whether the provider revoked the token (false when it could not be reached). */
  revoked: boolean;
  revokeProblem?: string;
  removedFrom: CredentialStore[];
}

export async function logout(host: SessionHost, target: ProviderTarget): Promise<LogoutResult> {
  const credentials = credentialsFor(host);
  const stores = await credentials.stores();
  let stored: StoredCredential | undefined;
  for (const store of stores) stored ??= await store.get(target.url).catch(() => undefined);
  let revoked = false;
  let revokeProblem: string | undefined;
  if (stored) {
    const http = new ProviderHttp({
      baseUrl: target.url,
      timeoutMs: timeoutFromEnv(host.env),
      signal: host.signal,
      debug: host.debug,
    });
    try {
      const caps = await fetchCapabilities(http);
      // Revoking the refresh token ends the whole session, access token included.
      revoked = await revokeTokens(http, caps, stored.refreshToken ?? stored.accessToken);
    } catch (err) {
      if (!isOffline(err) && !(err instanceof Error)) throw err;
      revokeProblem = (err as Error).message;
    }
  }
  const removedFrom = await credentials.remove(target.url);
  return { revoked, revokeProblem, removedFrom };
}
