// An advisory lock file, so that two meshdeck processes doing read-modify-write on the same file never
// lose each other's changes. The lock holds the owner's pid; a lock whose owner is gone is taken over.
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { OperationError, errnoCode } from '../errors.js';
import { ensureDir, writeError } from './atomic.js';
import { dirname } from 'node:path';

export interface LockOptions {
  /** How long to wait for another process before giving up. */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned even if its pid is alive (pid reuse). */
  staleMs?: number;
}

export async function withFileLock<T>(
  file: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lockFile = `${file}.lock`;
  await acquire(lockFile, options.timeoutMs ?? 10_000, options.staleMs ?? 30_000);
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true }).catch(() => undefined);
  }
}

async function acquire(lockFile: string, timeoutMs: number, staleMs: number): Promise<void> {
  await ensureDir(dirname(lockFile));
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw writeError(lockFile, err);
    }
    if (await isAbandoned(lockFile, staleMs)) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const owner = (await readFile(lockFile, 'utf8').catch(() => '')).trim();
      throw new OperationError(
        `${lockFile} is held by another meshdeck process${owner ? ` (pid ${owner})` : ''}`,
        {
          hint: `wait for it to finish; if no meshdeck is running, delete ${lockFile}`,
        },
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
}

async function isAbandoned(lockFile: string, staleMs: number): Promise<boolean> {
  try {
    const [content, info] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    const pid = Number.parseInt(content, 10);
    // An empty file is a lock being written right now, not an abandoned one.
    if (!Number.isInteger(pid) || pid <= 0) return false;
    return !processAlive(pid);
  } catch {
    // Gone between our open and our read: the next open decides.
    return false;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}
