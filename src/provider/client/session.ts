// A connection to the provider a command works with: which provider (the context's, or --provider), the
// credential it uses, the account it acts as (for the per-user cache and outbox) and the typed API.
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { withFileLock } from '../../core/fs/lock.js';
import type { ProviderRef } from '../../core/config/model.js';
import { providerUrlProblem } from '../../core/config/model.js';
import { Credentials, type FoundCredential } from '../../core/credentials/credentials.js';
import {
  normalizeProviderUrl,
  type CredentialSource,
  type StoredCredential,
} from '../../core/credentials/types.js';
import type { Env, MeshdeckPaths } from '../../core/paths.js';
import { builtinPaths, ensureBuiltinProvider } from '../builtin/daemon.js';
import { ProviderApi } from './api.js';
import { fetchCapabilities, type ProviderCapabilities } from './capabilities.js';
import { notSignedIn } from './errors.js';
import { ProviderHttp, timeoutFromEnv, type TokenSource } from './http.js';
import { refreshTokens } from './oauth.js';
import { providerFolders, providerKey, tokenAccount, type ProviderFolders } from './folders.js';
import type { TokenResponse } from '../protocol/auth.js';

/** What a session needs from the command that opens it. */
export interface SessionHost {
  env: Env;
  paths: MeshdeckPaths;
  signal?: AbortSignal;
  debug?: (message: string) => void;
}

export interface ProviderTarget {
  url: string;
  builtin: boolean;
  key: string;
}

export interface ProviderSession {
  target: ProviderTarget;
  http: ProviderHttp;
  api: ProviderApi;
  /** Where the token comes from; "builtin" for the built-in provider, "none" when not signed in. */
  source: CredentialSource | 'builtin' | 'none';
  credential?: FoundCredential;
  /** The folder name of the account: user id, token-<hash> for MESHDECK_TOKEN, "local" for built-in. */
  account: string;
  folders: ProviderFolders;
  capabilities(): Promise<ProviderCapabilities>;
}

export interface OpenOptions {
  /** --provider URL instead of the context's provider. */
  url?: string;
  /** Fail with exit 4 when there is no credential (default true). */
  requireAuth?: boolean;
}

/** The provider a command targets: --provider, else the context's. */
export function providerTarget(ref: ProviderRef, override?: string): ProviderTarget | { builtin: true } {
  const raw = override ?? ref.url;
  if (raw === undefined) return { builtin: true };
  const problem = providerUrlProblem(raw);
  if (problem)
    throw new UsageError(problem, { hint: 'give the provider base URL, e.g. https://provider.example.com' });
  const url = normalizeProviderUrl(raw);
  return { url, builtin: false, key: providerKey(url, false) };
}

export function credentialsFor(host: SessionHost): Credentials {
  return new Credentials({ env: host.env, configDir: host.paths.configDir, debug: host.debug });
}

export async function openProviderSession(
  host: SessionHost,
  ref: ProviderRef,
  options: OpenOptions = {},
): Promise<ProviderSession> {
  const chosen = providerTarget(ref, options.url);
  const timeoutMs = timeoutFromEnv(host.env);
  if (!('url' in chosen)) {
    const state = await ensureBuiltinProvider(builtinPaths(host.paths.stateDir), host.env, host.debug);
    const target: ProviderTarget = { url: state.url, builtin: true, key: providerKey(state.url, true) };
    const auth: TokenSource = { fromEnv: false, token: async () => state.token, refresh: async () => false };
    return assemble(
      host,
      target,
      new ProviderHttp({ baseUrl: target.url, timeoutMs, signal: host.signal, auth, debug: host.debug }),
      {
        source: 'builtin',
        account: 'local',
      },
    );
  }
  const target = chosen;
  const credentials = credentialsFor(host);
  const found = await credentials.find(target.url);
  if (!found && options.requireAuth !== false) throw notSignedIn(target.url);
  // The token source refreshes through the session it belongs to, which needs the token source first.
  const holder: { session?: ProviderSession } = {};
  const auth = found && new StoredTokenSource(found, credentials, host, target, () => holder.session!);
  const http = new ProviderHttp({
    baseUrl: target.url,
    timeoutMs,
    signal: host.signal,
    auth,
    debug: host.debug,
  });
  const session = assemble(host, target, http, {
    source: found?.source ?? 'none',
    credential: found,
    account: found ? (found.credential.user?.id ?? tokenAccount(found.credential.accessToken)) : 'anonymous',
  });
  holder.session = session;
  return session;
}

function assemble(
  host: SessionHost,
  target: ProviderTarget,
  http: ProviderHttp,
  who: { source: ProviderSession['source']; credential?: FoundCredential; account: string },
): ProviderSession {
  let caps: Promise<ProviderCapabilities> | undefined;
  const capabilities = () => (caps ??= fetchCapabilities(http));
  return {
    target,
    http,
    api: new ProviderApi(http, capabilities),
    ...who,
    folders: providerFolders(host.paths, target.key, who.account),
    capabilities,
  };
}

/** Seconds of margin: a token about to expire is refreshed before use rather than after a 401. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * A stored credential as a token source. Refreshing is done under a lock shared by every meshdeck
 * process: refresh tokens rotate, and two processes using the same one would revoke the session.
 */
class StoredTokenSource implements TokenSource {
  readonly fromEnv: boolean;

  constructor(
    private found: FoundCredential,
    private readonly credentials: Credentials,
    private readonly host: SessionHost,
    private readonly target: ProviderTarget,
    private readonly session: () => ProviderSession,
  ) {
    this.fromEnv = found.source === 'env';
  }

  async token(): Promise<string | undefined> {
    const { credential } = this.found;
    if (
      credential.refreshToken &&
      credential.expiresAt &&
      Date.parse(credential.expiresAt) - EXPIRY_MARGIN_MS < Date.now()
    ) {
      await this.refresh(credential.accessToken);
    }
    return this.found.credential.accessToken;
  }

  async refresh(rejected: string): Promise<boolean> {
    if (this.fromEnv || !this.found.store) return false;
    const lockFile = join(providerFolders(this.host.paths, this.target.key, 'any').locks, 'refresh');
    return withFileLock(lockFile, async () => {
      // Another process may have refreshed while we waited: use its token.
      const latest = await this.found.store!.get(this.target.url);
      if (latest && latest.accessToken !== rejected) {
        this.found = { ...this.found, credential: latest };
        return true;
      }
      const refreshToken = latest?.refreshToken ?? this.found.credential.refreshToken;
      if (!refreshToken) return false;
      const caps = await this.session().capabilities();
      const tokens = await refreshTokens(this.session().http, caps, refreshToken);
      if (!tokens) return false;
      const next = credentialFrom(
        this.target.url,
        tokens,
        this.found.credential.method,
        this.found.credential.user,
      );
      await this.credentials.replace(this.found, next);
      this.found = { ...this.found, credential: next };
      this.host.debug?.('credentials: access token refreshed');
      return true;
    });
  }
}

export function credentialFrom(
  provider: string,
  tokens: TokenResponse,
  method: StoredCredential['method'],
  user?: StoredCredential['user'],
): StoredCredential {
  return {
    provider,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: tokens.expires_in ? new Date(Date.now() + tokens.expires_in * 1000).toISOString() : undefined,
    user,
    method,
    obtainedAt: new Date().toISOString(),
  };
}
