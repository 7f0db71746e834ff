// Where a locally started sandbox leaves word of itself: <stateDir>/sandbox/state.json (pid, URL,
// kubeconfig) and its admin kubeconfig beside it. Light on purpose: other code (the `local` context,
// the cluster client) calls findRunningSandbox() to reach the sandbox without loading the server.
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { processAlive, readStateFile } from '../../local/service.js';

export interface SandboxState {
  pid: number;
  url: string;
  kubeconfig: string;
  startedAt: string;
  dataDir?: string;
  /** The user kubeconfig the meshdeck-sandbox context was merged into. */
  mergedInto?: string;
}

export interface SandboxPaths {
  dir: string;
  stateFile: string;
  kubeconfig: string;
  log: string;
}

export function sandboxPaths(paths: { stateDir: string }): SandboxPaths {
  const dir = join(paths.stateDir, 'sandbox');
  return {
    dir,
    stateFile: join(dir, 'state.json'),
    kubeconfig: join(dir, 'kubeconfig'),
    log: join(dir, 'sandbox.log'),
  };
}

export function readSandboxState(paths: { stateDir: string }): Promise<SandboxState | undefined> {
  return readStateFile<SandboxState>(
    sandboxPaths(paths).stateFile,
    (state) => typeof state.pid === 'number' && typeof state.url === 'string',
  );
}

/** The running sandbox (its process is alive), or undefined. */
export async function findRunningSandbox(paths: { stateDir: string }): Promise<SandboxState | undefined> {
  const state = await readSandboxState(paths);
  return state && processAlive(state.pid) ? state : undefined;
}

/** The admin kubeconfig file of the running sandbox, or undefined when none runs. */
export async function findSandboxKubeconfig(paths: { stateDir: string }): Promise<string | undefined> {
  return (await findRunningSandbox(paths))?.kubeconfig;
}

export async function clearSandboxState(paths: { stateDir: string }, pid: number): Promise<void> {
  const state = await readSandboxState(paths);
  if (state && state.pid !== pid) return; // another sandbox took over
  const p = sandboxPaths(paths);
  await rm(p.stateFile, { force: true });
  await rm(p.kubeconfig, { force: true });
}

type Env = Readonly<Record<string, string | undefined>>;

/** The file kubectl would write to: --kubeconfig, else the first KUBECONFIG entry, else ~/.kube/config. */
export function userKubeconfigPath(flag: string | undefined, env: Env): string {
  if (flag) return flag;
  const first = env.KUBECONFIG?.split(delimiter).find((p) => p !== '');
  if (first) return first;
  return join(env.HOME || homedir(), '.kube', 'config');
}
