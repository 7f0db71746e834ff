// Crash-safe file writes: a reader sees the old file or the new one, never half of either.
import { chmod, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OperationError, errnoCode } from '../errors.js';

export interface AtomicWriteOptions {
  /** File mode of the result; 0o600 unless said otherwise, since meshdeck files are per user. */
  mode?: number;
  /** Mode of any folder created on the way. */
  dirMode?: number;
}

let tmpCounter = 0;

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = dirname(file);
  await ensureDir(dir, options.dirMode ?? 0o700);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${Date.now()}.${++tmpCounter}.tmp`);
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data);
      // The umask may have narrowed or widened nothing, but be explicit: the mode is part of the contract.
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(file, err);
  }
  await syncDir(dir);
}

export async function ensureDir(dir: string, mode = 0o700): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode });
  } catch (err) {
    // Node 20's recursive mkdir says ENOENT when the real cause is a read-only filesystem: one level at
    // a time tells the real one.
    const cause = errnoCode(err) === 'ENOENT' ? await mkdirStepwise(dir, mode) : err;
    if (cause !== undefined) throw writeError(join(dir, '.'), cause);
  }
}

/** mkdir -p one level at a time; the first error that is not EEXIST, or undefined once dir exists. */
async function mkdirStepwise(dir: string, mode: number): Promise<unknown> {
  const missing: string[] = [];
  for (let d = dir; !(await isDir(d)); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      await mkdir(d, { mode });
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') return err;
    }
  }
  return undefined;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** Tightens a folder that must be private (credentials, state). */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await ensureDir(dir, 0o700);
  await chmod(dir, 0o700);
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename durable; some filesystems refuse to fsync a directory, which is harmless here.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

/** Turns a Node write error into one that names the file and says what to do. */
export function writeError(file: string, err: unknown): Error {
  const code = errnoCode(err);
  const dir = dirname(file);
  if (code === 'EACCES' || code === 'EPERM') {
    return new OperationError(`cannot write ${file}: permission denied on ${dir}`, {
      hint: `make ${dir} writable by you (chmod u+w ${dir}), or point meshdeck at another folder`,
      cause: err,
    });
  }
  if (code === 'EROFS') {
    return new OperationError(`cannot write ${file}: ${dir} is on a read-only filesystem`, {
      hint: 'point meshdeck at a writable folder (XDG_CONFIG_HOME, XDG_STATE_HOME, MESHDECK_CONFIG)',
      cause: err,
    });
  }
  if (code === 'ENOSPC') {
    return new OperationError(`cannot write ${file}: no space left on the device`, { cause: err });
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return new OperationError(`cannot write ${file}: a part of the path ${dir} is not a folder`, {
      cause: err,
    });
  }
  if (err instanceof OperationError) return err;
  return new OperationError(`cannot write ${file}: ${(err as Error).message}`, { cause: err });
}
