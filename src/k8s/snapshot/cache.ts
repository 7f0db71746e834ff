// The last snapshot of each cluster, kept in the cache folder: readable while the cluster is away, and
// rewritten by every snapshot (and continuously by --watch).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, errnoCode } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import type { Snapshot } from './model.js';

export function snapshotFile(cacheDir: string, server: string): string {
  const url = new URL(server);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return join(cacheDir, 'snapshots', `${url.hostname.replace(/[^A-Za-z0-9.-]/g, '_')}_${port}.json`);
}

export async function saveSnapshot(cacheDir: string, snapshot: Snapshot): Promise<string> {
  const file = snapshotFile(cacheDir, snapshot.cluster.server);
  await writeFileAtomic(file, JSON.stringify(snapshot));
  return file;
}

export async function loadSnapshot(cacheDir: string, server: string): Promise<Snapshot> {
  const file = snapshotFile(cacheDir, server);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') {
      throw new UsageError(`no cached snapshot of ${server}`, {
        hint: 'take one with "meshdeck cluster snapshot" while the cluster is reachable',
      });
    }
    throw new UsageError(`the cached snapshot ${file} cannot be read: ${(err as Error).message}`, {
      hint: 'delete it; the next snapshot writes it again',
    });
  }
}
