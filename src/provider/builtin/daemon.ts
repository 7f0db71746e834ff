// The built-in provider: the reference provider in single-user mode (no sign-in, like Meshery's Local
// provider), which meshdeck starts itself on a loopback port the first time a command needs it. Its data
// (PGlite) is under the state folder; one process serves every meshdeck command of this user, so two
// commands at once never open the database twice. It stops after a while without requests.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OperationError } from '../../core/errors.js';
import { ensurePrivateDir } from '../../core/fs/atomic.js';
import { withFileLock } from '../../core/fs/lock.js';
import type { Env } from '../../core/paths.js';
import { processAlive, readStateFile, spawnDetached, stopProcess } from '../../local/service.js';

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
  return spawnDetached({
    args: [process.argv[1], 'provider', 'serve', '--builtin'],
    env: { ...env, [BUILTIN_TOKEN_ENV]: token },
    logFile: paths.logFile,
    log: 'append',
    timeoutMs: START_TIMEOUT_MS,
    ready: async (pid) => {
      const state = await readState(paths);
      return state && state.pid === pid && (await isLive(state)) ? state : undefined;
    },
    failure: (why, logTail) =>
      new OperationError(
        `the built-in provider did not start${why.kind === 'exited' ? ` (exit ${why.code})` : ''}`,
        { hint: `its log is ${paths.logFile}`, details: logTail },
      ),
  });
}

/** The state of a built-in provider that answers, or undefined. */
export async function liveState(paths: BuiltinPaths): Promise<BuiltinState | undefined> {
  const state = await readState(paths);
  return state && (await isLive(state)) ? state : undefined;
}

export function readState(paths: BuiltinPaths): Promise<BuiltinState | undefined> {
  return readStateFile<BuiltinState>(
    paths.stateFile,
    (v) => typeof v.pid === 'number' && typeof v.url === 'string' && typeof v.token === 'string',
  );
}

async function isLive(state: BuiltinState): Promise<boolean> {
  if (!processAlive(state.pid)) return false;
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
  const stopped = await stopProcess(state.pid, { graceMs: timeoutMs });
  await rm(paths.stateFile, { force: true });
  return stopped;
}
