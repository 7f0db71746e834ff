// API faults injected at the HTTP level through the sandbox's request hook (429 with Retry-After, 500s),
// a server restarted in the middle of an apply, and a dropped watch while delete waits: each recovered,
// with every object there exactly once, as the sandbox itself records.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Errors } from '../../src/sandbox/base/status.js';
import { LiveProcess } from '../helpers/provider.js';
import { ClusterHome } from '../helpers/cluster.js';

interface Seen {
  path: string;
  at: number;
  fault?: string;
}

/** What the next requests meet: decided per request by the test running now. */
let fault: ((method: string, path: string) => 'throttle' | 'fail' | 'hang' | undefined) | undefined;
const seen: Seen[] = [];
let c: ClusterHome;

before(async () => {
  c = await ClusterHome.start({
    persistent: true,
    beforeRequest: async ({ method, url }) => {
      if (method !== 'PATCH') return;
      const path = url.replace(/\?.*/, '');
      const what = fault?.(method, path);
      seen.push({ path, at: Date.now(), fault: what });
      if (what === 'throttle') throw Errors.tooManyRequests(1);
      if (what === 'fail') throw new Error('injected failure');
      if (what === 'hang') await new Promise(() => undefined);
    },
  });
  assert.equal((await c.kubectl(['create', 'namespace', 'load'])).code, 0);
});
after(() => c.stop());

const configMaps = (prefix: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${prefix}-${i}, namespace: load}\ndata: {i: "${i}"}\n`,
  ).join('---\n');

/** The names of the design's configmaps the cluster holds (each name once by construction, so count them). */
async function applied(design: string): Promise<string[]> {
  const list = await c.get(['configmaps', '-n', 'load', '-l', `meshdeck.io/design=${design}`]);
  return list.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort();
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`).sort();

describe('faults injected by the API server', () => {
  it('429 with Retry-After: waits as long as the server asks, then every object is applied once', async () => {
    const file = c.file('throttled.yaml', configMaps('t', 20));
    const throttled = new Set<string>();
    fault = (_m, path) => {
      if (throttled.size < 3 && /\/configmaps\/t-/.test(path) && !throttled.has(path)) {
        throttled.add(path);
        return 'throttle';
      }
      return undefined;
    };
    const from = seen.length;
    const r = await c.meshdeck(['design', 'apply', '-f', file, '--name', 'throttled']);
    fault = undefined;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 20, 'one result line per object');
    assert.deepEqual(await applied('throttled'), names('t', 20));
    const log = seen.slice(from);
    assert.equal(log.filter((s) => s.fault === 'throttle').length, 3);
    for (const path of throttled) {
      const [first, again] = log.filter((s) => s.path === path);
      assert.ok(again, `${path} was sent again`);
      // Retry-After: 1 is one second, as the server measures it (a little timer slack allowed).
      assert.ok(again.at - first.at >= 950, `${path} retried after ${again.at - first.at} ms`);
    }
  });

  it('500s are retried with backoff until the object is applied', async () => {
    const file = c.file('flaky.yaml', configMaps('f', 20));
    const failed = new Set<string>();
    fault = (_m, path) => {
      // The first attempt of every other object fails.
      const m = /\/configmaps\/f-(\d+)$/.exec(path);
      if (m && Number(m[1]) % 2 === 0 && !failed.has(path)) {
        failed.add(path);
        return 'fail';
      }
      return undefined;
    };
    const r = await c.meshdeck(['design', 'apply', '-f', file, '--name', 'flaky', '-o', 'json']);
    fault = undefined;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(failed.size, 10);
    const items = JSON.parse(r.stdout).items as Array<{ name: string; action: string }>;
    assert.deepEqual(items.map((i) => i.name).sort(), names('f', 20));
    assert.ok(items.every((i) => i.action === 'created'));
    assert.deepEqual(await applied('flaky'), names('f', 20));
  });

  it('a server that keeps refusing ends in a clear failure (exit 1) naming the object, the rest applied', async () => {
    const file = c.file('stubborn.yaml', configMaps('s', 4));
    fault = (_m, path) => (path.endsWith('/configmaps/s-2') ? 'throttle' : undefined);
    const r = await c.meshdeck(['design', 'apply', '-f', file, '--name', 'stubborn'], { timeoutMs: 120_000 });
    fault = undefined;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: 1 of 4 objects failed to apply/);
    assert.match(
      r.stderr,
      /configmap\/s-2 -n load: the cluster kept throttling meshdeck \(429 Too Many Requests\) \(after \d+ attempts\)/,
    );
    assert.deepEqual(await applied('stubborn'), ['s-0', 's-1', 's-3']);
  });

  it('survives the API server restarting in the middle of an apply', async () => {
    const file = c.file('restart.yaml', configMaps('r', 40));
    let patches = 0;
    let restarted: Promise<void> | undefined;
    fault = () => {
      if (++patches !== 12) return undefined;
      // This request never gets an answer: the server goes away under it and comes back.
      restarted = c.restart();
      return 'hang';
    };
    const r = await c.meshdeck(['design', 'apply', '-f', file, '--name', 'restart', '--concurrency', '4']);
    fault = undefined;
    await restarted;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 40);
    assert.deepEqual(await applied('restart'), names('r', 40));
    assert.ok(patches > 40, 'the requests cut off by the restart were sent again');
  });
});

describe('a dropped watch while waiting', () => {
  it('design delete keeps waiting for a finalizer across a dropped watch with expired history', async () => {
    const file = c.file('held.yaml', configMaps('h', 1));
    assert.equal((await c.meshdeck(['design', 'apply', '-f', file, '--name', 'held'])).code, 0);
    const hold = await c.kubectl([
      'patch',
      'configmap',
      'h-0',
      '-n',
      'load',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["example.com/hold"]}}',
    ]);
    assert.equal(hold.code, 0, hold.stderr);
    const proc = new LiveProcess(['design', 'delete', '-f', file, '--name', 'held'], c.home.env);
    await proc.waitFor(/configmap\/h-0 -n load deleted/);
    await new Promise((r) => setTimeout(r, 300));
    c.sandbox.dropWatches();
    c.sandbox.compactHistory();
    const release = await c.kubectl([
      'patch',
      'configmap',
      'h-0',
      '-n',
      'load',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
    assert.equal(release.code, 0, release.stderr);
    const r = await proc.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await c.get(['configmap', 'h-0', '-n', 'load']), undefined);
  });
});
