import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffLines, unifiedDiff } from './lines.js';

describe('line diff', () => {
  it('finds a shortest edit script', () => {
    const edits = diffLines(['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']);
    assert.equal(edits.filter((e) => e.op !== ' ').length, 5);
    // Applying the script gives the new text back; dropping additions gives the old one.
    assert.deepEqual(
      edits.filter((e) => e.op !== '-').map((e) => e.line),
      ['c', 'b', 'a', 'b', 'a', 'c'],
    );
    assert.deepEqual(
      edits.filter((e) => e.op !== '+').map((e) => e.line),
      ['a', 'b', 'c', 'a', 'b', 'b', 'a'],
    );
  });

  it('renders unified hunks with three lines of context, like diff -u', () => {
    const old = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const changed = old.replace('line 5', 'line five').replace('line 18\n', '');
    assert.equal(
      unifiedDiff('live', 'design', old, changed),
      [
        '--- live',
        '+++ design',
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+line five',
        ' line 6',
        ' line 7',
        ' line 8',
        '@@ -15,6 +15,5 @@',
        ' line 15',
        ' line 16',
        ' line 17',
        '-line 18',
        ' line 19',
        ' line 20',
        '',
      ].join('\n'),
    );
  });

  it('shows a new object as all additions, and nothing for equal texts', () => {
    assert.equal(
      unifiedDiff('live', 'design', '', 'a: 1\nb: 2\n'),
      '--- live\n+++ design\n@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n',
    );
    assert.equal(unifiedDiff('live', 'design', 'a: 1\n', 'a: 1\n'), '');
  });
});
