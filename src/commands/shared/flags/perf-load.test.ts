import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSpec } from '../../../perf/spec/options.js';
import { parseHeader, parseLoadFlags } from './perf-load-parse.js';

describe('run settings', () => {
  it('layers flags over a profile over defaults', async () => {
    const profile = { url: 'http://svc:8080/', rate: 200, duration_ms: 60_000, connections: 4 };
    const flags = await parseLoadFlags(undefined, { rate: 'max', connections: '8', header: ['X-A: 1'] });
    const spec = resolveSpec(profile, flags);
    assert.equal(spec.rate, null);
    assert.equal(spec.connections, 8);
    assert.equal(spec.durationMs, 60_000);
    assert.deepEqual(spec.headers, [['X-A', '1']]);
    assert.equal(spec.timeoutMs, 5000);
    assert.equal(spec.loadGenerator, 'native');
  });

  it('lets --requests replace a stored duration', async () => {
    const spec = resolveSpec(
      { url: 'http://svc/', duration_ms: 60_000 },
      await parseLoadFlags(undefined, { requests: '100' }),
    );
    assert.equal(spec.requests, 100);
    assert.equal(spec.durationMs, null);
  });

  it('refuses contradictions and unknown generators', async () => {
    await assert.rejects(
      parseLoadFlags('http://x/', { duration: '1s', requests: '5' }),
      /cannot be used together/,
    );
    await assert.rejects(
      parseLoadFlags('http://x/', { body: 'a', bodyFile: 'b' }),
      /cannot be used together/,
    );
    await assert.rejects(
      parseLoadFlags('http://x/', { loadGenerator: 'wrk3' }),
      /unknown load generator "wrk3" \(did you mean "wrk2"\?\)/,
    );
    await assert.rejects(
      parseLoadFlags('http://x/', { bodyFile: '/nonexistent/body.json' }),
      /cannot read --body-file .*no such file/,
    );
    assert.throws(() => resolveSpec({}), /no URL/);
  });

  it('checks headers', () => {
    assert.deepEqual(parseHeader('Authorization: Bearer a:b'), ['Authorization', 'Bearer a:b']);
    assert.throws(() => parseHeader('NoColon'), /expected "Name: value"/);
    assert.throws(() => parseHeader('Bad Name: x'), /expected "Name: value"/);
  });
});
