// The built-in provider: the reference provider in single-user mode (no sign-in, like Meshery's Local
// provider), which meshdeck starts itself on a loopback port the first time a command needs it. Its data
// (PGlite) is under the state folder; one process serves every meshdeck command of this user, so two
// commands at once never open the database twice. It stops after a while without requests.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OperationError, errnoCode } from '../../core/errors.js';
import { ensurePrivateDir } from '../../core/fs/atomic.js';
import { withFileLock } from '../../core/fs/lock.js';
import type { Env } from '../../core/paths.js';

export interface BuiltinState {
  pid: number;
  url: string;
  /** The secret every request must carry; the state file is 0600 in a 0700 folder. */
  token: string;
  version: string;
  startedAt: string;
}

export interface BuiltinPaths {
  dir: string;
  stateFile: string;
  dataDir: string;
  logFile: string;
}

export const BUILTIN_TOKEN_ENV = 'MESHDECK_BUILTIN_TOKEN';
const START_TIMEOUT_MS = 60_000;
const LOG_LIMIT_BYTES = 1024 * 1024;

export function builtinPaths(stateDir: string): BuiltinPaths {
  const dir = join(stateDir, 'builtin-provider');
  return {
    dir,
    stateFile: join(dir, 'server.json'),
    dataDir: join(dir, 'data'),
    logFile: join(dir, 'server.log'),
  };
}

/** The running built-in provider, started if needed. */
export async function ensureBuiltinProvider(
  paths: BuiltinPaths,
  env: Env,
  debug: (message: string) => void = () => undefined,
): Promise<BuiltinState> {
  const running = await liveState(paths);
  if (running) return running;
  await ensurePrivateDir(paths.dir);
  return withFileLock(
    paths.stateFile,
    async () => {
      const again = await liveState(paths);
      if (again) return again;
      await rm(paths.stateFile, { force: true });
      debug(`built-in provider: starting (data in ${paths.dataDir}, log in ${paths.logFile})`);
      return start(paths, env);
    },
    { timeoutMs: START_TIMEOUT_MS },
  );
}

async function start(paths: BuiltinPaths, env: Env): Promise<BuiltinState> {
  const token = `mdl_${randomBytes(32).toString('base64url')}`;
  rotateLog(paths.logFile);
  const log = openSync(paths.logFile, 'a', 0o600);
  const entry = process.argv[1];
  const child = spawn(process.execPath, [entry, 'provider', 'serve', '--builtin'], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...env, [BUILTIN_TOKEN_ENV]: token },
  });
  closeSync(log);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.on('error', () => (exited = -1));
  child.unref();

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) break;
    const state = await readState(paths);
    if (state && state.pid === child.pid && (await isLive(state))) return state;
    await sleep(50);
  }
  if (exited === undefined) child.kill('SIGTERM');
  throw new OperationError(
    `the built-in provider did not start${exited !== undefined ? ` (exit ${exited})` : ''}`,
    {
      hint: `its log is ${paths.logFile}`,
      details: logTail(paths.logFile),
    },
  );
}

/** The state of a built-in provider that answers, or undefined. */
export async function liveState(paths: BuiltinPaths): Promise<BuiltinState | undefined> {
  const state = await readState(paths);
  return state && (await isLive(state)) ? state : undefined;
}

export async function readState(paths: BuiltinPaths): Promise<BuiltinState | undefined> {
  try {
    const value = JSON.parse(await readFile(paths.stateFile, 'utf8')) as BuiltinState;
    return typeof value.pid === 'number' && typeof value.url === 'string' && typeof value.token === 'string'
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

async function isLive(state: BuiltinState): Promise<boolean> {
  try {
    process.kill(state.pid, 0);
  } catch (err) {
    if (errnoCode(err) !== 'EPERM') return false;
  }
  try {
    const res = await fetch(`${state.url}/healthz/ready`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Stops the built-in provider; returns whether one was running. */
export async function stopBuiltinProvider(paths: BuiltinPaths, timeoutMs = 10_000): Promise<boolean> {
  const state = await readState(paths);
  if (!state) return false;
  try {
    process.kill(state.pid, 'SIGTERM');
  } catch {
    await rm(paths.stateFile, { force: true });
    return false;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(state.pid, 0);
    } catch {
      break;
    }
    await sleep(50);
  }
  await rm(paths.stateFile, { force: true });
  return true;
}

/** Keeps the log from growing forever: past 1 MiB, the previous one becomes server.log.1. */
function rotateLog(file: string): void {
  try {
    if (statSync(file).size > LOG_LIMIT_BYTES) renameSync(file, `${file}.1`);
  } catch {
    /* no log yet */
  }
}

function logTail(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-5);
  } catch {
    return [];
  }
}
