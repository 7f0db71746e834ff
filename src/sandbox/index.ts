// The sandbox's public surface, the only way in from outside src/sandbox: start one in-process, run the
// local one (`meshdeck sandbox start`, foreground or detached) or find it. Light on purpose: the server
// and the lifecycle (which load yaml) are reached through import() only when a sandbox is started or stopped.
import type { Sandbox, SandboxOptions } from './boot/sandbox.js';
import type { ForegroundOptions, LocalSandbox } from './local/lifecycle.js';
import type { SandboxState } from './local/state.js';

export type {
  FaultInfo,
  FaultSpec,
  Identity,
  ProcessInfo,
  RequestRecord,
  Sandbox,
  SandboxOptions,
} from './boot/sandbox.js';
export type { ForegroundOptions, LocalSandbox } from './local/lifecycle.js';
export { SANDBOX_CONTEXT } from './boot/context.js';
export { probeReady } from './local/probe.js';
export {
  findRunningSandbox,
  findSandboxKubeconfig,
  readSandboxState,
  sandboxPaths,
  userKubeconfigPath,
  type SandboxState,
} from './local/state.js';

/** A sandbox API server (and the cluster around it) in this process. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  return (await import('./boot/sandbox.js')).startSandbox(opts);
}

/** This process's sandbox as the local one (state file and kubeconfig context) until close(). */
export async function openLocalSandbox(
  o: Omit<ForegroundOptions, 'signal' | 'onReady'>,
): Promise<LocalSandbox> {
  return (await import('./local/lifecycle.js')).openLocalSandbox(o);
}

/** Runs the local sandbox in this process until the signal fires. */
export async function runForeground(o: ForegroundOptions): Promise<void> {
  return (await import('./local/lifecycle.js')).runForeground(o);
}

/** Starts the local sandbox as a detached meshdeck process; resolves once it is ready. */
export async function startDetached(
  stateDir: string,
  command: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs?: number,
): Promise<SandboxState> {
  return (await import('./local/lifecycle.js')).startDetached(stateDir, command, env, timeoutMs);
}

/** Stops the local sandbox; undefined when none ran. */
export async function stopRunning(stateDir: string, graceMs?: number): Promise<SandboxState | undefined> {
  return (await import('./local/lifecycle.js')).stopRunning(stateDir, graceMs);
}

/**
 * A CA and a serving certificate for these DNS names, from the sandbox's own PKI: what a simulated webhook
 * server of the sandbox serves with (its CA goes into the webhook's caBundle).
 */
export async function issueServingCertificate(
  names: string[],
  caName: string,
): Promise<{ ca: string; cert: string; key: string }> {
  const pki = await import('./tls/pki.js');
  const ca = pki.createAuthority(caName);
  return { ca: ca.cert, ...pki.issueServerCert(ca, names) };
}
