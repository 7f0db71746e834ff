import { runForeground, startDetached, userKubeconfigPath } from '../../sandbox/index.js';
import { expandHome } from '../../core/paths.js';
import type { Invocation } from '../shared/invocation.js';
import { resolve } from 'node:path';

export async function run(
  inv: Invocation,
  opts: { port: number; dataDir?: string; detach: boolean },
): Promise<void> {
  const dataDir = opts.dataDir ? resolve(expandHome(opts.dataDir, inv.env)) : undefined;
  const userKubeconfig = userKubeconfigPath(inv.globals.kubeconfig, inv.env);
  const stateDir = inv.paths.stateDir;
  if (opts.detach) {
    const args = [process.argv[1], 'sandbox', 'start', '--port', String(opts.port)];
    if (dataDir) args.push('--data-dir', dataDir);
    if (inv.globals.kubeconfig) args.push('--kubeconfig', inv.globals.kubeconfig);
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
