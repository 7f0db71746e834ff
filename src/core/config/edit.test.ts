import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigEditor } from './edit.js';
import { parseConfig } from './parse.js';

const source = `# my settings, keep me
apiVersion: meshdeck/v1
current-context: prod
contexts:
  - name: prod # the real one
    cluster: { context: east }
    team: payments
`;

describe('ConfigEditor', () => {
  it('adds, renames and removes contexts while keeping comments and unknown keys', () => {
    const editor = new ConfigEditor(parseConfig(source).doc);
    editor.addContext({
      name: 'dev',
      cluster: { sandbox: true },
      provider: { builtin: true },
      namespace: 'default',
    });
    editor.renameContext('prod', 'prod-east');
    editor.setCurrentContext('prod-east');
    const text = editor.toString();
    assert.match(text, /# my settings, keep me/);
    assert.match(text, /# the real one/);
    assert.match(text, /team: payments/);
    const reparsed = parseConfig(text);
    assert.deepEqual(
      reparsed.config.contexts.map((c) => c.name),
      ['prod-east', 'dev'],
    );
    assert.equal(reparsed.config.currentContext, 'prod-east');
    assert.deepEqual(reparsed.config.contexts[1].cluster, { sandbox: true });

    assert.equal(editor.removeContext('prod-east'), true);
    assert.equal(editor.removeContext('nope'), false);
    assert.deepEqual(
      parseConfig(editor.toString()).config.contexts.map((c) => c.name),
      ['dev'],
    );
  });

  it('starts a fresh versioned document when there is no file', () => {
    const editor = new ConfigEditor(undefined);
    editor.addContext({
      name: 'a',
      cluster: { context: 'k' },
      provider: { url: 'http://p' },
      namespace: 'ns',
    });
    const parsed = parseConfig(editor.toString());
    assert.deepEqual(parsed.errors, []);
    assert.match(editor.toString(), /^apiVersion: meshdeck\/v1\nkind: Config\n/);
    assert.deepEqual(parsed.config.contexts[0], {
      name: 'a',
      cluster: { context: 'k' },
      provider: { url: 'http://p' },
      namespace: 'ns',
    });
  });
});
