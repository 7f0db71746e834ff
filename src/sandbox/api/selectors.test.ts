import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinTypes } from '../resources/builtin.js';
import type { K8sObject } from '../base/types.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { StatusError } from '../base/status.js';

const pod = (name: string, labels: Record<string, string>, phase = 'Pending'): K8sObject => ({
  metadata: { name, namespace: 'default', labels },
  status: { phase },
});
const pods = [
  pod('a', { app: 'a', tier: 'web' }),
  pod('b', { app: 'b', tier: 'db' }),
  pod('c', { app: 'c' }, 'Running'),
  pod('d', { app: 'b', canary: 'yes', n: '7' }),
];
const podType = builtinTypes().find((t) => t.kind === 'Pod')!;
const select = (sel: string) => pods.filter(parseLabelSelector(sel)).map((p) => p.metadata.name);

describe('label selectors', () => {
  it('supports equality, sets, existence and their negations, ANDed', () => {
    assert.deepEqual(select(''), ['a', 'b', 'c', 'd']);
    assert.deepEqual(select('app=b'), ['b', 'd']);
    assert.deepEqual(select('app==b'), ['b', 'd']);
    assert.deepEqual(select('tier!=db'), ['a', 'c', 'd'], '!= matches objects without the key');
    assert.deepEqual(select('app in (a,b),tier!=db'), ['a', 'd']);
    assert.deepEqual(select('app notin (a, b)'), ['c']);
    assert.deepEqual(select('canary'), ['d']);
    assert.deepEqual(select('!canary'), ['a', 'b', 'c']);
    assert.deepEqual(select(' app = b , ! canary '), ['b']);
    assert.deepEqual(select('n>5'), ['d']);
    assert.deepEqual(select('n<5'), []);
  });

  it('refuses bad syntax with 400 and the apiserver wording', () => {
    for (const bad of ['app in a', 'app in (a', '=x', 'a=b=c', 'app,,x', 'bad key=1']) {
      assert.throws(
        () => parseLabelSelector(bad),
        (e: StatusError) => e.code === 400 && e.message.startsWith('unable to parse requirement: '),
        bad,
      );
    }
  });
});

describe('field selectors', () => {
  it('selects by metadata fields and the kind-specific fields', () => {
    const byField = (sel: string) =>
      pods.filter(parseFieldSelector(sel, podType).predicate).map((p) => p.metadata.name);
    assert.deepEqual(byField('metadata.name=c'), ['c']);
    assert.deepEqual(byField('metadata.name!=c,metadata.namespace==default'), ['a', 'b', 'd']);
    assert.deepEqual(byField('status.phase=Running'), ['c']);
  });

  it('says which field is not supported', () => {
    assert.throws(
      () => parseFieldSelector('spec.bogus=x', podType),
      (e: StatusError) => e.code === 400 && e.message === 'field label not supported: spec.bogus',
    );
    assert.throws(
      () => parseFieldSelector('nonsense', podType),
      (e: StatusError) => e.code === 400 && /can't understand 'nonsense'/.test(e.message),
    );
  });
});
