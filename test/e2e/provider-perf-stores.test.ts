// What perf gets from the provider's client after a run: synced stores that push a result when signed
// in and queue it while the provider is down; with no credential there is no session to sync with.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { meshdeckPaths } from '../../src/core/paths.js';
import type { PerfResult } from '../../src/perf/result/model.js';
import { localPerfStores } from '../../src/perf/store/local.js';
import { syncedPerfStores } from '../../src/provider/client/sync/perf-stores.js';
import { openProviderSession } from '../../src/provider/client/session.js';
import { SyncEngine, type PushResult } from '../../src/provider/client/sync/engine.js';
import { TestHome } from '../helpers/cli.js';
import { deviceLogin, restartableProvider, tokensFor } from '../helpers/provider.js';

const home = new TestHome();
after(() => home.cleanup());
const log = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/** Enough of a result for the stores: an id, a name, a start time, and a figure to find it by. */
function result(name: string, rps: number): PerfResult {
  return { id: `id-${rps}`, name, start_time: new Date(rps).toISOString(), rps } as unknown as PerfResult;
}

describe('synced perf stores (performance results)', () => {
  it('push results when signed in, queue them while the provider is down; no session when not signed in', async () => {
    const provider = await restartableProvider('pglite');
    await provider.start();
    try {
      const host = { env: home.env, paths: meshdeckPaths(home.env) };
      const ref = { url: provider.url };
      const before = await openProviderSession(host, ref, { requireAuth: false });
      assert.equal(before.source, 'none');

      assert.equal((await deviceLogin(home, provider.url)).code, 0);
      const outcomes: PushResult[] = [];
      const session = await openProviderSession(host, ref, { requireAuth: false });
      const stores = syncedPerfStores(localPerfStores(host.paths.stateDir), new SyncEngine(session, log), {
        pushed: (_kind, _name, outcome) => outcomes.push(outcome),
        warn: () => undefined,
      });
      for (const rps of [100, 200]) {
        await stores.results.save(result('run-1', rps));
        assert.equal(outcomes.at(-1)?.status, 'created', 'results with the same name are separate results');
      }
      await provider.stop();
      await stores.results.save(result('run-2', 300));
      assert.equal(outcomes.at(-1)?.status, 'queued');
      await provider.start();
      const sync = await home.run(['sync', '--provider', provider.url]);
      assert.equal(sync.code, 0, sync.stderr);
      const token = (await tokensFor(provider.url)).access_token;
      const res = await fetch(`${provider.url}/api/performance/results`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { items: Array<{ name: string; data: { rps: number } }> };
      assert.deepEqual(
        body.items.map((i) => i.data.rps).sort((a, b) => a - b),
        [100, 200, 300],
      );
    } finally {
      await provider.cleanup();
    }
  });
});
