import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from './parse.js';

const valid = `# team config
apiVersion: meshdeck/v1
kind: Config
current-context: prod
contexts:
  - name: prod
    cluster:
      kubeconfig: ~/.kube/prod.yaml
      context: prod-east
    provider:
      url: https://provider.example.com
    namespace: payments
  - name: dev
    cluster: { sandbox: true }
`;

describe('parseConfig', () => {
  it('reads a valid config into the model', () => {
    const parsed = parseConfig(valid);
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.config.currentContext, 'prod');
    assert.deepEqual(parsed.config.contexts[0], {
      name: 'prod',
      cluster: { kubeconfig: '~/.kube/prod.yaml', context: 'prod-east' },
      provider: { url: 'https://provider.example.com' },
      namespace: 'payments',
    });
    assert.deepEqual(parsed.config.contexts[1].cluster, { sandbox: true });
    assert.equal(parsed.config.contexts[1].namespace, 'default');
    assert.deepEqual(parsed.currentContextAt, { line: 4, col: 18 });
  });

  it('treats an empty file as an empty config', () => {
    for (const source of ['', '\n', '# nothing yet\n']) {
      const parsed = parseConfig(source);
      assert.deepEqual(parsed.errors, []);
      assert.deepEqual(parsed.config, { contexts: [] });
    }
  });

  it('reports YAML syntax errors with their line and column', () => {
    const parsed = parseConfig('apiVersion: meshdeck/v1\ncontexts:\n  - name: a\n  bad: x: y\n');
    assert.ok(parsed.errors.length > 0);
    assert.match(parsed.errors[0].message, /^invalid YAML: /);
    assert.equal(parsed.errors[0].line, 4);
    assert.equal(typeof parsed.errors[0].col, 'number');
  });

  it('refuses an unknown schema version, pointing at the value', () => {
    const parsed = parseConfig('apiVersion: meshdeck/v9\ncontexts: []\n');
    assert.equal(parsed.errors.length, 1);
    assert.match(parsed.errors[0].message, /unsupported config schema version "meshdeck\/v9"/);
    assert.deepEqual([parsed.errors[0].line, parsed.errors[0].col], [1, 13]);
    assert.match(parsed.errors[0].hint ?? '', /meshdeck\/v1/);
  });

  it('asks for an apiVersion when there is none', () => {
    const parsed = parseConfig('contexts: []\n');
    assert.match(parsed.errors[0].message, /no apiVersion/);
  });

  it('warns about unknown keys with a suggestion, and keeps going', () => {
    const parsed = parseConfig('apiVersion: meshdeck/v1\ncontexts:\n  - name: a\n    nmespace: x\n');
    assert.deepEqual(parsed.errors, []);
    assert.equal(parsed.warnings.length, 1);
    assert.match(parsed.warnings[0].message, /unknown key "nmespace" \(did you mean "namespace"\?\)/);
    assert.deepEqual([parsed.warnings[0].line, parsed.warnings[0].col], [4, 5]);
  });

  it('rejects bad field values with their positions', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['  - name: a\n    namespace: Not_Valid\n', /not a valid namespace/, 4],
      ['  - name: a\n    provider: { url: ftp://x }\n', /http:\/\/ or https:\/\//, 4],
      ['  - name: a\n    cluster: { sandbox: yes please }\n', /must be true or false/, 4],
      ['  - name: local\n', /built-in context/, 3],
      ['  - namespace: x\n', /has no name/, 3],
      ['  - name: a\n  - name: a\n', /defined twice/, 4],
      ['  - name: a\n    cluster: { sandbox: true, context: x }\n', /cannot be combined/, 4],
    ];
    for (const [contexts, message, line] of cases) {
      const parsed = parseConfig(`apiVersion: meshdeck/v1\ncontexts:\n${contexts}`);
      assert.equal(parsed.errors.length, 1, contexts);
      assert.match(parsed.errors[0].message, message);
      assert.equal(parsed.errors[0].line, line, contexts);
    }
  });

  it('warns when current-context names no context', () => {
    const parsed = parseConfig('apiVersion: meshdeck/v1\ncurrent-context: prd\ncontexts:\n  - name: prod\n');
    assert.deepEqual(parsed.errors, []);
    assert.match(parsed.warnings[0].message, /"prd" is not defined.*did you mean "prod"/);
  });
});
