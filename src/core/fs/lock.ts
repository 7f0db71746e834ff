// An advisory lock file, so that two meshdeck processes doing read-modify-write on the same file never
// lose each other's changes. The lock holds the owner's pid; a lock whose owner is gone is taken over.
// The lock file appears with its content already written (written aside, then hard-linked into place),
// so a lock file is never empty while its owner lives: a write that fails (full disk) leaves no lock, and
// an empty or unparseable lock file (left by a crash of an older version) is nobody's.
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { OperationError, errnoCode } from '../errors.js';
import { ensureDir, writeError } from './atomic.js';
import { dirname } from 'node:path';
import { processAlive } from '../process.js';

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
  const mine = await acquire(lockFile, options.timeoutMs ?? 10_000, options.staleMs ?? 30_000);
  try {
    return await work();
  } finally {
    // Ours unless it was taken over as stale meanwhile: then it is someone else's to release.
    if ((await readFile(lockFile, 'utf8').catch(() => undefined)) === mine)
      await rm(lockFile, { force: true }).catch(() => undefined);
  }
}

/** Takes the lock; returns what it wrote into the lock file. */
async function acquire(lockFile: string, timeoutMs: number, staleMs: number): Promise<string> {
  await ensureDir(dirname(lockFile));
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    // The pid says whether the owner lives; the nonce tells this lock from a later one of the same pid.
    const content = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
    if (await createLockFile(lockFile, content)) return content;
    const abandoned = await abandonedLock(lockFile, staleMs);
    if (abandoned !== undefined) {
      await takeOver(lockFile, abandoned);
      continue;
    }
    if (Date.now() >= deadline) {
      const owner = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      throw new OperationError(
        `${lockFile} is held by another meshdeck process${owner > 0 ? ` (pid ${owner})` : ''}`,
        {
          hint: `wait for it to finish; if no meshdeck is running, delete ${lockFile}`,
        },
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
}

/**
 * Creates the lock file with its content in one step: false if it exists already. The content goes into
 * a private file first, which is then hard-linked to the lock's name (link fails if the name exists).
 */
async function createLockFile(lockFile: string, content: string): Promise<boolean> {
  const aside = `${lockFile}.${content.slice(content.indexOf(' ') + 1).trim()}.new`;
  try {
    await writeFile(aside, content, { mode: 0o600, flag: 'wx' });
    await link(aside, lockFile);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw writeError(lockFile, err);
  } finally {
    await rm(aside, { force: true }).catch(() => undefined);
  }
}

/**
 * The content of the lock file when its owner is gone (or it is older than staleMs), else undefined.
 * Pid and age come from one open handle, so they describe one and the same lock file, not an older one
 * that was released and replaced while we looked.
 */
async function abandonedLock(lockFile: string, staleMs: number): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(lockFile, 'r');
  } catch {
    return undefined; // released meanwhile: the next open decides
  }
  try {
    const [info, content] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
    if (Date.now() - info.mtimeMs > staleMs) return content;
    const pid = Number.parseInt(content, 10);
    // A live lock always has its pid (it is written before the file appears): anything else is debris.
    if (!Number.isInteger(pid) || pid <= 0) return content;
    return processAlive(pid) ? undefined : content;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** A takeover guard older than this belongs to a process that died in the middle of one. */
const GUARD_STALE_MS = 2000;

/**
 * Removes the abandoned lock file, and only that one. Takeovers are serialised by a guard file: within
 * it, the lock at the path is checked to still be the abandoned one (same content: pid and nonce; an
 * inode number can be reused by the next lock file) before it is removed,
 * and nobody else can replace it meanwhile (its owner is gone; other takers wait for the guard).
 */
async function takeOver(lockFile: string, abandoned: string): Promise<void> {
  const guard = `${lockFile}.takeover`;
  try {
    await (await open(guard, 'wx', 0o600)).close();
  } catch {
    const info = await stat(guard).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > GUARD_STALE_MS) await rm(guard, { force: true });
    return; // someone else is taking over; look again
  }
  try {
    const current = await readFile(lockFile, 'utf8').catch(() => undefined);
    if (current === abandoned) await rm(lockFile, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}
