import { runForeground, startDetached, userKubeconfigPath } from '../../sandbox/index.js';
import { expandHome } from '../../core/paths.js';
import type { Invocation } from '../shared/invocation.js';
import { resolve } from 'node:path';

interface Options {
  port: number;
  /** Absolute. */
  dataDir?: string;
  detach: boolean;
  /** --kubeconfig: the file that gets the meshdeck-sandbox context. */
  kubeconfigFlag?: string;
}

export function complete(
  inv: Invocation,
  flags: { port: number; dataDir?: string; detach: boolean },
): Options {
  return {
    port: flags.port,
    dataDir: flags.dataDir ? resolve(expandHome(flags.dataDir, inv.env)) : undefined,
    detach: flags.detach,
    kubeconfigFlag: inv.globals.kubeconfig,
  };
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const dataDir = opts.dataDir;
  const userKubeconfig = userKubeconfigPath(opts.kubeconfigFlag, inv.env);
  const stateDir = inv.paths.stateDir;
  if (opts.detach) {
    const args = [process.argv[1], 'sandbox', 'start', '--port', String(opts.port)];
    if (dataDir) args.push('--data-dir', dataDir);
    if (opts.kubeconfigFlag) args.push('--kubeconfig', opts.kubeconfigFlag);
    const state = await startDetached(stateDir, args, { ...process.env, ...inv.env });
    inv.log.success(
      `sandbox running at ${state.url} (pid ${state.pid}); kubectl context "meshdeck-sandbox" in ${userKubeconfig}`,
    );
    return;
  }
  await runForeground({
    stateDir,
    port: opts.port,
    dataDir,
    userKubeconfig,
    signal: inv.signal,
    onReady: (state) =>
      inv.log.success(
        `sandbox running at ${state.url}; kubectl context "meshdeck-sandbox" in ${userKubeconfig}; Ctrl-C stops it`,
      ),
    onError: (err) =>
      inv.log.debug(`sandbox: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
  });
  inv.log.info('sandbox stopped');
}
