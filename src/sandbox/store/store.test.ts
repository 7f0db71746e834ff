import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { K8sObject } from '../base/types.js';
import { Store, type WatchSink } from './store.js';

function put(store: Store, ns: string, name: string, labels: Record<string, string> = {}): K8sObject {
  const obj: K8sObject = {
    metadata: { name, namespace: ns, labels, resourceVersion: String(store.nextResourceVersion()) },
  };
  store.put('/pods', obj);
  return obj;
}

function sink(
  events: string[],
  matches: (o: K8sObject) => boolean = () => true,
  namespace?: string,
): WatchSink {
  return {
    namespace,
    matches,
    deliver: (type, entry, rv) => events.push(`${type} ${entry.object.metadata.name} ${rv}`),
  };
}

describe('store', () => {
  it('lists in key order (namespace, then name), per namespace or across all', () => {
    const s = new Store();
    put(s, 'b', 'z');
    put(s, 'a', 'y');
    put(s, 'a', 'x');
    put(s, 'a-b', 'w');
    assert.deepEqual(
      s.list('/pods').map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`),
      ['a/x', 'a/y', 'a-b/w', 'b/z'],
    );
    assert.deepEqual(
      s.list('/pods', 'a').map((e) => e.object.metadata.name),
      ['x', 'y'],
    );
    assert.equal(s.count('/pods'), 4);
    put(s, 'a', 'x', { changed: 'yes' });
    assert.equal(
      s.list('/pods', 'a')[0].object.metadata.labels?.changed,
      'yes',
      'updates are seen in cached order',
    );
    s.remove('/pods', 'a', 'x');
    assert.deepEqual(
      s.list('/pods').map((e) => e.object.metadata.name),
      ['y', 'w', 'z'],
    );
  });

  it("caches each object's JSON once and shares it", () => {
    const s = new Store();
    put(s, 'a', 'x');
    const e = s.entry('/pods', 'a', 'x')!;
    assert.equal(e.json(), JSON.stringify(e.object));
    assert.equal(e.json(), e.json());
  });

  it('replays history after a resourceVersion, turns selector transitions into ADDED/DELETED, and expires old versions', () => {
    const s = new Store({ historySize: 3 });
    const first = put(s, 'a', 'x');
    put(s, 'a', 'y', { app: 'web' });
    put(s, 'a', 'x', { app: 'web' });
    const replay: string[] = [];
    assert.ok(s.watch('/pods', sink(replay), Number(first.metadata.resourceVersion)));
    assert.deepEqual(replay, ['ADDED y 2', 'MODIFIED x 3']);

    const web: string[] = [];
    s.watch(
      '/pods',
      sink(web, (o) => o.metadata.labels?.app === 'web'),
      s.resourceVersion,
    );
    put(s, 'a', 'x', {});
    put(s, 'a', 'x', { app: 'web' });
    s.remove('/pods', 'a', 'y');
    assert.deepEqual(web, ['DELETED x 4', 'ADDED x 5', 'DELETED y 6']);

    for (let i = 0; i < 10; i++) put(s, 'a', `n${i}`);
    assert.equal(s.watch('/pods', sink([]), 1), undefined, 'rv 1 fell out of the history');
    s.compact();
    assert.equal(s.watch('/pods', sink([]), s.resourceVersion - 1), undefined);
    assert.ok(s.watch('/pods', sink([]), s.resourceVersion));
  });

  it('filters watch events by namespace', () => {
    const s = new Store();
    const events: string[] = [];
    s.watch(
      '/pods',
      sink(events, () => true, 'a'),
      0,
    );
    put(s, 'b', 'x');
    put(s, 'a', 'y');
    assert.deepEqual(events, ['ADDED y 2']);
  });
});
