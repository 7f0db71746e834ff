import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { warningsOf } from './client.js';

describe('warningsOf', () => {
  it('reads the messages of RFC 7234 Warning headers as kube-apiserver sends them', () => {
    assert.deepEqual(warningsOf(undefined), []);
    assert.deepEqual(warningsOf('299 - "unknown field \\"spec.colour\\""'), ['unknown field "spec.colour"']);
    // Node joins repeated headers with ", "; messages may contain commas themselves.
    assert.deepEqual(warningsOf('299 - "a, b", 299 - "policy/v1beta1 PodSecurityPolicy is deprecated"'), [
      'a, b',
      'policy/v1beta1 PodSecurityPolicy is deprecated',
    ]);
    assert.deepEqual(
      warningsOf(['299 - "one"', '299 kube-apiserver "two" "Wed, 02 Dec 2026 07:00:00 GMT"']),
      ['one', 'two'],
    );
  });
});
