// Credentials in a file: mode 0600 in a 0700 folder, written atomically under a lock, and refused when
// other users could read it (as ssh refuses a private key with loose permissions).
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AuthError, OperationError, errnoCode } from '../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../fs/atomic.js';
import { withFileLock } from '../fs/lock.js';
import { isCredential, type CredentialStore, type StoredCredential } from './types.js';

interface CredentialsFile {
  version: 1;
  credentials: Record<string, StoredCredential>;
}

export function credentialsFilePath(configDir: string): string {
  return join(configDir, 'credentials.json');
}

export class FileCredentialStore implements CredentialStore {
  readonly name = 'file' as const;

  constructor(readonly location: string) {}

  async get(provider: string): Promise<StoredCredential | undefined> {
    return (await this.read()).credentials[provider];
  }

  async set(credential: StoredCredential): Promise<void> {
    await this.update((file) => {
      file.credentials[credential.provider] = credential;
    });
  }

  async delete(provider: string): Promise<boolean> {
    // Nothing to delete: do not create the file (the keychain may be where tokens live).
    if (!(await this.exists()) || !(provider in (await this.read()).credentials)) return false;
    return this.update((file) => {
      const had = provider in file.credentials;
      delete file.credentials[provider];
      return had;
    });
  }

  private async update<T>(change: (file: CredentialsFile) => T): Promise<T> {
    await ensurePrivateDir(dirname(this.location));
    return withFileLock(this.location, async () => {
      const file = await this.read();
      const result = change(file);
      await writeFileAtomic(this.location, `${JSON.stringify(file, null, 2)}\n`, {
        mode: 0o600,
        dirMode: 0o700,
      });
      return result;
    });
  }

  private async exists(): Promise<boolean> {
    return stat(this.location).then(
      () => true,
      () => false,
    );
  }

  private async read(): Promise<CredentialsFile> {
    let info;
    try {
      info = await stat(this.location);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return { version: 1, credentials: {} };
      throw new OperationError(`cannot read ${this.location}: ${(err as Error).message}`, { cause: err });
    }
    const uid = process.getuid?.();
    if ((info.mode & 0o077) !== 0) {
      throw new AuthError(
        `refusing to use ${this.location}: its permissions (${(info.mode & 0o777).toString(8).padStart(4, '0')}) let other users read your tokens`,
        { hint: `chmod 600 ${this.location}, then run the command again (or meshdeck login to start over)` },
      );
    }
    if (uid !== undefined && info.uid !== uid) {
      throw new AuthError(`refusing to use ${this.location}: it belongs to another user (uid ${info.uid})`, {
        hint: `remove it and run meshdeck login again`,
      });
    }
    const text = await readFile(this.location, 'utf8');
    try {
      const parsed = JSON.parse(text) as CredentialsFile;
      const credentials: Record<string, StoredCredential> = {};
      for (const [k, v] of Object.entries(parsed.credentials ?? {})) if (isCredential(v)) credentials[k] = v;
      return { version: 1, credentials };
    } catch {
      throw new AuthError(`${this.location} is not a valid credentials file`, {
        hint: `delete it and run meshdeck login again`,
      });
    }
  }
}
