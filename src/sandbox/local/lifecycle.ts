// A sandbox run as a local service: in the foreground until a signal, or detached in the background;
// its state file and kubeconfig context are written when it is ready and removed when it stops.
import { parse } from 'yaml';
import { OperationError, TimeoutError } from '../../core/errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../../core/fs/atomic.js';
import { startSandbox } from '../boot/sandbox.js';
import { mergeSandboxContext, removeSandboxContext } from './kubeconfig-file.js';
import {
  clearSandboxState,
  findRunningSandbox,
  readSandboxState,
  sandboxPaths,
  type SandboxState,
} from './state.js';
import { untilAborted } from '../../core/abort.js';
import { spawnDetached, stopProcess } from '../../local/service.js';

export interface ForegroundOptions {
  stateDir: string;
  port: number;
  dataDir?: string;
  /** The user's kubeconfig to merge the meshdeck-sandbox context into. */
  userKubeconfig: string;
  signal: AbortSignal;
  onReady: (state: SandboxState) => void;
  onError: (err: unknown) => void;
}

async function refuseIfRunning(stateDir: string): Promise<void> {
  const running = await findRunningSandbox({ stateDir });
  if (running)
    throw new OperationError(`a sandbox is already running (pid ${running.pid}) at ${running.url}`, {
      hint: 'stop it first with "meshdeck sandbox stop", or use it as it is',
    });
}

export interface LocalSandbox {
  state: SandboxState;
  /** Stops the sandbox and removes its state file and kubeconfig context. */
  close(): Promise<void>;
}

/**
 * Starts a sandbox in this process as the local one: its state file and the meshdeck-sandbox kubeconfig
 * context exist until close(), so kubectl and other meshdeck commands reach it meanwhile.
 */
export async function openLocalSandbox(
  o: Omit<ForegroundOptions, 'signal' | 'onReady'>,
): Promise<LocalSandbox> {
  await refuseIfRunning(o.stateDir);
  const paths = sandboxPaths({ stateDir: o.stateDir });
  await ensurePrivateDir(paths.dir);
  const sandbox = await startSandbox({
    port: o.port,
    dataDir: o.dataDir,
    kubeconfigPath: paths.kubeconfig,
    onError: o.onError,
  }).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new OperationError(`port ${o.port} is already in use`, {
        hint: 'choose another --port, or 0 for any free port',
        cause: err,
      });
    throw err;
  });
  const state: SandboxState = {
    pid: process.pid,
    url: sandbox.url,
    kubeconfig: paths.kubeconfig,
    startedAt: new Date().toISOString(),
    dataDir: o.dataDir,
    mergedInto: o.userKubeconfig,
  };
  const close = async () => {
    await sandbox.stop();
    await clearSandboxState({ stateDir: o.stateDir }, process.pid);
    await removeSandboxContext(o.userKubeconfig).catch(() => undefined);
  };
  try {
    await mergeSandboxContext(o.userKubeconfig, parse(sandbox.kubeconfig) as Record<string, unknown>);
    await writeFileAtomic(paths.stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  } catch (err) {
    await close();
    throw err;
  }
  return { state, close };
}

/** Runs a sandbox until the signal fires; state and kubeconfig context exist only while it runs. */
export async function runForeground(o: ForegroundOptions): Promise<void> {
  const local = await openLocalSandbox(o);
  try {
    o.onReady(local.state);
    await untilAborted(o.signal);
  } finally {
    await local.close();
  }
}

/** Starts `command` (this CLI's `sandbox start` without --detach) in the background; waits until ready. */
export async function startDetached(
  stateDir: string,
  command: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 20_000,
): Promise<SandboxState> {
  await refuseIfRunning(stateDir);
  const paths = sandboxPaths({ stateDir });
  await ensurePrivateDir(paths.dir);
  return spawnDetached({
    args: command,
    env,
    logFile: paths.log,
    log: 'truncate',
    timeoutMs,
    ready: async (pid) => {
      const state = await readSandboxState({ stateDir });
      return state?.pid === pid ? state : undefined;
    },
    failure: (why, logTail) =>
      why.kind === 'exited'
        ? new OperationError('the sandbox exited before it was ready', {
            details: logTail,
            hint: `see ${paths.log}`,
          })
        : new TimeoutError(`the sandbox was not ready within ${timeoutMs / 1000}s`, {
            hint: `see ${paths.log}`,
          }),
  });
}

/** Stops the running sandbox (SIGTERM, then SIGKILL after the grace period). Undefined if none ran. */
export async function stopRunning(stateDir: string, graceMs = 10_000): Promise<SandboxState | undefined> {
  const state = await readSandboxState({ stateDir });
  if (!state) return undefined;
  await stopProcess(state.pid, { graceMs, force: true });
  // A process killed hard leaves its files behind: tidy them.
  await clearSandboxState({ stateDir }, state.pid);
  if (state.mergedInto) await removeSandboxContext(state.mergedInto).catch(() => undefined);
  return state;
}
