import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildProgram } from './program.js';
import { renderCliReference } from './reference.js';

describe('docs/cli.md', () => {
  it('matches the command tree (run `npm run docs` after changing commands)', () => {
    const committed = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    const generated = renderCliReference(buildProgram());
    assert.equal(committed, generated, 'docs/cli.md is stale: run `npm run build && npm run docs`');
  });

  it('documents every visible command with its examples', () => {
    const text = renderCliReference(buildProgram());
    for (const heading of ['## meshdeck context', '### meshdeck context create', '## meshdeck completion']) {
      assert.ok(text.includes(`${heading}\n`), heading);
    }
    assert.ok(!text.includes('__complete'));
  });
});
