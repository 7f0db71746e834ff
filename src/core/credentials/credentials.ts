// Which credential a command uses, in the order PRODUCT.md gives: MESHDECK_TOKEN (never persisted), then
// the OS keychain, then the credentials file. Login writes to the keychain when it works, else the file.
import { OperationError, UsageError } from '../errors.js';
import type { Env } from '../paths.js';
import { FileCredentialStore, credentialsFilePath } from './file-store.js';
import { KeychainCredentialStore } from './keychain-store.js';
import {
  STORE_ENV,
  TOKEN_ENV,
  type CredentialSource,
  type CredentialStore,
  type StoredCredential,
} from './types.js';

export interface CredentialsOptions {
  env: Env;
  configDir: string;
  /** Told why the keychain is skipped (shown under --verbose). */
  debug?: (message: string) => void;
  keychainTimeoutMs?: number;
}

export interface FoundCredential {
  source: CredentialSource;
  credential: StoredCredential;
  /** The store it came from; undefined for MESHDECK_TOKEN. */
  store?: CredentialStore;
}

export class Credentials {
  private storesPromise?: Promise<CredentialStore[]>;

  constructor(private readonly options: CredentialsOptions) {}

  get fileStore(): FileCredentialStore {
    return new FileCredentialStore(credentialsFilePath(this.options.configDir));
  }

  /** The token from MESHDECK_TOKEN, if set. */
  envToken(): string | undefined {
    const token = this.options.env[TOKEN_ENV]?.trim();
    return token ? token : undefined;
  }

  /** The stores to read from, in order; the first is where login writes. */
  stores(): Promise<CredentialStore[]> {
    this.storesPromise ??= this.openStores();
    return this.storesPromise;
  }

  private async openStores(): Promise<CredentialStore[]> {
    // Empty is unset, as with most tools' variables (`MESHDECK_CREDENTIAL_STORE= meshdeck ...`).
    const choice = (this.options.env[STORE_ENV]?.trim() || 'auto').toLowerCase();
    if (!['auto', 'file', 'keychain'].includes(choice)) {
      throw new UsageError(`${STORE_ENV}="${choice}" is not one of auto, keychain, file`);
    }
    const file = this.fileStore;
    if (choice === 'file') {
      this.options.debug?.(`credentials: ${STORE_ENV}=file, using ${file.location}`);
      return [file];
    }
    const timeout =
      this.options.keychainTimeoutMs ?? Number(this.options.env.MESHDECK_KEYCHAIN_TIMEOUT_MS ?? 5000);
    const keychain = await KeychainCredentialStore.open(timeout);
    if ('unavailable' in keychain) {
      if (choice === 'keychain') {
        throw new OperationError(`the OS keychain is not available: ${keychain.unavailable}`, {
          hint: `unset ${STORE_ENV} to fall back to the credentials file`,
        });
      }
      this.options.debug?.(
        `credentials: OS keychain unavailable (${keychain.unavailable}); using ${file.location}`,
      );
      return [file];
    }
    this.options.debug?.('credentials: using the OS keychain');
    return [keychain, file];
  }

  /** The credential for a provider: MESHDECK_TOKEN, else the first store that has one. */
  async find(provider: string): Promise<FoundCredential | undefined> {
    const token = this.envToken();
    if (token) {
      return {
        source: 'env',
        credential: { provider, accessToken: token, method: 'token', obtainedAt: new Date(0).toISOString() },
      };
    }
    for (const store of await this.stores()) {
      const credential = await store.get(provider);
      if (credential) return { source: store.name, credential, store };
    }
    return undefined;
  }

  /** Stores a credential where login writes, and removes older copies elsewhere. */
  async save(credential: StoredCredential): Promise<CredentialStore> {
    const [primary, ...others] = await this.stores();
    await primary.set(credential);
    for (const other of others) await other.delete(credential.provider).catch(() => false);
    return primary;
  }

  /** Replaces a credential in the store it came from (after a refresh). */
  async replace(found: FoundCredential, credential: StoredCredential): Promise<void> {
    if (found.store) await found.store.set(credential);
  }

  /** Deletes a provider's credential from every store; returns the stores that had one. */
  async remove(provider: string): Promise<CredentialStore[]> {
    const removed: CredentialStore[] = [];
    for (const store of await this.stores()) {
      if (await store.delete(provider)) removed.push(store);
    }
    return removed;
  }
}
