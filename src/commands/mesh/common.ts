// What the mesh actions share: finding the mesh the user named (exit 2 naming the supported ones), the
// lifecycle context (cluster, installer, user, logger, the provider's install history), and printing the
// objects an operation touched.
import { userInfo } from 'node:os';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import type { LifecycleContext } from '../../adapters/lifecycle/context.js';
import type { InstallHistory } from '../../adapters/lifecycle/history.js';
import type { MeshLifecycle } from '../../adapters/lifecycle/types.js';
import { BUILTIN_MESHES, builtinMesh } from '../../adapters/builtin/index.js';
import type { Invocation } from '../shared/invocation.js';

export function findMesh(name: string): MeshLifecycle {
  const mesh = builtinMesh(name.toLowerCase());
  if (mesh) return mesh;
  const names = BUILTIN_MESHES.map((m) => m.name);
  throw new UsageError(`unknown mesh "${name}"${didYouMean(name, names)}`, {
    hint: `supported meshes: ${names.join(', ')} (meshdeck mesh list)`,
  });
}

export async function withLifecycle<T>(
  inv: Invocation,
  flags: { installer?: string; record?: boolean },
  work: (ctx: LifecycleContext) => Promise<T>,
): Promise<T> {
  const connection = await inv.factory.cluster({ requestTimeoutMs: 60_000 });
  const history = flags.record ? await installHistory(inv) : undefined;
  try {
    return await work({
      history,
      cluster: { server: connection.target.cluster.server, context: connection.target.context.name },
      client: connection.client,
      env: inv.env,
      cacheDir: inv.paths.cacheDir,
      signal: inv.signal,
      user: userInfo().username,
      installerPath: flags.installer,
      log: {
        info: (m) => (inv.log.clearProgress(), inv.log.info(m)),
        warn: (m) => (inv.log.clearProgress(), inv.log.warn(m)),
        progress: (m) => inv.log.progress(m),
        debug: (m) => inv.log.debug(m),
      },
    });
  } finally {
    inv.log.clearProgress();
    connection.close();
  }
}

/** The provider's install history; none when no provider keeps one (or it cannot be opened: a warning). */
async function installHistory(inv: Invocation): Promise<InstallHistory | undefined> {
  try {
    return await inv.factory.installHistory();
  } catch (err) {
    inv.log.warn(`install records stay in the cluster only: ${(err as Error).message}`);
    return undefined;
  }
}

export function timeoutOf(text: string, flag = '--timeout'): number {
  return parseDuration(text, flag);
}
