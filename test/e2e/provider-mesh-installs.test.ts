// The provider's mesh install records (/api/mesh/installs): offered in the capabilities document, many per
// name (a mesh is deployed, upgraded and removed many times), while other kinds keep unique names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATABASES, providerFixture, tokensFor } from '../helpers/provider.js';

const record = (at: string) => ({
  action: 'deploy',
  outcome: 'deployed',
  mesh: 'istio',
  version: '1.30.3',
  revision: 'default',
  manifestDigest: 'a'.repeat(64),
  cluster: { server: 'https://127.0.0.1:6443', context: 'sandbox' },
  namespace: 'istio-system',
  at,
  by: 'me',
  meshdeckVersion: '0.1.0',
});

for (const kind of DATABASES) {
  describe(`mesh install records on the reference provider (on ${kind})`, () => {
    const provider = providerFixture(kind);

    it('are listed in the capabilities, kept many per name, listed and read back', async () => {
      const url = provider.server().url;
      const caps = (await (await fetch(`${url}/api/capabilities`)).json()) as {
        capabilities: Array<{ feature: string; endpoint: string }>;
      };
      const feature = caps.capabilities.find((c) => c.feature === 'persist-mesh-installs');
      assert.equal(feature?.endpoint, '/api/mesh/installs');

      const token = (await tokensFor(url)).access_token;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const name = 'istio@1.30.3 (deploy)';
      const ids: string[] = [];
      for (const at of ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']) {
        const res = await fetch(`${url}/api/mesh/installs`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name, data: record(at) }),
        });
        assert.equal(res.status, 201, await res.clone().text());
        ids.push(((await res.json()) as { id: string }).id);
      }
      assert.notEqual(ids[0], ids[1], 'two records under one name');

      const list = await fetch(`${url}/api/mesh/installs?name=${encodeURIComponent(name)}`, { headers });
      assert.equal(list.status, 200);
      const page = (await list.json()) as {
        items: Array<{ id: string; data: { at: string } }>;
        total_count: number;
      };
      assert.equal(page.total_count, 2);
      assert.deepEqual(page.items.map((i) => i.id).sort(), [...ids].sort());

      const one = await fetch(`${url}/api/mesh/installs/${ids[1]}`, { headers });
      assert.equal(one.status, 200);
      assert.deepEqual(((await one.json()) as { data: unknown }).data, record('2026-01-02T00:00:00.000Z'));

      // Designs keep unique names: the migration widened the exception, it did not drop the rule.
      const design = (n: number) =>
        fetch(`${url}/api/designs`, { method: 'POST', headers, body: JSON.stringify({ name, data: { n } }) });
      assert.equal((await design(1)).status, 201);
      assert.equal((await design(2)).status, 409);
    });
  });
}
