// Credentials in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux)
// through @napi-rs/keyring. On Linux the store is pinned to Secret Service, so a token never lands in the
// kernel keyring, which forgets it at logout.
import type { CredentialStore, StoredCredential } from './types.js';
import { isCredential } from './types.js';

const SERVICE = 'meshdeck';
const PROBE_ACCOUNT = 'meshdeck-probe';
type EntryClass = typeof import('@napi-rs/keyring').AsyncEntry;

export class KeychainCredentialStore implements CredentialStore {
  readonly name = 'keychain' as const;
  readonly location = `OS keychain (service "${SERVICE}")`;

  private constructor(
    private readonly Entry: EntryClass,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The keychain if it answers within timeoutMs, else the reason it does not. Any failure (module
   * missing, no D-Bus session, locked or absent keyring, a hang) means "use the file instead".
   */
  static async open(timeoutMs = 5000): Promise<KeychainCredentialStore | { unavailable: string }> {
    try {
      const { AsyncEntry } = await import('./keyring-module.js');
      const store = new KeychainCredentialStore(AsyncEntry, timeoutMs);
      // The constructor itself throws when there is no session bus, so it stays inside the try.
      await store.entry(PROBE_ACCOUNT).getPassword(AbortSignal.timeout(timeoutMs));
      return store;
    } catch (err) {
      return { unavailable: (err as Error).message.split('\n')[0] };
    }
  }

  private entry(account: string) {
    return new this.Entry(SERVICE, account, { linux: { store: 'secret-service' } });
  }

  async get(provider: string): Promise<StoredCredential | undefined> {
    const secret = await this.entry(provider).getPassword(AbortSignal.timeout(this.timeoutMs));
    if (!secret) return undefined;
    try {
      const value: unknown = JSON.parse(secret);
      return isCredential(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  async set(credential: StoredCredential): Promise<void> {
    await this.entry(credential.provider).setPassword(
      JSON.stringify(credential),
      AbortSignal.timeout(this.timeoutMs),
    );
  }

  async delete(provider: string): Promise<boolean> {
    return this.entry(provider).deletePassword(AbortSignal.timeout(this.timeoutMs));
  }
}
