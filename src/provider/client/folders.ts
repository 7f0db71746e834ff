// Where the provider's local data lives: the cache (deletable) under the cache folder, the outbox, sync
// bases and conflicts under the state folder, each per provider and per account.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { MeshdeckPaths } from '../../core/paths.js';

/** A folder name for a provider: readable host and port plus a hash of the whole URL. */
export function providerKey(url: string, builtin: boolean): string {
  if (builtin) return 'builtin';
  const parsed = new URL(url);
  const readable = `${parsed.hostname}${parsed.port ? `-${parsed.port}` : ''}`.replace(
    /[^A-Za-z0-9.-]/g,
    '_',
  );
  return `${readable}-${createHash('sha256').update(url).digest('hex').slice(0, 10)}`;
}

/** The account folder for a token that came without a known user (MESHDECK_TOKEN). */
export function tokenAccount(token: string): string {
  return `token-${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

export interface ProviderFolders {
  /** Copies of the provider's objects; deletable at any time. */
  cache: string;
  /** Changes not yet accepted by the provider, replayed in order. */
  outbox: string;
  /** Queued changes that could not be sent, set aside so that they block nothing (sync --failed). */
  failed: string;
  /** What each local object was last synced from (id, version, content hash). */
  bases: string;
  /** Both versions of every conflicting change. */
  conflicts: string;
  /** Lock files for work shared between meshdeck processes. */
  locks: string;
}

export function providerFolders(paths: MeshdeckPaths, key: string, account: string): ProviderFolders {
  return {
    cache: join(paths.cacheDir, 'provider', key, account),
    outbox: join(paths.stateDir, 'provider', key, account, 'outbox'),
    failed: join(paths.stateDir, 'provider', key, account, 'failed'),
    bases: join(paths.stateDir, 'provider', key, account, 'bases'),
    conflicts: join(paths.stateDir, 'provider', key, account, 'conflicts'),
    locks: join(paths.stateDir, 'provider', key, 'locks'),
  };
}
