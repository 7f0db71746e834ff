// The PGlite data folder: private to the user running the provider (0700, files 0600), and held by one
// provider at a time. Two servers on one folder each keep their own copy of the database in memory and
// overwrite each other's files, so acknowledged writes are lost; a lock file makes the second refuse.
import { chmod, lstat, mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OperationError, errnoCode } from '../../../core/errors.js';

export const LOCK_FILE = 'meshdeck-provider.lock';

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** Creates the folder (0700), or checks an existing one: refused when others can write it, tightened to 0700. */
export async function prepareDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if (!info.isDirectory()) throw new OperationError(`--data-dir ${dir} is not a folder`);
  if ((info.mode & 0o022) !== 0) {
    // Anyone who could write here could already have planted or replaced database files.
    throw new OperationError(
      `the provider's data folder ${dir} can be written by ${info.mode & 0o002 ? 'any user' : 'its group'} (mode ${octal(info.mode)})`,
      {
        hint: `make it private (chmod 700 ${dir}) after checking nobody changed its files, or use a new --data-dir`,
      },
    );
  }
  if ((info.mode & 0o777) !== 0o700) await chmod(dir, 0o700);
}

/** Makes every file under dir 0600 and every folder 0700 (PGlite creates its files 0666). */
export async function tightenTree(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  for (const name of names) {
    const path = join(dir, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info || info.isSymbolicLink()) continue;
    const want = info.isDirectory() ? 0o700 : 0o600;
    if ((info.mode & 0o777) !== want) await chmod(path, want).catch(() => undefined);
    if (info.isDirectory()) await tightenTree(path);
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * Takes the folder's lock for as long as the provider runs. A lock whose holder is gone (a dead pid on
 * this host, or an empty or unreadable file left by a crash or a full disk) is taken over; a live holder,
 * or one on another host (whose pid cannot be checked), is named in the refusal.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const file = join(dir, LOCK_FILE);
  const mine: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const content = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(content);
        await handle.sync();
      } catch (err) {
        await handle.close();
        await rm(file, { force: true });
        throw err;
      }
      await handle.close();
      return {
        release: async () => {
          if ((await readFile(file, 'utf8').catch(() => undefined)) === content)
            await rm(file, { force: true });
        },
      };
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
    const holder = await readHolder(file);
    if (holder && isLive(holder)) throw heldBy(dir, file, holder);
    await takeOver(file, holder);
  }
  throw new OperationError(`could not take the lock ${file}: other processes keep taking it`);
}

async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? '') };
    }
  } catch {
    // Empty, partly written or unreadable: nobody can be holding it through this file.
  }
  return undefined;
}

/** On this host: whether the pid is alive. Another host's pid cannot be checked, so it counts as live. */
function isLive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

/**
 * Removes an abandoned lock, under a short-lived guard file so that two servers taking it over at once
 * cannot remove each other's fresh lock.
 */
async function takeOver(file: string, seen: Holder | undefined): Promise<void> {
  const guard = `${file}.takeover`;
  try {
    await (await open(guard, 'wx', 0o600)).close();
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err;
    // Another server is taking it over; a guard left by a crash is cleared after a few seconds.
    const age = Date.now() - ((await stat(guard).catch(() => undefined))?.mtimeMs ?? 0);
    if (age > 5000) await rm(guard, { force: true });
    await new Promise((r) => setTimeout(r, 100));
    return;
  }
  try {
    const now = await readHolder(file);
    if (JSON.stringify(now) === JSON.stringify(seen)) await rm(file, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

function heldBy(dir: string, file: string, holder: Holder): OperationError {
  const where = holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;
  return new OperationError(
    `the provider data folder ${dir} is in use by another provider (${where}${holder.since ? `, since ${holder.since}` : ''})`,
    {
      hint: `stop that provider first, or give this one another --data-dir; if it is surely not running, delete ${file}`,
    },
  );
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}
