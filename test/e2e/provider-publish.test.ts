// What the perf side calls after a run: publishDocument() pushes a result when signed in, queues it while
// the provider is down, and reports "not signed in" otherwise.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { meshdeckPaths } from '../../src/core/paths.js';
import { publishDocument } from '../../src/provider/client/publish.js';
import { TestHome } from '../helpers/cli.js';
import { deviceLogin, restartableProvider, tokensFor } from '../helpers/provider.js';

const home = new TestHome();
after(() => home.cleanup());
const log = { info: () => undefined, warn: () => undefined, debug: () => undefined };

describe('publishDocument (performance results)', () => {
  it('pushes results when signed in, queues them while the provider is down, and says when not signed in', async () => {
    const provider = await restartableProvider('pglite');
    await provider.start();
    try {
      const host = { env: home.env, paths: meshdeckPaths(home.env) };
      const ref = { url: provider.url };
      const before = await publishDocument(
        host,
        ref,
        'performance-results',
        { name: 'run-1', data: { rps: 1 } },
        log,
      );
      assert.deepEqual(before, { status: 'not-signed-in', provider: provider.url });

      assert.equal((await deviceLogin(home, provider.url)).code, 0);
      for (const rps of [100, 200]) {
        const r = await publishDocument(
          host,
          ref,
          'performance-results',
          { name: 'run-1', data: { rps } },
          log,
        );
        assert.equal(r.status, 'created', 'results with the same name are separate results');
      }
      await provider.stop();
      const queued = await publishDocument(
        host,
        ref,
        'performance-results',
        { name: 'run-2', data: { rps: 300 } },
        log,
      );
      assert.equal(queued.status, 'queued');
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
