import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean, editDistance, nearest } from './suggest.js';

describe('suggest', () => {
  it('measures edit distance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
    assert.equal(editDistance('prdo', 'prod'), 1);
  });

  it('suggests only plausible typos', () => {
    assert.equal(nearest('jsn', ['table', 'json', 'yaml']), 'json');
    assert.equal(nearest('staging', ['prod', 'dev']), undefined);
    assert.equal(didYouMean('prdo', ['prod', 'dev']), ' (did you mean "prod"?)');
    assert.equal(didYouMean('zzz', ['prod']), '');
  });
});
