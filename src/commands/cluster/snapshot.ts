import { setTimeout as sleep } from 'node:timers/promises';
import { loadSnapshot, saveSnapshot } from '../../k8s/snapshot/cache.js';
import type { Snapshot } from '../../k8s/snapshot/model.js';
import { renderSnapshot } from '../../k8s/snapshot/render.js';
import { LiveSnapshot, takeSnapshot, type SnapshotEvent } from '../../k8s/snapshot/snapshot.js';
import type { Invocation } from '../shared/invocation.js';
import { parseRequestTimeout } from '../shared/flags/cluster.js';

interface Options {
  watch: boolean;
  fromCache: boolean;
  requestTimeoutMs: number;
  /** One namespace (-n), or all. */
  namespace?: string;
}

export function complete(
  inv: Invocation,
  flags: { watch: boolean; fromCache: boolean; requestTimeout: string },
): Options {
  return {
    watch: flags.watch,
    fromCache: flags.fromCache,
    requestTimeoutMs: parseRequestTimeout(flags),
    namespace: inv.globals.namespace,
  };
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const namespace = opts.namespace;
  if (opts.fromCache) {
    const target = await inv.factory.clusterTarget();
    const cached = await loadSnapshot(inv.paths.cacheDir, target.cluster.server);
    inv.log.warn(`showing the snapshot taken at ${cached.takenAt}, not the live cluster`);
    await print(inv, cached);
    return;
  }
  const connection = await inv.factory.cluster({ requestTimeoutMs: opts.requestTimeoutMs });
  const cluster = { server: connection.target.cluster.server, context: connection.target.context.name };
  const onSkipped = (what: string, reason: string) =>
    inv.log.warn(`${what} left out of the snapshot: ${reason}`);
  try {
    if (!opts.watch) {
      const snapshot = await takeSnapshot(connection.client, cluster, { namespace, onSkipped });
      await saveSnapshot(inv.paths.cacheDir, snapshot);
      await print(inv, snapshot);
      inv.log.info(summary(snapshot));
      return;
    }
    let dirty = false;
    const live = new LiveSnapshot(connection.client, cluster, {
      namespace,
      onSkipped,
      onEvent: (e) => {
        dirty = true;
        printEvent(inv, e);
      },
      onRebuilt: (kind) => {
        dirty = true;
        inv.log.info(`${kind}: listed again after a reconnect; the snapshot is rebuilt`);
      },
      onTrouble: (reason) => inv.log.warn(`lost the watch (${reason}); reconnecting`),
    });
    await live.start(inv.signal);
    const first = live.current();
    await saveSnapshot(inv.paths.cacheDir, first);
    await print(inv, first);
    inv.log.info(`${summary(first)}; watching for changes (Ctrl-C to stop)`);
    // The cached copy follows the live one, at most once a second.
    const saver = (async () => {
      while (!inv.signal.aborted) {
        await sleep(1000, undefined, { signal: inv.signal }).catch(() => undefined);
        if (dirty) {
          dirty = false;
          await saveSnapshot(inv.paths.cacheDir, live.current());
        }
      }
    })();
    await live.done();
    await saver;
    inv.throwIfInterrupted();
  } finally {
    connection.close();
  }
}

function summary(s: Snapshot): string {
  const sidecars = s.pods.filter((p) => p.sidecars.length > 0).length;
  const meshes = s.meshes.map((m) => m.mesh).join(', ') || 'no mesh found';
  return `${s.namespaces.length} namespaces, ${s.workloads.length} workloads, ${s.pods.length} pods (${sidecars} with sidecars), ${s.services.length} services; ${meshes}`;
}

async function print(inv: Invocation, snapshot: Snapshot): Promise<void> {
  if (inv.format === 'table' || inv.format === 'wide')
    inv.out.write(renderSnapshot(snapshot, inv.format === 'wide'));
  else await inv.out.data(snapshot);
}

function printEvent(inv: Invocation, e: SnapshotEvent): void {
  const where = e.namespace ? `${e.namespace}/${e.name}` : e.name;
  const object = { kind: e.kind, ...(e.namespace ? { namespace: e.namespace } : {}), name: e.name };
  if (inv.format === 'json')
    inv.out.write(
      `${JSON.stringify({ apiVersion: 'meshdeck/v1', kind: 'ClusterSnapshotEvent', type: e.type, object })}\n`,
    );
  else if (inv.format === 'yaml')
    inv.out.write(
      `---\napiVersion: meshdeck/v1\nkind: ClusterSnapshotEvent\ntype: ${e.type}\nobject: ${e.kind.toLowerCase()}/${where}\n`,
    );
  else inv.out.write(`${e.type} ${e.kind.toLowerCase()} ${where}\n`);
}
