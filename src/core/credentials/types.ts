// What meshdeck keeps after signing in to a provider, and where it can keep it.

export interface StoredCredential {
  /** The provider's base URL, normalised (see providerKey). */
  provider: string;
  accessToken: string;
  refreshToken?: string;
  /** When the access token stops working (ISO time); unset for tokens that do not expire. */
  expiresAt?: string;
  /** Who signed in, so the cache and the outbox can be kept per user even offline. */
  user?: { id: string; username: string };
  /** How the token was obtained. */
  method: 'device' | 'web' | 'token';
  obtainedAt: string;
}

export type CredentialSource = 'env' | 'keychain' | 'file';

export interface CredentialStore {
  readonly name: Exclude<CredentialSource, 'env'>;
  /** Where the secret lives, for `token view` (never the secret itself). */
  readonly location: string;
  get(provider: string): Promise<StoredCredential | undefined>;
  set(credential: StoredCredential): Promise<void>;
  /** Returns whether there was something to delete. */
  delete(provider: string): Promise<boolean>;
}

/** The environment variable that carries a token for CI; it wins and is never written anywhere. */
export const TOKEN_ENV = 'MESHDECK_TOKEN';
/** Forces a store: "file" or "keychain" (default: keychain when it works, else the file). */
export const STORE_ENV = 'MESHDECK_CREDENTIAL_STORE';

/** The canonical form of a provider URL: no trailing slash, lower-case scheme and host. */
export function normalizeProviderUrl(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.protocol}//${parsed.host}${path}`;
}

export function isCredential(value: unknown): value is StoredCredential {
  const v = value as Record<string, unknown> | null;
  return (
    typeof v === 'object' && v !== null && typeof v.provider === 'string' && typeof v.accessToken === 'string'
  );
}
